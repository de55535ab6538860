"""Ship realistic checklist templates for the three tiers.

The items are a frozen copy of what this migration shipped (0004_default_templates.json beside
it), so editing responsibility/data/default_templates.toml never changes history: a change to
the shipped templates comes with a new data migration and its own frozen copy.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).with_suffix(".json")

FIELDS = (
    "group",
    "content",
    "standard",
    "frequency",
    "required_count",
    "due_days",
    "evidence",
    "responsible_post",
    "is_meeting",
    "deduction_rule",
    "source",
)


def forward(apps, schema_editor):
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    Tier = apps.get_model("responsibility", "Tier")
    TemplateItem = apps.get_model("responsibility", "TemplateItem")
    for kind, items in shipped.items():
        tier = Tier.objects.filter(kind=kind).first()
        if tier is None:
            continue
        for order, item in enumerate(items, start=1):
            values = {field: item[field] for field in FIELDS}
            values["points"] = Decimal(item["points"])
            values["sort_order"] = order * 10
            TemplateItem.objects.update_or_create(tier=tier, ref=item["ref"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("responsibility", "0003_checklists")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

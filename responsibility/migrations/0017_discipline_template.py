"""Ship the 机关纪委's default 监督责任 checklist (issue #20.6) and give its tier a checklist.

The items are a frozen copy of what this migration shipped (0017_discipline_template.json beside
it), as 0004 does for the other tiers: a later change to responsibility/data/default_templates.toml
ships with its own data migration. Years already started keep their checklists; the 机关纪委's
list reaches the next year generated (or an admin adds it to the current one).
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
        tier.has_checklist = True
        tier.save(update_fields=["has_checklist"])
        for order, item in enumerate(items, start=1):
            values = {field: item[field] for field in FIELDS}
            values["points"] = Decimal(item["points"])
            values["sort_order"] = order * 10
            TemplateItem.objects.update_or_create(tier=tier, ref=item["ref"], defaults=values)


def backward(apps, schema_editor):
    Tier = apps.get_model("responsibility", "Tier")
    Tier.objects.filter(kind="discipline_committee").update(has_checklist=False)


class Migration(migrations.Migration):
    dependencies = [("responsibility", "0016_work_versions")]

    operations = [migrations.RunPython(forward, backward)]

"""Ship the default personal duties per tier and post (个人履责, domain.md §8b, issue #19.1).

The templates are a frozen copy of what this migration shipped (0022_personal_duty_templates.json
beside it, from responsibility/data/personal_duties.toml): a later change to the file ships with
its own data migration.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).with_suffix(".json")

DEFAULTS = {"points": "1", "required_count": 1, "is_meeting": False, "deduction_rule": ""}
FIELDS = (
    "group",
    "content",
    "standard",
    "frequency",
    "required_count",
    "due_days",
    "evidence",
    "is_meeting",
    "deduction_rule",
    "source",
)


def forward(apps, schema_editor):
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    Tier = apps.get_model("responsibility", "Tier")
    Template = apps.get_model("responsibility", "PersonalDutyTemplate")
    for kind, posts in shipped.items():
        tier = Tier.objects.filter(kind=kind).first()
        if tier is None:
            continue
        for post_kind, items in posts.items():
            for order, item in enumerate(items, start=1):
                item = {**DEFAULTS, **item}
                values = {field: item[field] for field in FIELDS}
                values["points"] = Decimal(item["points"])
                values["responsible_post"] = post_kind
                values["sort_order"] = order * 10
                Template.objects.update_or_create(
                    tier=tier, post_kind=post_kind, ref=item["ref"], defaults=values
                )


def backward(apps, schema_editor):
    apps.get_model("responsibility", "PersonalDutyTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("responsibility", "0021_personal_duties")]

    operations = [migrations.RunPython(forward, backward)]

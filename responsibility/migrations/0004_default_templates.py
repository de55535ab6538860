"""Ship realistic checklist templates for the three tiers (responsibility/default_templates.py)."""

from decimal import Decimal

from django.db import migrations

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
    from responsibility.default_templates import DEFAULT_TEMPLATES

    Tier = apps.get_model("responsibility", "Tier")
    TemplateItem = apps.get_model("responsibility", "TemplateItem")
    for kind, items in DEFAULT_TEMPLATES.items():
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

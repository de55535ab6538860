"""Default tiers from domain.md §2; admins may relabel them afterwards."""

from django.db import migrations

TIERS = [
    # kind, name, responsibility, supervises_subtree, has_checklist
    ("committee", "省委省级机关工委", "指导督促", True, False),
    ("unit", "单位", "", False, False),
    ("party_group", "党组（党委）", "主体责任", False, True),
    ("organ_committee", "机关党委", "直接责任", True, True),
    ("discipline_committee", "机关纪委", "监督责任", False, False),
    ("general_branch", "党总支", "落实责任", False, False),
    ("branch", "党支部", "落实责任", False, True),
]


def forward(apps, schema_editor):
    Tier = apps.get_model("responsibility", "Tier")
    for order, (kind, name, responsibility, supervises, checklist) in enumerate(TIERS):
        Tier.objects.update_or_create(
            kind=kind,
            defaults={
                "name": name,
                "responsibility": responsibility,
                "supervises_subtree": supervises,
                "has_checklist": checklist,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("responsibility", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

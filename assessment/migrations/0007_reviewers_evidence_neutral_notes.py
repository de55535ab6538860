from django.db import migrations


def forward(apps, schema_editor):
    """Files already attached to ledger proposals become reviewers' files (domain.md §8a)."""
    LedgerEntry = apps.get_model("assessment", "LedgerEntry")
    Evidence = apps.get_model("responsibility", "Evidence")
    Evidence.objects.filter(
        pk__in=LedgerEntry.objects.filter(evidence__isnull=False).values("evidence_id")
    ).update(reviewers_only=True)


def neutral_notes(apps, schema_editor):
    """Grade notes no longer name accountability (domain.md §8a): "等次按有关规定确定"."""
    AnnualResult = apps.get_model("assessment", "AnnualResult")
    old, new = "受问责等情形限制，等次不高于", "等次按有关规定确定，不高于"
    for result in AnnualResult.objects.filter(grade_note__contains=old).only("grade_note"):
        result.grade_note = result.grade_note.replace(old, new)[:300]
        result.save(update_fields=["grade_note"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0006_export_job_started_at"),
        ("responsibility", "0008_evidence_reviewers_only"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.RunPython(neutral_notes, migrations.RunPython.noop),
    ]

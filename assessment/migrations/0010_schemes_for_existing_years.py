"""Every year has its scheme from its creation on (responsibility.services.years runs
assessment's hook in year_create); this gives one with the domain defaults to each year made
before, which until now got it on the first page that read it."""

from django.db import migrations


def forward(apps, schema_editor):
    Year = apps.get_model("responsibility", "Year")
    Scheme = apps.get_model("assessment", "Scheme")
    Scheme.objects.bulk_create(
        Scheme(year=year) for year in Year.objects.filter(scheme__isnull=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0009_worklist_indexes"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]

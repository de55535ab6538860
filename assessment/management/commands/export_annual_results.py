from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment import exports
from assessment.models import AnnualResult
from responsibility.models import Year


class Command(BaseCommand):
    help = "Write the annual results workbook of every organisation to PATH (.xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, year: int, path: Path, **options: Any) -> None:
        year_obj = Year.objects.filter(year=year).first()
        if year_obj is None:
            raise CommandError(f"No assessment year {year}.")
        ids = list(
            AnnualResult.objects.filter(year=year_obj, is_current=True).values_list(
                "organisation_id", flat=True
            )
        )
        if not ids:
            raise CommandError(f"No results computed for {year}; compute them first.")
        rows = exports.write_workbook(path, year_obj, ids)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {path}: {len(ids)} organisations, {rows} item rows.")
        )

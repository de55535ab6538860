"""List files without rows, rows without files, mismatched evidence and stale temp files.

A dry run by default: it prints the table and changes nothing. `--delete` removes what no row
references (orphan files, stale upload temp files, abandoned imports); rows are never deleted.
Beat runs it weekly with `--delete` (responsibility.tasks.media_audit). Exits 0 either way: the
table is for an operator to read, and monitoring reads the task's log line.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ... import media_audit


class Command(BaseCommand):
    help = "Audit media files against the database; --delete removes orphans and stale temp files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--delete",
            action="store_true",
            help="delete orphan files, stale upload temp files and abandoned imports",
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help=(
                "only count files untouched this long as orphans or stale "
                "(default: an hour; abandoned imports: a day)"
            ),
        )

    def handle(self, *args: Any, delete: bool, older_than: int | None, **options: Any) -> None:
        age = datetime.timedelta(seconds=older_than) if older_than is not None else None
        report = media_audit.audit(delete=delete, older_than=age)
        self.stdout.write(media_audit.render(report))

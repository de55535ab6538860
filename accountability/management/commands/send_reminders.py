import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accountability import reminders


class Command(BaseCommand):
    help = "Run the reminder sweep (督促提醒) now; safe to run again for the same day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="The day to sweep, YYYY-MM-DD (default: today in Asia/Shanghai); "
            "use it to catch up a day the scheduler missed.",
        )
        parser.add_argument(
            "--no-deliver",
            action="store_true",
            help="Write digests and the outbox but leave the emails to the worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        result = reminders.run(today, deliver=not options["no_deliver"])
        self.stdout.write(
            self.style.SUCCESS(
                f"items {result.items}, recipients {result.recipients}, "
                f"digests sent {result.digests}, emails queued {result.emails}, "
                f"emails delivered {result.delivered}"
            )
        )

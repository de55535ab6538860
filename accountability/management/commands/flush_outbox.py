from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accountability.models import OutboxMessage
from accountability.services import notifications


class Command(BaseCommand):
    help = (
        "Deliver the pending outbox emails now (待发邮件), batch by batch, and print how many "
        "were sent and how many failed; failures wait for their next attempt as usual."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--due-only",
            action="store_true",
            help="Only the emails whose next attempt is due (as the periodic flush); by default "
            "emails waiting out a back-off after a failure are tried now too.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        delivery = notifications.outbox_flush(due_only=options["due_only"])
        pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count()
        style = self.style.SUCCESS if delivery.failed == 0 else self.style.WARNING
        self.stdout.write(
            style(f"sent {delivery.sent}, failed {delivery.failed}, still pending {pending}")
        )

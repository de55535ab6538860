from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

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
        now = timezone.now()
        if not options["due_only"]:
            # An operator who fixed the mail server wants everything tried now, not after the
            # back-off; the per-row claim in outbox_deliver still prevents a double send.
            OutboxMessage.objects.filter(
                status=OutboxMessage.Status.PENDING, next_attempt_at__gt=now
            ).update(next_attempt_at=now)
        sent = failed = 0
        while True:
            # A failed row's next attempt moves into the future, so each batch takes new rows.
            delivery = notifications.outbox_deliver()
            sent += delivery.sent
            failed += delivery.failed
            if delivery.sent + delivery.failed == 0:
                break
        pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count()
        style = self.style.SUCCESS if failed == 0 else self.style.WARNING
        self.stdout.write(style(f"sent {sent}, failed {failed}, still pending {pending}"))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("督查问责")

    def ready(self) -> None:
        # The annual results workbook (assessment) gets the rectification ledger as a sheet,
        # without assessment importing this app.
        from assessment.exports import EXTRA_SHEETS

        from .exports import annual_results_sheet

        if annual_results_sheet not in EXTRA_SHEETS:
            EXTRA_SHEETS.append(annual_results_sheet)

        # A year-end report's draft (assessment) gets the findings and rectifications of the
        # organisation's year, without assessment importing this app (issue #20.4).
        from assessment import report_drafts

        from .report_facts import report_facts

        report_drafts.register(report_facts)

        # A person's cadre record (assessment) shows the cases against them to the register's
        # audience, without assessment importing this app (issue #19.4).
        from assessment import record_sections

        from .record_sections import person_cases

        record_sections.register(person_cases)

        # A person's result (assessment) counts the rectifications they are responsible for,
        # without assessment importing this app (issue #19.3).
        from assessment import person_scoring

        from .person_facts import person_rectifications

        person_scoring.register(person_rectifications)

        # Hand-overs made in responsibility and assessment reach the next person's inbox.
        from responsibility import handovers

        from .handovers import notify_handover

        handovers.register(notify_handover)

        # /healthz/full fails when emails have been due for three flush periods: nothing is
        # flushing the outbox (responsibility.health cannot import this app's models).
        from django.conf import settings

        from responsibility import health

        from .models import OutboxMessage

        health.register(
            "outbox",
            health.backlog_check(
                lambda: OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING),
                "next_attempt_at",
                lambda: 3 * settings.OUTBOX_FLUSH_SECONDS,
            ),
        )

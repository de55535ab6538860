from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("考核评价")

    def ready(self) -> None:
        # /healthz/full fails when an export has waited three resume periods (beat's
        # "resume-exports" sends pending jobs every OUTBOX_FLUSH_SECONDS).
        from django.conf import settings

        from responsibility import health
        from responsibility.services import years

        from . import services
        from .models import ExportJob

        # Every new year gets its scheme in the transaction that creates it, so reading a
        # scheme never writes (selectors.scheme_for).
        years.register(services.scheme_create)

        health.register(
            "exports",
            health.backlog_check(
                lambda: ExportJob.objects.filter(status=ExportJob.Status.PENDING),
                "created_at",
                lambda: 3 * settings.OUTBOX_FLUSH_SECONDS + 60,
            ),
        )

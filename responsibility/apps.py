import contextlib
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ResponsibilityConfig(AppConfig):
    name = "responsibility"
    verbose_name = _("责任体系")

    def ready(self) -> None:
        from . import audit  # noqa: F401 - connects the sign-in/sign-out audit receivers

        # Django spools large uploads into FILE_UPLOAD_TEMP_DIR and fails if it is missing.
        # On a read-only install the operator creates it (README, deploy/).
        with contextlib.suppress(OSError):
            Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilityConfig(AppConfig):
    name = "responsibility"
    verbose_name = _("责任体系")

    def ready(self) -> None:
        from . import audit  # noqa: F401 - connects the sign-in/sign-out audit receivers

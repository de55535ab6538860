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

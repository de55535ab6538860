"""Onboarding from Excel: admins download the template, fill it in and upload it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from . import onboarding, scope
from .excel import XLSX_CONTENT_TYPE
from .onboarding_forms import OnboardingUploadForm

MAX_ERRORS_SHOWN = 500


@login_required
def onboarding_import(request: HttpRequest) -> HttpResponse:
    scope.require_admin(request.user)
    errors: list[onboarding.RowError] = []
    if request.method == "POST":
        form = OnboardingUploadForm(request.POST, request.FILES)
        if form.is_valid():
            plan, result = onboarding.import_workbook(form.cleaned_data["file"], actor=request.user)
            if result is not None:
                if plan.data_rows == 0:
                    messages.warning(request, _("文件中没有数据行，未导入任何内容。"))
                else:
                    messages.success(request, result.summary())
                return redirect("onboarding_import")
            errors = plan.errors
    else:
        form = OnboardingUploadForm()
    return render(
        request,
        "responsibility/onboarding_import.html",
        {
            "form": form,
            "failed": form.is_bound,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "error_count": len(errors),
            "errors_truncated": len(errors) > MAX_ERRORS_SHOWN,
            "max_errors_shown": MAX_ERRORS_SHOWN,
            "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
def onboarding_template(request: HttpRequest) -> HttpResponse:
    scope.require_admin(request.user)
    return HttpResponse(
        onboarding.build_template(),
        content_type=XLSX_CONTENT_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=onboarding.TEMPLATE_FILENAME
            )
        },
    )

"""Onboarding from Excel: admins download the template, fill it in, upload it, check the
preview and confirm (the shared flow in `excel_import`)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .. import onboarding, scope, services
from ..excel import XLSX_CONTENT_TYPE, RowError
from ..http import AuthenticatedHttpRequest
from ..models import User
from .excel_import import ImportTarget, error_context, run_import

PREVIEW_ROWS = 200  # rows of each kind listed on the preview; the counts cover all


def _summary(plan: onboarding.ImportPlan, actor: User) -> str:
    if plan.data_rows == 0:
        return _("文件中没有数据行，未导入任何内容。")
    return services.onboarding_import(actor=actor, plan=plan).summary()


@login_required
def onboarding_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope.require_admin(request.user)
    url = reverse("onboarding_import")

    def upload_page(form: forms.Form, errors: list[RowError], status: int) -> HttpResponse:
        return render(
            request,
            "responsibility/onboarding_import.html",
            {
                **error_context(errors),
                "form": form,
                "failed": bool(errors) or (form.is_bound and not form.is_valid()),
            },
            status=status,
        )

    def preview_page(plan: onboarding.ImportPlan, filename: str) -> HttpResponse:
        return render(
            request,
            "responsibility/onboarding_import_preview.html",
            {
                "plan": plan,
                "filename": filename,
                "organisations": plan.organisations[:PREVIEW_ROWS],
                "posts": plan.posts[:PREVIEW_ROWS],
                "people": len({row.username for row in plan.posts}),
                "preview_rows": PREVIEW_ROWS,
                "changes_anything": bool(plan.organisations or plan.posts),
            },
        )

    return run_import(
        request,
        ImportTarget(
            key="onboarding",
            plan=onboarding.validate_workbook,
            apply=lambda plan: _summary(plan, request.user),
            done_url=url,
            cancel_url=url,
            upload_page=upload_page,
            preview_page=preview_page,
        ),
    )


@login_required
def onboarding_template(request: AuthenticatedHttpRequest) -> HttpResponse:
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

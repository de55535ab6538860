"""Checklists and Excel: import a template or a checklist (preview, then confirm, through the
shared flow in `excel_import`), export one."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import checklist_excel, scope, selectors, services
from ..audit import record_export
from ..checklist_excel import ImportPlan, ImportResult
from ..excel import RowError
from ..forms import ExcelUploadForm
from ..http import AuthenticatedHttpRequest
from ..models import Checklist, Tier
from .excel_import import SESSION_KEY, ImportTarget, error_context, run_import

__all__ = ["SESSION_KEY", "checklist_export", "checklist_import", "import_template"]


class ChecklistUploadForm(ExcelUploadForm):
    """The onboarding upload checks (.xlsx only, size limit) with this page's help text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("系统模板或本单位现有的 .xlsx 表格。")


def _target(
    request: HttpRequest,
    *,
    key: str,
    plan: Callable[[IO[bytes]], ImportPlan],
    apply: Callable[[ImportPlan], ImportResult],
    url: str,
    done_url: str,
    context: dict[str, Any],
) -> ImportTarget:
    def upload_page(form: forms.Form, errors: list[RowError], status: int) -> HttpResponse:
        return render(
            request,
            "responsibility/checklist_import.html",
            {
                **context,
                **error_context(errors),
                "form": form,
                "action_url": url,
                "failed": bool(errors) or (form.is_bound and not form.is_valid()),
                "template_url": reverse("checklist_import_template"),
            },
            status=status,
        )

    def preview_page(checked: ImportPlan, filename: str) -> HttpResponse:
        return render(
            request,
            "responsibility/checklist_import_preview.html",
            {**context, "plan": checked, "filename": filename, "action_url": url},
        )

    return ImportTarget(
        key=key,
        plan=plan,
        apply=lambda checked: apply(checked).summary(),
        done_url=done_url,
        cancel_url=url,
        upload_page=upload_page,
        preview_page=preview_page,
        form_class=ChecklistUploadForm,
    )


# Pages -----------------------------------------------------------------------------------------


@login_required
def template_import(request: AuthenticatedHttpRequest, tier_kind: str) -> HttpResponse:
    scope.require_admin(request.user)
    tier = get_object_or_404(Tier, kind=tier_kind)
    url = reverse("checklist_template_import", args=[tier.kind])
    target = _target(
        request,
        key=f"template:{tier.kind}",
        plan=lambda source: checklist_excel.plan_template(source, tier=tier),
        apply=lambda plan: services.template_import(actor=request.user, plan=plan, tier=tier),
        url=url,
        done_url=url,
        context={
            "is_template": True,
            "tier": tier,
            "tiers": Tier.objects.filter(has_checklist=True),
            "heading": _("导入「%(tier)s」责任清单模板") % {"tier": tier.name},
            "back_url": None,
        },
    )
    return run_import(request, target)


@login_required
def checklist_import(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = scope.get_for_user(
        request.user, selectors.organisation_queryset(), action="review", pk=pk
    )
    checklist = get_object_or_404(
        Checklist.objects.select_related("year", "organisation"),
        organisation=organisation,
        year__year=year,
    )
    target = _target(
        request,
        key=f"checklist:{checklist.pk}",
        plan=lambda source: checklist_excel.plan_checklist(
            source, checklist=checklist, actor=request.user
        ),
        apply=lambda plan: services.checklist_import(
            actor=request.user, plan=plan, checklist=checklist
        ),
        url=reverse("checklist_import", args=[organisation.pk, year]),
        done_url=checklist.get_absolute_url(),
        context={
            "is_template": False,
            "organisation": organisation,
            "checklist": checklist,
            "refused": checklist_excel.checklist_editable_error(checklist, request.user),
            "heading": _("导入%(org)s %(year)s年度责任清单（工作要点）")
            % {"org": organisation.name, "year": year},
            "back_url": checklist.get_absolute_url(),
        },
    )
    return run_import(request, target)


@login_required
@require_GET
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The product's own empty workbook; it holds no data, so any signed-in person may have it."""
    return HttpResponse(
        checklist_excel.build_template(),
        content_type=checklist_excel.XLSX_CONTENT_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=checklist_excel.TEMPLATE_FILENAME
            )
        },
    )


@login_required
@require_GET
def checklist_export(request: AuthenticatedHttpRequest, pk: int, year: int) -> FileResponse:
    organisation = scope.get_for_user(
        request.user, selectors.organisation_queryset(), action="view", pk=pk
    )
    checklist = (
        Checklist.objects.filter(organisation=organisation, year__year=year)
        .select_related("year", "organisation")
        .first()
    )
    if checklist is None:
        raise Http404
    # Built on disk, then streamed in chunks; the file is removed when the response closes.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    checklist_excel.write_export(checklist, handle)
    handle.seek(0)
    record_export(request, "checklist.xlsx", obj=checklist, organisation=organisation)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=checklist_excel.export_filename(checklist),
        content_type=checklist_excel.XLSX_CONTENT_TYPE,
    )

"""Pages of the annual results, the year's scheme (admins) and the results' Excel export."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responsibility import params, scope
from responsibility import selectors as core
from responsibility import services as core_services
from responsibility.forms import show_conflict, show_service_error
from responsibility.http import AuthenticatedHttpRequest
from responsibility.models import Tier, User, Year

from .. import exports, results, selectors, services, whatif
from ..forms import (
    RecomputeForm,
    SchemeForm,
)
from ..models import ExportJob
from .reviews import _unit_param

RESULTS_PAGE_SIZE = 50


# --- annual results ----------------------------------------------------------------------------


@login_required
def result_list(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    year_obj = core.year_for(request, year)
    user_scope = scope.scope_for(request.user)
    tier = request.GET.get("tier", "")
    form = RecomputeForm(request.POST or None)
    if request.method == "POST":
        scope.require_admin(request.user)
        if form.is_valid():
            try:
                if "publish" in request.POST:
                    count = results.results_publish(actor=request.user, year=year_obj)
                    messages.success(request, _("已发布 %(n)d 个结果。") % {"n": count})
                else:
                    counts = results.results_compute(
                        actor=request.user, year=year_obj, reason=form.cleaned_data["reason"]
                    )
                    messages.success(
                        request,
                        _("计算完成：新增 %(created)d，更新 %(updated)d，新版本 %(versions)d。")
                        % counts,
                    )
            except services.AssessmentError as exc:
                form.add_error("reason", str(exc))
            else:
                return redirect("result_list", year=year)
    unit = _unit_param(request)
    page = selectors.results_page(
        request.user,
        year_obj,
        tier=params.number(tier),
        unit=unit,
        number=request.GET.get("page"),
        per_page=RESULTS_PAGE_SIZE,
    )
    return render(
        request,
        "assessment/result_list.html",
        {
            "year": year_obj,
            "results": page.object_list,
            "page": page,
            "form": form if user_scope.is_admin else None,
            "stale_count": selectors.stale_count(year_obj) if user_scope.is_admin else 0,
            "can_export": user_scope.may_any("export"),
            "tier": tier,
            "tiers": Tier.objects.filter(has_checklist=True),
        },
    )


@login_required
@require_POST
def results_refresh(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Recompute the results marked 待更新 as new versions with their recorded reasons."""
    scope.require_admin(request.user)
    year_obj = core.year_for(request, year)
    counts = results.results_refresh(actor=request.user, year=year_obj)
    messages.success(
        request,
        _("已重新计算：新版本 %(versions)d（已发布 %(published)d），未变化 %(confirmed)d。")
        % counts,
    )
    return redirect("result_list", year=year)


@login_required
def result_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every number of a result traced to the obligations, scores, ledger and votes behind it."""
    # Before publication a result is its reviewers' (403 to the rest of its scope).
    result = scope.get_for_user(request.user, selectors.result_queryset(), action="read", pk=pk)
    breakdown = selectors.result_breakdown(request.user, result)
    return render(
        request,
        "assessment/result_detail.html",
        {"result": result, "organisation": result.organisation, **breakdown},
    )


# --- scheme (admins) ---------------------------------------------------------------------------


@login_required
def scheme_edit(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Edit the year's scheme. 试算 (what if) shows, without writing, the organisations whose
    grade or rank the typed numbers would change; 保存 saves them with that preview."""
    scope.require_admin(request.user)
    year_obj = core.year_for(request, year)
    scheme = selectors.scheme_for(year_obj)
    form = SchemeForm(request.POST or None, instance=scheme)
    preview = None
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SchemeForm.Meta.fields}
        # The form has copied the typed numbers onto `scheme`: read the saved one again.
        saved = selectors.scheme_for(year_obj)
        preview = whatif.scheme_preview(year_obj, whatif.draft_of(saved, fields), saved=saved)
        if "preview" not in request.POST:
            try:
                services.scheme_update(
                    actor=request.user,
                    scheme=saved,
                    version=form.cleaned_data["version"],
                    preview=preview.record(),
                    shown_digest=request.POST.get("preview_digest", ""),
                    **fields,
                )
            except core_services.ConcurrentEditError:
                show_conflict(form, saved)
            except core_services.ServiceError as exc:
                show_service_error(form, exc)
            else:
                messages.success(request, _("考核方案已保存，保存时的试算结果已记录。"))
                return redirect("scheme_edit", year=year)
    return render(
        request,
        "assessment/scheme_form.html",
        {
            "year": year_obj,
            "form": form,
            "preview": preview if preview and "preview" in request.POST else None,
            "saved_previews": selectors.scheme_previews(year_obj),
        },
    )


# --- Excel export --------------------------------------------------------------------------


def _export_scope(user: User, year: Year) -> list[int]:
    """Admins export everything; reviewers the organisations they review (others: 403)."""
    scope.require_any(user, "export")
    return list(
        scope.organisations_for(user, "export")
        .filter(results__year=year, results__is_current=True)
        .values_list("pk", flat=True)
    )


@login_required
def results_export(request: AuthenticatedHttpRequest, year: int) -> HttpResponseBase:
    """Small scopes download at once; large ones are built by a background task."""
    year_obj = core.year_for(request, year)
    organisation_ids = _export_scope(request.user, year_obj)
    if len(organisation_ids) > settings.EXPORT_SYNC_LIMIT:
        job = services.export_job_start(
            actor=request.user, year=year_obj, organisation_ids=organisation_ids
        )
        return redirect(job)
    core_services.audit_record(
        actor=request.user,
        action="export",
        obj=year_obj,
        changes={"what": "annual_results", "organisations": len(organisation_ids)},
    )
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    exports.write_workbook(Path(handle.name), year_obj, organisation_ids)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{year}年度机关党建考核结果.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _own_job(request: AuthenticatedHttpRequest, pk: int) -> ExportJob:
    """Only the person who asked for an export sees it (admins neither: scope's "own")."""
    return scope.get_for_user(
        request.user, ExportJob.objects.select_related("year"), action="own", pk=pk
    )


@login_required
def export_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    template = "assessment/_export_progress.html" if request.htmx else "assessment/export_job.html"
    return render(request, template, {"job": job})


@login_required
def export_job_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"{job.year.year}年度机关党建考核结果.xlsx",
    )

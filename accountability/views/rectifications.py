"""Rectification (整改): assign from a source, report progress, submit, verify (复查销号)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responsibility import scope
from responsibility import selectors as core
from responsibility.audit import record_export
from responsibility.forms import show_conflict, show_service_error
from responsibility.http import AuthenticatedHttpRequest
from responsibility.models import Year
from responsibility.params import number

from .. import exports, selectors, services, sources
from ..forms import (
    LedgerFilterForm,
    ProgressForm,
    RectificationEditForm,
    RectificationForm,
    SubmitForm,
    VerifyForm,
)
from ..models import Rectification

DEFAULT_DEADLINE_DAYS = 30


# --- the ledger (整改台账) ---------------------------------------------------------------------


def _filters(request: AuthenticatedHttpRequest) -> tuple[LedgerFilterForm, selectors.LedgerFilters]:
    form = LedgerFilterForm(
        request.GET or None,
        units=selectors.ledger_units(request.user),
        years=Year.objects.order_by("-year").values_list("year", flat=True),
    )
    if not form.is_valid():
        return form, selectors.LedgerFilters()
    data = form.cleaned_data
    return form, selectors.LedgerFilters(
        unit=data.get("unit"),
        state=data.get("state", ""),
        source=data.get("source", ""),
        year=data.get("year"),
    )


@login_required
def rectification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    ledger = selectors.ledger(request.user, filters, page=request.GET.get("page", 1))
    return render(
        request,
        "accountability/rectification_list.html",
        {
            "form": form,
            "ledger": ledger,
            "query": filters.as_query,
            "can_assign": scope.scope_for(request.user).may_any("assign"),
        },
    )


@login_required
def rectification_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    _form, filters = _filters(request)
    rows = selectors.ledger_rows(request.user, filters)
    response = exports.ledger_response(rows, today=timezone.localdate())
    record_export(request, "整改台账.xlsx", details={"filters": filters.as_query})
    return response


# --- assign ------------------------------------------------------------------------------------


@login_required
def rectification_from_source(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the form prefilled from the source; POST: assign. Links from other pages carry
    `?source_type=<type>&source_id=<id>` (see sources.REGISTRY)."""
    params = request.POST if request.method == "POST" else request.GET
    source_type = params.get("source_type", Rectification.SourceType.MANUAL)
    try:
        source = sources.resolve(request.user, source_type, number(params.get("source_id")))
    except sources.SourceRejected as exc:
        messages.error(request, str(exc))
        return redirect("rectification_list")
    existing = services.existing_for(source)
    if existing is not None:
        messages.info(request, _("该问题已交办整改，以下是已有的整改记录。"))
        return redirect(existing)
    if source.organisation is not None:
        organisations = None
        people = core.post_holders([source.organisation.pk])
    else:
        organisations = scope.organisations_for(request.user, "assign").select_related("unit")
        people = core.post_holders(organisations)
    form = RectificationForm(
        request.POST or None,
        organisations=organisations,
        people=people,
        initial={
            "problem": source.problem,
            "deadline": timezone.localdate() + datetime.timedelta(days=DEFAULT_DEADLINE_DAYS),
            "organisation": source.organisation,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rectification = services.rectification_create(
                actor=request.user,
                source=source,
                organisation=source.organisation or data["organisation"],
                problem=data["problem"],
                measures=data["measures"],
                deadline=data["deadline"],
                responsible_person=data.get("responsible_person"),
            )
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已交办整改。"))
            return redirect(rectification)
    return render(
        request,
        "accountability/rectification_form.html",
        {"form": form, "source": source},
    )


# --- one rectification -------------------------------------------------------------------------


def _detail(
    request: AuthenticatedHttpRequest, rectification: Rectification, **forms: Any
) -> HttpResponse:
    user = request.user
    working = scope.can(user, "work_on", rectification)
    reviewing = scope.can(user, "review", rectification)
    state = rectification.state
    context: dict[str, Any] = {
        "rectification": rectification,
        "organisation": rectification.organisation,
        "progress": selectors.rectification_progress(rectification),
        "history": selectors.history(rectification),
        "can_review": reviewing,
    }
    if working and rectification.is_open:
        context["progress_form"] = forms.get("progress_form") or ProgressForm(
            rectification=rectification
        )
    if working and state == Rectification.State.IN_PROGRESS:
        context["submit_form"] = SubmitForm(initial={"version": rectification.version})
    if reviewing and state == Rectification.State.SUBMITTED:
        context["verify_form"] = forms.get("verify_form") or VerifyForm(
            initial={"version": rectification.version, "decision": "close"}
        )
    return render(request, "accountability/rectification_detail.html", context)


def _get(
    request: HttpRequest, pk: int, action: scope.Action | scope.PersonAction = "view"
) -> Rectification:
    return scope.get_for_user(
        request.user, selectors.rectification_queryset(), action=action, pk=pk
    )


@login_required
def rectification_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get(request, pk))


@login_required
def rectification_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rectification = _get(request, pk, "review")
    form = RectificationEditForm(
        request.POST or None,
        rectification=rectification,
        people=core.post_holders([rectification.organisation_id]),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rectification_update(
                actor=request.user,
                rectification=rectification,
                version=data["version"],
                problem=data["problem"],
                measures=data["measures"],
                deadline=data["deadline"],
                responsible_person=data.get("responsible_person"),
            )
        except services.ConcurrentEditError:
            show_conflict(form, rectification)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("整改信息已更新。"))
            return redirect(rectification)
    return render(
        request,
        "accountability/rectification_edit.html",
        {"form": form, "rectification": rectification},
    )


@login_required
@require_POST
def rectification_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rectification = _get(request, pk, "work_on")
    form = ProgressForm(request.POST, request.FILES, rectification=rectification)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.rectification_progress_add(
                actor=request.user,
                rectification=rectification,
                version=data["version"],
                text=data["text"],
                measures=data["measures"],
                uploads=data["files"],
            )
        except services.ConcurrentEditError:
            show_conflict(form, rectification)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已填报整改进展。"))
            return redirect(rectification)
    return _detail(request, rectification, progress_form=form)


@login_required
@require_POST
def rectification_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rectification = _get(request, pk, "work_on")
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("提交失败，请刷新页面后重试。"))
        return redirect(rectification)
    try:
        services.rectification_submit(
            actor=request.user, rectification=rectification, version=form.cleaned_data["version"]
        )
    except services.ConcurrentEditError:
        messages.error(request, _("该整改已被他人修改，请核对后重新提交。"))
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已提交复查，等待上级复查销号。"))
    return redirect(rectification)


@login_required
@require_POST
def rectification_verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rectification = _get(request, pk, "review")
    form = VerifyForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "close"
        try:
            services.rectification_verify(
                actor=request.user,
                rectification=rectification,
                version=form.cleaned_data["version"],
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except services.ConcurrentEditError:
            show_conflict(form, rectification)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已销号。") if approve else _("已退回整改。"))
            return redirect(rectification)
    return _detail(request, rectification, verify_form=form)

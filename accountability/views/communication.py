"""Notices (通知), dispatched tasks (任务交办) and the liaison system (联络员制度)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from responsibility import params, scope
from responsibility.forms import show_service_error
from responsibility.http import AuthenticatedHttpRequest
from responsibility.models import Tier
from responsibility.selectors import current_year_for

from .. import selectors, services
from ..forms import DispatchForm, MeetingForm, NoticeForm
from ..selectors import PAGE_SIZE

DEFAULT_UNREAD_DAYS = 3

# --- notices -----------------------------------------------------------------------------------


@login_required
def notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.notices(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    can_publish = scope.scope_for(request.user).may_any("review")
    return render(
        request,
        "accountability/notice_list.html",
        {"page": page, "can_publish": can_publish},
    )


@login_required
def notice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope.require_any(request.user, "review")
    organisations = (
        scope.organisations_for(request.user, "review")
        # A unit is a container for its party organisations, with no officers to read a notice.
        .filter(is_active=True)
        .exclude(tier__kind=Tier.Kind.UNIT)
        .select_related("unit")
    )
    form = NoticeForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_publish(
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                organisations=form.recipients(),
                target=form.cleaned_data["target"],
                target_label=form.target_label(),
                uploads=form.cleaned_data["files"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("通知已发布。"))
            return redirect(notice)
    return render(request, "accountability/notice_form.html", {"form": form})


@login_required
def notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, pk)
    services.notice_read(actor=request.user, notice=notice)
    sender_view = selectors.is_sender(request.user, notice)
    unread_days = (
        params.query_number(request, "unread_days", minimum=0, maximum=3660)
        if "unread_days" in request.GET
        else None
    )
    return render(
        request,
        "accountability/notice_detail.html",
        {
            "notice": notice,
            "attachments": selectors.notice_attachments(notice),
            "sender_view": sender_view,
            "recipients": (
                selectors.notice_recipients(notice, unread_days=unread_days) if sender_view else []
            ),
            "unread_days": unread_days,
            "default_unread_days": DEFAULT_UNREAD_DAYS,
        },
    )


@login_required
def notice_attachment(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """Whoever may see the notice may download its attachments."""
    notice = selectors.notice_for(request.user, pk)
    evidence = notice.attachments.filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


# --- dispatched tasks --------------------------------------------------------------------------


@login_required
def dispatch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.dispatches(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    can_dispatch = scope.scope_for(request.user).may_any("review")
    return render(
        request,
        "accountability/dispatch_list.html",
        {"page": page, "can_dispatch": can_dispatch},
    )


@login_required
def dispatch_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope.require_any(request.user, "review")
    year = current_year_for(request)
    organisations = (
        scope.organisations_for(request.user, "review")
        .filter(checklists__year=year)
        .select_related("unit")
    )
    initial = {"title": request.GET.get("title", "")[:500]}
    form = DispatchForm(request.POST or None, organisations=organisations, initial=initial)
    if year is None:
        form.add_error(None, _("尚未开始任何年度，无法交办任务。"))
    elif request.method == "POST" and form.is_valid():
        try:
            dispatch = services.dispatch_create(
                actor=request.user,
                organisations=list(form.cleaned_data["organisations"]),
                year=year,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
                standard=form.cleaned_data["standard"],
            )
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("任务已交办。"))
            return redirect(dispatch)
    return render(request, "accountability/dispatch_form.html", {"form": form})


@login_required
def dispatch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dispatch = selectors.dispatch_for(request.user, pk)
    return render(
        request,
        "accountability/dispatch_detail.html",
        {
            "dispatch": dispatch,
            "obligations": selectors.dispatch_obligations(request.user, dispatch),
        },
    )


# --- liaison meetings and progress -------------------------------------------------------------


@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.meetings(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    can_record = scope.scope_for(request.user).may_any("supervise")
    return render(
        request,
        "accountability/meeting_list.html",
        {"page": page, "can_record": can_record},
    )


@login_required
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope.require_any(request.user, "supervise")
    organisations = scope.organisations_for(request.user, "supervise").select_related("unit")
    form = MeetingForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已记录联络员会议。"))
            return redirect(meeting)
    return render(request, "accountability/meeting_form.html", {"form": form})


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = scope.get_for_user(request.user, selectors.meeting_queryset(), action="view", pk=pk)
    can_dispatch = scope.scope_for(request.user).may_any("review")
    dispatch_url = reverse("dispatch_create")
    decisions = [
        (line, f"{dispatch_url}?{urlencode({'title': line})}") for line in meeting.decision_lines
    ]
    return render(
        request,
        "accountability/meeting_detail.html",
        {
            "meeting": meeting,
            "organisation": meeting.organisation,
            "decisions": decisions,
            "can_dispatch": can_dispatch,
        },
    )


@login_required
def liaison_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A liaison officer's units and how their organisations are doing this year."""
    scope.require_any(request.user, "liaise")
    year = current_year_for(request)
    return render(
        request,
        "accountability/liaison_progress.html",
        {"year": year, "units": selectors.liaison_progress(request.user, year)},
    )

"""Responsibility-list pages: My work, checklists, obligations, evidence, opinions, years."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import params, scope, selectors, services
from ..forms import (
    AcknowledgeForm,
    ChecklistItemForm,
    ObligationFillForm,
    OpinionForm,
    ReopenDecisionForm,
    ReopenForm,
    ReopenRequestForm,
    YearForm,
    show_conflict,
    show_service_error,
)
from ..http import AuthenticatedHttpRequest
from ..models import (
    Checklist,
    ChecklistItem,
    Evidence,
    Obligation,
    Opinion,
    ReopenRequest,
    Tier,
    Year,
)
from ..models.checklists import Group
from ..selectors import quality as quality_selectors
from . import personal


@login_required
def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    work = selectors.my_work(request.user, today=today)
    return render(
        request,
        "responsibility/my_work.html",
        {
            "work": work,
            "sections": selectors.my_work_sections(work, today=today),
            "today": today,
            "year": selectors.current_year_for(request),
        },
    )


@login_required
def checklist_detail(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = scope.get_for_user(
        request.user, selectors.organisation_with_tier_queryset(), action="view", pk=pk
    )
    year_obj = selectors.year_for(request, year)
    group = request.GET.get("group", "")
    status = request.GET.get("status", "")
    month = params.query_number(request, "month", maximum=12)
    page = selectors.checklist_page(organisation, year_obj, group=group, status=status, month=month)
    checklist = page.checklist if page else None
    user_scope = scope.scope_for(request.user)
    ancestors = selectors.ancestors(organisation)
    is_branch = organisation.tier.kind == Tier.Kind.BRANCH
    # The key-points list this page answers (a branch's 机关党委) or is (the 机关党委's own).
    key_points_of = next(
        (
            o
            for o in [organisation, *reversed(ancestors)]
            if o.tier.kind == Tier.Kind.ORGAN_COMMITTEE
        ),
        None,
    )
    return render(
        request,
        "responsibility/checklist_detail.html",
        {
            "organisation": organisation,
            "year": year_obj,
            "page": page,
            "breadcrumbs": [(a, user_scope.can("view", a)) for a in ancestors],
            "breadcrumb_tail": _("%(year)s年度责任清单") % {"year": year},
            "filters": {"group": group, "status": status, "month": month},
            "groups": Group.choices,
            "statuses": [*Obligation.Status.choices, ("overdue", _("已逾期"))],
            "months": [(month, f"{month}{_('月')}") for month in range(1, 13)],
            "can_adjust": checklist is not None
            and user_scope.can("review", organisation)
            and not checklist.is_locked,
            "can_fill": user_scope.can("fill", organisation),
            "can_review": user_scope.can("review", organisation),
            # As-needed items offer "记录一次" to those who fill, while the year runs.
            "can_record": user_scope.can("fill", organisation)
            and year_obj.status == Year.Status.ACTIVE,
            "is_branch": is_branch,
            "key_points_of": key_points_of
            if key_points_of and user_scope.can("read_key_points", key_points_of)
            else None,
            # A branch's officers say which key point each item answers while the year runs.
            "can_link": is_branch
            and user_scope.can("fill", organisation)
            and not year_obj.is_closed,
        },
    )


@login_required
def obligation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Shows an obligation; officers of its organisation, or its assignee, fill it in here."""
    obligation = scope.get_for_user(
        request.user, selectors.obligation_queryset(), action="view", pk=pk
    )
    user_scope = scope.scope_for(request.user)
    can_fill = user_scope.can("work_on", obligation)
    if request.method == "POST" and not can_fill:
        scope.check(request.user, "work_on", obligation)
    entry_open = obligation.entry_open(obligation.year.entry_grace_days) and not (
        obligation.year.is_closed
    )
    reusable = selectors.reusable_evidence(obligation) if can_fill else []
    meeting = getattr(obligation, "meeting", None)
    attendance = selectors.meeting_lines(meeting) if meeting is not None else []
    form = None
    if can_fill:
        form = ObligationFillForm(
            request.POST or None,
            request.FILES or None,
            obligation=obligation,
            reusable=reusable,
            named_attendance=bool(attendance),
        )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.obligation_fill(
                actor=request.user,
                obligation=obligation,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                completed_on=form.cleaned_data.get("completed_on"),
                description=form.cleaned_data.get("description", ""),
                na_reason=form.cleaned_data.get("na_reason", ""),
                meeting=form.meeting_input(),
                evidence=form.cleaned_data.get("reuse", []),
                uploads=form.cleaned_data["files"],
            )
        except services.ConcurrentEditError:
            show_conflict(form, obligation)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(obligation)
    requests = selectors.reopen_requests(obligation)
    pending = next((r for r in requests if r.state == ReopenRequest.State.PENDING), None)
    # Entry closed on an open obligation of a running year: the officer may ask for it to be
    # reopened, and is told by whom (the reviewers the request is routed to).
    may_ask = (
        not entry_open
        and not obligation.year.is_closed
        and not obligation.is_closed_out
        and pending is None
    )
    user_scope = scope.scope_for(request.user)
    can_review = user_scope.can("review", obligation)
    return render(
        request,
        "responsibility/obligation_detail.html",
        {
            "obligation": obligation,
            "badge": selectors.obligation_badge(obligation),
            "organisation": obligation.organisation,
            "item": obligation.item,
            "meeting": meeting,
            "attendance": attendance,
            "can_record_makeup": user_scope.can("fill", obligation.organisation),
            "evidence": selectors.obligation_evidence(obligation),
            "history": selectors.obligation_history(obligation),
            "form": form,
            "entry_open": entry_open,
            "can_fill": can_fill,
            "can_review": can_review,
            # Quality flags feed the reviewer's look at the entry (issue #20.3).
            "quality_flags": quality_selectors.obligation_flags(request.user, obligation)
            if can_review
            else [],
            "can_delegate": user_scope.can("delegate", obligation),
            "reopen_form": ReopenForm(),
            "reopen_requests": requests,
            "pending_request": pending,
            "may_ask": may_ask and can_fill,
            "reopen_request_form": ReopenRequestForm() if may_ask and can_fill else None,
            "decision_form": ReopenDecisionForm() if pending else None,
            "reviewers": selectors.reviewers_for(obligation.organisation)
            if not entry_open and (can_fill or pending)
            else None,
            "breadcrumbs": [
                (a, user_scope.can("view", a)) for a in selectors.ancestors(obligation.organisation)
            ],
        },
    )


@login_required
@require_POST
def obligation_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obligation = scope.get_for_user(
        request.user, selectors.obligation_queryset(), action="review", pk=pk
    )
    return personal.reopen_from_form(request, obligation)


@login_required
@require_POST
def obligation_detach_evidence(
    request: AuthenticatedHttpRequest, pk: int, evidence_pk: int
) -> HttpResponse:
    obligation = scope.get_for_user(
        request.user, selectors.obligation_queryset(), action="work_on", pk=pk
    )
    evidence = get_object_or_404(obligation.evidence, pk=evidence_pk)
    services.obligation_detach_evidence(
        actor=request.user, obligation=obligation, evidence=evidence
    )
    messages.success(request, _("已移除佐证材料“%(name)s”。") % {"name": evidence.original_name})
    return redirect(obligation)


@login_required
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence = scope.get_for_user(
        request.user,
        Evidence.objects.select_related("organisation"),
        action="view_evidence",
        pk=pk,
    )
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


# --- supervisors adjust a checklist before the year starts --------------------------------


def _item_queryset() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.select_related("checklist__organisation__tier", "checklist__year")


@login_required
def checklist_item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = scope.get_for_user(request.user, _item_queryset(), action="review", pk=pk)
    checklist = item.checklist
    form = ChecklistItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ChecklistItemForm.Meta.fields}
        try:
            services.checklist_item_update(
                actor=request.user,
                # A fresh copy: the bound ModelForm has already written the new values onto
                # `item`, and the service diffs against what is stored.
                item=ChecklistItem.objects.get(pk=item.pk),
                version=form.cleaned_data.get("version") or 0,
                **fields,
            )
        except services.ConcurrentEditError:
            show_conflict(form, item)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("清单事项已更新。"))
            return redirect(checklist)
    return render(
        request,
        "responsibility/checklist_item_form.html",
        {
            "form": form,
            "item": item,
            "checklist": checklist,
            "organisation": checklist.organisation,
        },
    )


@login_required
def checklist_item_create(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = scope.get_for_user(
        request.user, selectors.organisation_queryset(), action="review", pk=pk
    )
    checklist = get_object_or_404(
        Checklist.objects.select_related("year", "organisation"),
        organisation=organisation,
        year__year=year,
    )
    form = ChecklistItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ChecklistItemForm.Meta.fields}
        try:
            services.checklist_item_create(actor=request.user, checklist=checklist, **fields)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已新增清单事项。"))
            return redirect(checklist)
    return render(
        request,
        "responsibility/checklist_item_form.html",
        {"form": form, "item": None, "checklist": checklist, "organisation": organisation},
    )


# --- reviewers' overview -----------------------------------------------------------------------


@login_required
def progress_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope.require_any(request.user, "review")
    year = selectors.current_year_for(request)
    unit = params.query_number(request, "unit")
    overview = (
        selectors.progress_overview(request.user, year, unit=unit, page=request.GET.get("page"))
        if year
        else None
    )
    return render(
        request,
        "responsibility/progress_overview.html",
        {
            "overview": overview,
            "rows": overview.rows if overview else [],
            "unit": unit,
            "year": year,
            "months": range(1, 13),
            "today": timezone.localdate(),
        },
    )


# --- opinions (意见建议) -----------------------------------------------------------------------


@login_required
def opinion_edit(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = scope.get_for_user(
        request.user, selectors.organisation_queryset(), action="view", pk=pk
    )
    year_obj = selectors.year_for(request, year)
    opinion = selectors.opinion_for(organisation, year_obj)
    can_fill = scope.can(request.user, "fill", organisation)
    if request.method == "POST":
        scope.check(request.user, "fill", organisation)
    named = list(opinion.key_points.all()) if opinion else []
    form = OpinionForm(
        request.POST or None,
        initial={"content": opinion.content if opinion else "", "key_points": named},
        # A branch answers its 机关党委's key points; read only when the form is shown.
        key_points=selectors.key_points_for(organisation, year_obj) if can_fill else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_submit(
                actor=request.user,
                organisation=organisation,
                year=year_obj,
                content=form.cleaned_data["content"],
                key_points=form.cleaned_data.get("key_points"),
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("意见建议已提交机关党委。"))
            return redirect("opinion_edit", pk=organisation.pk, year=year)
    return render(
        request,
        "responsibility/opinion_form.html",
        {
            "organisation": organisation,
            "year": year_obj,
            "opinion": opinion,
            "key_points": [
                (point, selectors.key_point_url(point.checklist.organisation_id, year, point.pk))
                for point in named
            ],
            "form": form,
            "can_fill": can_fill and not (opinion and opinion.acknowledged_at),
        },
    )


@login_required
def opinion_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope.require_any(request.user, "review")
    year = selectors.current_year_for(request)
    opinions = selectors.opinions_to_acknowledge(request.user, year) if year else []
    return render(
        request,
        "responsibility/opinion_list.html",
        {"opinions": opinions, "year": year, "form": AcknowledgeForm()},
    )


@login_required
@require_POST
def opinion_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opinion = scope.get_for_user(
        request.user, Opinion.objects.select_related("organisation"), action="review", pk=pk
    )
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.opinion_acknowledge(
                actor=request.user, opinion=opinion, reply=form.cleaned_data["reply"]
            )
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("已签收“%(org)s”的意见建议。") % {"org": opinion.organisation}
            )
    else:
        messages.error(request, _("反馈意见过长。"))
    return redirect("opinion_list")


# --- years (admins) ----------------------------------------------------------------------------


@login_required
def year_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope.require_admin(request.user)
    form = YearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.year_create(
            actor=request.user,
            year=form.cleaned_data["year"],
            entry_grace_days=form.cleaned_data["entry_grace_days"],
        )
        messages.success(request, _("已创建年度。"))
        return redirect("year_list")
    return render(
        request,
        "responsibility/year_list.html",
        {"years": selectors.years(), "form": form},
    )


@login_required
@require_POST
def year_action(request: AuthenticatedHttpRequest, year: int, action: str) -> HttpResponse:
    scope.require_admin(request.user)
    year_obj = get_object_or_404(Year, year=year)
    actions: dict[str, tuple[Callable[..., Any], str]] = {
        "checklists": (services.checklists_create, _("已生成各组织的年度责任清单（%(n)s 个）。")),
        "activate": (services.year_activate, _("年度已启动，生成任务 %(n)s 项。")),
        "close": (services.year_close, _("年度已结束，数据转为只读。")),
    }
    if action not in actions:
        raise Http404
    service, message = actions[action]
    try:
        result = service(actor=request.user, year=year_obj)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        count = result if isinstance(result, int) else ""
        messages.success(request, message % {"n": count})
    return redirect("year_list")

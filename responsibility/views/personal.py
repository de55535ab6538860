"""People's own duties (个人履责, #19.1): a personal obligation's page (fill-in with evidence,
a reviewer's reopening), a person's page (我的履责: duties, 分管, 联系支部 and the contact
branch's progress) and the recording of a leader's links."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import CharField
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import scope, selectors, services
from ..forms import (
    PersonalObligationFillForm,
    ReopenForm,
    show_conflict,
    show_service_error,
)
from ..http import AuthenticatedHttpRequest
from ..models import LeaderLink, Obligation, PersonalDuty, PersonalObligation, User
from ..personal_forms import LeaderLinkEndForm, LeaderLinkForm, PersonalDutyForm
from ..selectors import personal as personal_selectors
from ..services import leaders


@login_required
def personal_obligation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A personal obligation: the person fills it in here; reviewers see it and may reopen."""
    obligation = scope.get_for_user(
        request.user,
        personal_selectors.personal_obligation_queryset(),
        action="view_personal",
        pk=pk,
    )
    user_scope = scope.scope_for(request.user)
    can_fill = user_scope.can("fill_personal", obligation)
    if request.method == "POST" and not can_fill:
        scope.check(request.user, "fill_personal", obligation)
    year = obligation.year
    entry_open = obligation.entry_open(year.entry_grace_days) and not year.is_closed
    form = (
        PersonalObligationFillForm(request.POST or None, request.FILES or None, entry=obligation)
        if can_fill
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.personal_obligation_fill(
                actor=request.user,
                obligation=obligation,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                completed_on=form.cleaned_data.get("completed_on"),
                description=form.cleaned_data.get("description", ""),
                na_reason=form.cleaned_data.get("na_reason", ""),
                uploads=form.cleaned_data["files"],
            )
        except services.ConcurrentEditError:
            show_conflict(form, obligation)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(obligation)
    can_review = user_scope.can("review", obligation)
    return render(
        request,
        "responsibility/personal_obligation_detail.html",
        {
            "obligation": obligation,
            "duty": obligation.duty,
            "badge": selectors.obligation_badge(obligation),
            "evidence": personal_selectors.personal_obligation_evidence(obligation),
            "history": personal_selectors.personal_obligation_history(obligation),
            "form": form,
            "entry_open": entry_open,
            "can_fill": can_fill,
            "can_review": can_review,
            "reopen_form": ReopenForm(),
            "reviewers": selectors.reviewers_for(obligation.organisation)
            if not entry_open and can_fill
            else None,
        },
    )


@login_required
@require_POST
def personal_obligation_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The reviewers who may reopen the organisation's entries reopen a person's own."""
    obligation = scope.get_for_user(
        request.user, personal_selectors.personal_obligation_queryset(), action="review", pk=pk
    )
    return reopen_from_form(request, obligation)


@login_required
@require_POST
def personal_obligation_detach_evidence(
    request: AuthenticatedHttpRequest, pk: int, evidence_pk: int
) -> HttpResponse:
    obligation = scope.get_for_user(
        request.user,
        personal_selectors.personal_obligation_queryset(),
        action="fill_personal",
        pk=pk,
    )
    evidence = get_object_or_404(obligation.evidence, pk=evidence_pk)
    services.personal_obligation_detach_evidence(
        actor=request.user, obligation=obligation, evidence=evidence
    )
    messages.success(request, _("已移除佐证材料“%(name)s”。") % {"name": evidence.original_name})
    return redirect(obligation)


# --- a person's page ---------------------------------------------------------------------------


def _person_page(request: AuthenticatedHttpRequest, person: User, *, own: bool) -> HttpResponse:
    today = timezone.localdate()
    year = selectors.current_year_for(request)
    page = personal_selectors.person_duties(request.user, person, year, today=today)
    return render(
        request,
        "responsibility/person_duties.html",
        {
            "page": page,
            "person": person,
            "year": year,
            "today": today,
            "own": own,
            # Never about oneself: the scope's rule "link_leader" refuses it (unless="pk").
            "can_link": not own and scope.can(request.user, "link_leader", person),
            "planned": personal_selectors.planned_duties(request.user, person),
        },
    )


@login_required
def my_duties(request: AuthenticatedHttpRequest) -> HttpResponse:
    """我的履责: one's own duties, links and contact branch."""
    return _person_page(request, request.user, own=True)


@login_required
def person_duties(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A leader's page for the reviewers of one of their posts (and admins)."""
    person = scope.get_for_user(request.user, User.objects.all(), action="view_person", pk=pk)
    return _person_page(request, person, own=False)


@login_required
def personal_duty_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Adjust a person's duty while its year is still in planning (services.leaders)."""
    duty = scope.get_for_user(
        request.user,
        PersonalDuty.objects.select_related("person", "organisation", "year"),
        action="view_personal",
        pk=pk,
    )
    scope.check(request.user, "link_leader", duty.person)
    names = ("content", "standard", "frequency", "due_days", "evidence", "is_active")
    form = PersonalDutyForm(
        request.POST or None,
        initial={"version": duty.version, **{name: getattr(duty, name) for name in names}},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leaders.personal_duty_update(
                actor=request.user,
                duty=duty,
                version=data["version"],
                **{name: data[name] for name in names},
            )
        except services.ConcurrentEditError:
            show_conflict(form, duty)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("person_duties", duty.person_id)
    return render(request, "responsibility/personal_duty_form.html", {"form": form, "duty": duty})


@login_required
def leader_link_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a leader's 分管 department or 联系支部, from a date."""
    person = scope.get_for_user(request.user, User.objects.all(), action="link_leader", pk=pk)
    form = LeaderLinkForm(
        request.POST or None,
        organisations=scope.organisations_for(request.user, "view").order_by("path"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leaders.leader_link_create(
                actor=request.user,
                person=person,
                kind=data["kind"],
                organisation=data["organisation"],
                department=data.get("department", ""),
                start_date=data["start_date"],
                end_date=data.get("end_date"),
            )
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已记录。"))
            return redirect("person_duties", person.pk)
    return render(request, "responsibility/leader_link_form.html", {"form": form, "person": person})


@login_required
@require_POST
def leader_link_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(LeaderLink.objects.select_related("person", "organisation"), pk=pk)
    scope.check(request.user, "link_leader", link.person)
    form = LeaderLinkEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的结束日期。"))
        return redirect("person_duties", link.person_id)
    try:
        leaders.leader_link_end(
            actor=request.user,
            link=link,
            version=form.cleaned_data["version"],
            end_date=form.cleaned_data["end_date"],
        )
    except services.ConcurrentEditError:
        messages.error(request, _("该记录已被他人修改，请刷新后重试。"))
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已结束。"))
    return redirect("person_duties", link.person_id)


def reopen_from_form(
    request: AuthenticatedHttpRequest, entry: Obligation | PersonalObligation
) -> HttpResponse:
    """A reviewer's reopening of an entry (an organisation's obligation or a person's own),
    from ReopenForm; back to the entry with what happened. The caller has checked the right."""
    form = ReopenForm(request.POST)
    if not form.is_valid():
        if form.has_error("reason", "max_length"):
            # ReopenForm declares `reason` as a CharField, which carries `max_length`.
            limit = cast(CharField, ReopenForm.base_fields["reason"]).max_length
            messages.error(request, _("重新开放原因不能超过 %(n)d 个字。") % {"n": limit})
        else:
            messages.error(request, _("重新开放填报必须说明原因。"))
        return redirect(entry)
    reason = form.cleaned_data["reason"]
    try:
        if isinstance(entry, PersonalObligation):
            services.personal_obligation_reopen(actor=request.user, obligation=entry, reason=reason)
        else:
            services.obligation_reopen(actor=request.user, obligation=entry, reason=reason)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已重新开放填报。"))
    return redirect(entry)

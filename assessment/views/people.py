"""Pages of the person-level assessment (个人抓党建考核, issue #19.3): the list for admins and
reviewers, one result with its trace, one's own results, and the 述职 ratings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responsibility import scope
from responsibility import selectors as core
from responsibility.forms import CONFLICT_MESSAGE, show_conflict, show_service_error
from responsibility.http import AuthenticatedHttpRequest
from responsibility.models import User
from responsibility.services import ConcurrentEditError, ServiceError

from .. import person_results, services
from ..forms import PersonRatingForm, RecomputeForm
from ..models import Grade
from ..selectors import person_results as selectors
from ..selectors.dashboards import cadre_units
from .reviews import _unit_param

PAGE_SIZE = 50


@login_required
def person_result_list(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Admins and reviewers: the people in their scope; admins compute and publish here."""
    scope.require_any(request.user, "review")
    year_obj = core.year_for(request, year)
    is_admin = scope.scope_for(request.user).is_admin
    form = RecomputeForm(request.POST or None)
    if request.method == "POST":
        scope.require_admin(request.user)
        if form.is_valid():
            try:
                if "publish" in request.POST:
                    count = person_results.person_results_publish(actor=request.user, year=year_obj)
                    messages.success(request, _("已发布 %(n)d 个个人考核结果。") % {"n": count})
                else:
                    counts = person_results.person_results_compute(
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
                return redirect("person_result_list", year=year)
    grade = request.GET.get("grade", "")
    grade = grade if grade in Grade.values else ""
    page = selectors.results_page(
        request.user,
        year_obj,
        unit=_unit_param(request),
        grade=grade,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    return render(
        request,
        "assessment/person_result_list.html",
        {
            "year": year_obj,
            "rows": page.object_list,
            "page": page,
            "form": form if is_admin else None,
            "stale_count": selectors.stale_count(year_obj) if is_admin else 0,
            "grade": grade,
            "grades": Grade.choices,
            "unit": _unit_param(request),
            "units": cadre_units(request.user),
        },
    )


@login_required
@require_POST
def person_results_refresh(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Recompute the person results marked 待更新 as new versions with their recorded reasons."""
    scope.require_admin(request.user)
    year_obj = core.year_for(request, year)
    counts = person_results.person_results_refresh(actor=request.user, year=year_obj)
    messages.success(
        request,
        _("已重新计算：新版本 %(versions)d（已发布 %(published)d），未变化 %(confirmed)d。")
        % counts,
    )
    return redirect("person_result_list", year=year)


@login_required
def person_result_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every figure of a person's result traced to its sources."""
    result = scope.get_for_user(request.user, selectors.result_queryset(), action="read", pk=pk)
    return render(
        request,
        "assessment/person_result_detail.html",
        {
            "result": result,
            "can_list": scope.scope_for(request.user).may_any("review"),
            **selectors.detail(request.user, result),
        },
    )


@login_required
def my_person_results(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One's own published results, year by year."""
    return render(
        request,
        "assessment/my_person_results.html",
        {"results": selectors.for_person(request.user, request.user)},
    )


@login_required
def person_ratings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The reported organisation's officers, with the reviewer's own ratings of them."""
    report = scope.get_for_user(
        request.user, selectors.report_queryset(), action="rate_person", pk=pk
    )
    mine = selectors.my_ratings(request.user, report)
    officers = [(person, mine.get(person.pk)) for person in selectors.rated_officers(report)]
    return render(
        request,
        "assessment/person_ratings.html",
        {"report": report, "officers": officers, "open": services.rating_open(report)},
    )


@login_required
def person_rate(request: AuthenticatedHttpRequest, pk: int, person_pk: int) -> HttpResponse:
    report = scope.get_for_user(
        request.user, selectors.report_queryset(), action="rate_person", pk=pk
    )
    officers = {person.pk: person for person in selectors.rated_officers(report)}
    person: User | None = officers.get(person_pk)
    if person is None:
        raise Http404("not an officer of the reported organisation")
    existing = selectors.my_ratings(request.user, report).get(person.pk)
    initial = (
        {
            "execution": existing.execution,
            "supervision": existing.supervision,
            "version": existing.version,
        }
        if existing
        else {}
    )
    form = PersonRatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_rating_save(
                actor=request.user,
                report=report,
                person=person,
                execution=form.cleaned_data["execution"],
                supervision=form.cleaned_data["supervision"],
                version=form.cleaned_data["version"],
            )
        except ConcurrentEditError:
            if existing is not None:
                show_conflict(form, existing)
            else:
                form.add_error(None, CONFLICT_MESSAGE)
        except ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已保存对 %(name)s 的测评。") % {"name": person})
            return redirect("person_ratings", pk=report.pk)
    return render(
        request,
        "assessment/person_rate.html",
        {
            "report": report,
            "person": person,
            "form": form,
            "open": services.rating_open(report),
        },
    )

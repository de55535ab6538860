"""Pages of the quarterly reviews (rounds, scoring, self-assessment, an organisation's
scores) and of the bonus/deduction ledger."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responsibility import params, scope
from responsibility import selectors as core
from responsibility import services as core_services
from responsibility.forms import show_conflict, show_service_error
from responsibility.http import AuthenticatedHttpRequest
from responsibility.links import pk_url
from responsibility.models import User

from .. import selectors, services
from ..forms import (
    CommentForm,
    LedgerForm,
    ReviewScoreForm,
    RoundForm,
    SelfAssessForm,
)
from ..models import LedgerEntry, ReviewRound


def _require_reviewer(user: User) -> None:
    """Pages that list what a person reviews: reviewers and admins; others get 403."""
    scope.require_any(user, "review")


def _optional_url(name: str) -> str | None:
    """Link to a page of a higher app when it is installed, without importing it."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _unit_param(request: HttpRequest) -> int | None:
    return params.query_number(request, "unit")


# --- quarterly review rounds -------------------------------------------------------------------


@login_required
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reviewer(request.user)
    year = core.year_for(request, params.query_number(request, "year"))
    is_admin = scope.scope_for(request.user).is_admin
    form = RoundForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        scope.require_admin(request.user)
        if form is not None and form.is_valid():
            try:
                services.round_create(actor=request.user, year=year, **form.cleaned_data)
            except core_services.ServiceError as exc:
                show_service_error(form, exc)
            else:
                messages.success(request, _("已创建季度检查。"))
                return redirect("round_list")
    return render(
        request,
        "assessment/round_list.html",
        {"year": year, "rounds": selectors.rounds(year), "form": form},
    )


@login_required
def review_round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request.user)
    review_round = get_object_or_404(ReviewRound.objects.select_related("year"), pk=pk)
    return render(
        request,
        "assessment/round_detail.html",
        {
            "round": review_round,
            "rows": selectors.round_rows(request.user, review_round, unit=_unit_param(request)),
        },
    )


@login_required
@require_POST
def review_start(request: AuthenticatedHttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    review_round = get_object_or_404(ReviewRound.objects.select_related("year"), pk=pk)
    organisation = scope.get_for_user(
        request.user, core.organisation_queryset(), action="review", pk=organisation_pk
    )
    review = services.review_start(
        actor=request.user, review_round=review_round, organisation=organisation
    )
    return redirect(review)


@login_required
def review_score(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The scoring page: every item of the checklist with its score and reason."""
    review = scope.get_for_user(request.user, selectors.review_queryset(), action="review", pk=pk)
    scores = selectors.review_scores(review)
    form = ReviewScoreForm(request.POST or None, scores=scores, version=review.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_scores_save(
                actor=request.user,
                review=review,
                version=form.cleaned_data["version"],
                scores=form.score_inputs(),
            )
            if "submit" in request.POST:
                services.review_transition(actor=request.user, review=review, action="submit")
        except core_services.ConcurrentEditError:
            show_conflict(form, review)
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("评分已提交复核。") if "submit" in request.POST else _("评分已保存。")
            )
            return redirect(review)
    # The buttons follow the rule the service applies (services.review_refusal): each is
    # shown only to someone who may press it.
    may = {
        action: services.review_may(request.user, review, action) for action in services.TRANSITIONS
    }
    return render(
        request,
        "assessment/review_score.html",
        {
            "review": review,
            "organisation": review.organisation,
            "form": form,
            "lines": form.lines(
                selectors.review_item_facts(review),
                pk_url("review_item_evidence", before=(review.pk,)),
            ),
            "totals": selectors.review_totals(scores),
            "may": may,
            # The second reviewer checks the deductions: their rows stand out.
            "highlight": may["confirm"] or may["return"],
            "comment_form": CommentForm(),
        },
    )


@login_required
def review_item_evidence(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The side panel of the scoring page: one item's obligations in the quarter with their
    evidence, for the reviewers of the organisation (a whole page without htmx)."""
    review = scope.get_for_user(request.user, selectors.review_queryset(), action="review", pk=pk)
    row = get_object_or_404(review.scores.select_related("item"), item_id=item_pk)
    template = (
        "assessment/_review_item_evidence.html"
        if request.htmx
        else "assessment/review_item_evidence.html"
    )
    return render(
        request,
        template,
        {
            "review": review,
            "organisation": review.organisation,
            "item": row.item,
            "obligations": selectors.review_item_obligations(review, row.item),
        },
    )


@login_required
@require_POST
def review_transition(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in services.TRANSITIONS or action == "submit":
        raise Http404
    review = scope.get_for_user(request.user, selectors.review_queryset(), action="review", pk=pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.review_transition(
            actor=request.user, review=review, action=action, comment=comment
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        labels = {
            "return": _("已退回评分人。"),
            "confirm": _("已复核确认。"),
            "publish": _("已发布。"),
        }
        messages.success(request, labels[action])
    return redirect(review)


@login_required
def review_self_assess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = scope.get_for_user(request.user, selectors.review_queryset(), action="fill", pk=pk)
    form = SelfAssessForm(request.POST or None, initial={"text": review.self_assessment})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_self_assess(
                actor=request.user, review=review, text=form.cleaned_data["text"]
            )
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("自评已保存。"))
            return redirect(
                "organisation_scores", pk=review.organisation_id, year=review.round.year.year
            )
    return render(
        request,
        "assessment/self_assess.html",
        {"review": review, "organisation": review.organisation, "form": form},
    )


@login_required
def organisation_scores(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """An organisation's published quarterly scores with every deduction's reason."""
    organisation = scope.get_for_user(
        request.user, core.organisation_queryset(), action="view_results", pk=pk
    )
    year_obj = core.year_for(request, year)
    return render(
        request,
        "assessment/organisation_scores.html",
        {
            "organisation": organisation,
            "year": year_obj,
            "reviews": selectors.published_reviews(organisation, year_obj),
            "open_reviews": list(
                organisation.reviews.filter(round__year=year_obj)
                .exclude(status="published")
                .select_related("round")
            )
            if scope.can(request.user, "fill", organisation)
            else [],
        },
    )


# --- bonus/deduction ledger --------------------------------------------------------------------


@login_required
def ledger_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reviewer(request.user)
    year = core.year_for(request)
    return render(
        request,
        "assessment/ledger_list.html",
        {"year": year, "entries": selectors.ledger_entries(request.user, year)},
    )


@login_required
def ledger_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = scope.get_for_user(
        request.user, core.organisation_queryset(), action="review", pk=pk
    )
    year = core.year_for(request)
    form = LedgerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data["files"]
        try:
            services.ledger_propose(
                actor=request.user,
                organisation=organisation,
                year=year,
                kind=form.cleaned_data["kind"],
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                upload=files[0] if files else None,
            )
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已提出加减分，待另一位审核人审批。"))
            return redirect("ledger_list")
    return render(
        request,
        "assessment/ledger_form.html",
        {"organisation": organisation, "year": year, "form": form},
    )


@login_required
@require_POST
def ledger_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = scope.get_for_user(
        request.user, LedgerEntry.objects.select_related("organisation"), action="review", pk=pk
    )
    try:
        services.ledger_decide(
            actor=request.user, entry=entry, approve=request.POST.get("decision") == "approve"
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已审批。"))
    return redirect("ledger_list")

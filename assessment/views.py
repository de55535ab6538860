"""Assessment pages: quarterly scoring, ledger, year-end reports and votes, results, scheme."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responsibility import params, scope
from responsibility import selectors as core
from responsibility import services as core_services
from responsibility.forms import show_conflict, show_service_error
from responsibility.models import Organisation, Post, Tier, User, Year

from . import exports, results, selectors, services
from .forms import (
    CommentForm,
    LedgerForm,
    RatersForm,
    RecomputeForm,
    ReportForm,
    ReviewScoreForm,
    RoundForm,
    SchemeForm,
    SelfAssessForm,
    VoteForm,
)
from .models import DutyReport, ExportJob, LedgerEntry, ReviewRound

RESULTS_PAGE_SIZE = 50


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
def round_list(request: HttpRequest) -> HttpResponse:
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
def review_round_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
def review_start(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    review_round = get_object_or_404(ReviewRound.objects.select_related("year"), pk=pk)
    organisation = scope.get_for_user(
        request.user, core.organisation_queryset(), action="review", pk=organisation_pk
    )
    review = services.review_start(
        actor=request.user, review_round=review_round, organisation=organisation
    )
    return redirect(review)


@login_required
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
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
            "lines": form.lines(selectors.review_item_facts(review)),
            "totals": selectors.review_totals(scores),
            "may": may,
            # The second reviewer checks the deductions: their rows stand out.
            "highlight": may["confirm"] or may["return"],
            "comment_form": CommentForm(),
        },
    )


@login_required
def review_item_evidence(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
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
def review_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
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
def review_self_assess(request: HttpRequest, pk: int) -> HttpResponse:
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
def organisation_scores(request: HttpRequest, pk: int, year: int) -> HttpResponse:
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
def ledger_list(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request.user)
    year = core.year_for(request)
    return render(
        request,
        "assessment/ledger_list.html",
        {"year": year, "entries": selectors.ledger_entries(request.user, year)},
    )


@login_required
def ledger_propose(request: HttpRequest, pk: int) -> HttpResponse:
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
def ledger_decide(request: HttpRequest, pk: int) -> HttpResponse:
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


# --- year-end duty reports ---------------------------------------------------------------------


@login_required
def report_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The organisation's secretary writes the year-end report here and submits it."""
    organisation = scope.get_for_user(
        request.user, core.organisation_queryset(), action="view", pk=pk
    )
    year_obj = core.year_for(request, year)
    report = DutyReport.objects.filter(organisation=organisation, year=year_obj).first()
    can_fill = scope.can(request.user, "fill", organisation) and not (
        report and report.submitted_at
    )
    if request.method == "POST":
        scope.check(request.user, "fill", organisation)
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "text": report.text if report else "",
            "version": report.version if report else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save(
                actor=request.user,
                organisation=organisation,
                year=year_obj,
                text=form.cleaned_data["text"],
                version=form.cleaned_data.get("version"),
                uploads=form.cleaned_data["files"],
                submit="submit" in request.POST,
            )
        except core_services.ConcurrentEditError:
            current = DutyReport.objects.get(organisation=organisation, year=year_obj)
            show_conflict(form, current)
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("述职报告已提交。") if "submit" in request.POST else _("草稿已保存。")
            )
            return redirect("report_edit", pk=organisation.pk, year=year)
    return render(
        request,
        "assessment/report_edit.html",
        {
            "organisation": organisation,
            "year": year_obj,
            "report": report,
            "attachments": list(report.attachments.all()) if report else [],
            "deadline": services.scheme_for(year_obj).report_deadline,
            "form": form,
            "can_fill": can_fill,
        },
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request.user)
    year = core.year_for(request)
    return render(
        request,
        "assessment/report_list.html",
        {"year": year, "reports": selectors.reports(request.user, year)},
    )


def _rater_candidates(organisation: Organisation) -> list[User]:
    """Officers of the organisations above it: the people who hear its report."""
    posts = (
        Post.objects.filter(
            organisation_id__in=organisation.ancestor_ids, kind__in=Post.OFFICER_KINDS
        )
        .filter(core.current_post_filter())
        .select_related("user")
        .order_by("organisation__path", "kind")
    )
    return list({p.user_id: p.user for p in posts}.values())


def _report_for(
    request: HttpRequest, pk: int, action: scope.Action | scope.PersonAction
) -> DutyReport:
    """One report; its raters read it ("read") even from outside its scope (scope.RULES)."""
    return scope.get_for_user(request.user, selectors.report_queryset(), action=action, pk=pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "read")
    can_review = scope.can(request.user, "review", report)
    is_rater = scope.can(request.user, "rate", report)
    own_vote = (
        scope.filter_for(request.user, report.votes.all(), action="own").first()
        if is_rater
        else None
    )
    raters_form = None
    if can_review:
        raters_form = RatersForm(
            request.POST or None,
            candidates=_rater_candidates(report.organisation),
            initial={"raters": list(report.raters.values_list("pk", flat=True))},
        )
        if request.method == "POST" and raters_form.is_valid():
            try:
                services.report_raters_set(
                    actor=request.user, report=report, raters=raters_form.cleaned_data["raters"]
                )
            except services.AssessmentError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("评议人已更新。"))
            return redirect(report)
    elif request.method == "POST":
        scope.check(request.user, "review", report)
    return render(
        request,
        "assessment/report_detail.html",
        {
            "report": report,
            "organisation": report.organisation,
            "attachments": list(report.attachments.all()),
            "comments": list(report.comments.select_related("author")),
            "tally": selectors.vote_tally(report) if report.meeting_closed_at or can_review else [],
            "votes_count": report.votes.count(),
            "raters": list(report.raters.all()),
            "raters_form": raters_form,
            "vote_form": VoteForm(initial={"choice": own_vote.choice if own_vote else None})
            if is_rater and not report.meeting_closed_at
            else None,
            "own_vote": own_vote,
            "comment_form": CommentForm() if can_review else None,
            "can_review": can_review,
            "rectify_url": _optional_url("rectification_from_source"),
        },
    )


@login_required
@require_POST
def report_vote(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "read")
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择评议等次。"))
        return redirect(report)
    try:
        services.vote_cast(actor=request.user, report=report, choice=form.cleaned_data["choice"])
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已投票。评议结束前可以修改。"))
    return redirect(report)


@login_required
@require_POST
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "review")
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(actor=request.user, report=report, text=form.cleaned_data["comment"])
        messages.success(request, _("点评意见已记录。"))
    else:
        messages.error(request, _("请填写点评意见（不超过 2000 字）。"))
    return redirect(report)


@login_required
@require_POST
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "review")
    try:
        services.meeting_close(actor=request.user, report=report)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("评议已结束，结果已汇总。"))
    return redirect(report)


# --- annual results ----------------------------------------------------------------------------


@login_required
def result_list(request: HttpRequest, year: int) -> HttpResponse:
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
def results_refresh(request: HttpRequest, year: int) -> HttpResponse:
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
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
def scheme_edit(request: HttpRequest, year: int) -> HttpResponse:
    scope.require_admin(request.user)
    year_obj = core.year_for(request, year)
    scheme = services.scheme_for(year_obj)
    form = SchemeForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SchemeForm.Meta.fields}
        try:
            services.scheme_update(
                actor=request.user,
                scheme=services.scheme_for(year_obj),
                version=form.cleaned_data["version"],
                **fields,
            )
        except core_services.ConcurrentEditError:
            show_conflict(form, scheme)
        except core_services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("考核方案已保存。"))
            return redirect("scheme_edit", year=year)
    return render(request, "assessment/scheme_form.html", {"year": year_obj, "form": form})


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
def results_export(request: HttpRequest, year: int) -> HttpResponse:
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


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    """Only the person who asked for an export sees it (admins neither: scope's "own")."""
    return scope.get_for_user(
        request.user, ExportJob.objects.select_related("year"), action="own", pk=pk
    )


@login_required
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    template = "assessment/_export_progress.html" if request.htmx else "assessment/export_job.html"
    return render(request, template, {"job": job})


@login_required
def export_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"{job.year.year}年度机关党建考核结果.xlsx",
    )

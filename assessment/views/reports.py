"""Pages of the year-end duty reports and their review meetings."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responsibility import scope
from responsibility import selectors as core
from responsibility import services as core_services
from responsibility.forms import show_conflict
from responsibility.http import AuthenticatedHttpRequest
from responsibility.models import Organisation, Post, User

from .. import selectors, services
from ..forms import (
    CommentForm,
    RatersForm,
    ReportForm,
    VoteForm,
)
from ..models import DutyReport
from ..report_docx import CONTENT_TYPE as DOCX_CONTENT_TYPE
from ..report_docx import report_docx as report_docx_bytes
from .reviews import _optional_url, _require_reviewer

# --- year-end duty reports ---------------------------------------------------------------------


@login_required
def report_edit(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
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
    sections = list(report.sections.all()) if report else []
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "text": report.text if report else "",
            "version": report.version if report else None,
        },
        sections=sections,
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
                sections=form.section_texts(),
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
            "deadline": selectors.scheme_for(year_obj).report_deadline,
            "form": form,
            "sections": sections,
            "section_rows": form.section_rows(),
            "can_fill": can_fill,
        },
    )


@login_required
@require_POST
def report_draft(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """Draft (or draft again) the report's sections from the year's record (issue #20.4)."""
    organisation = scope.get_for_user(
        request.user, core.organisation_queryset(), action="fill", pk=pk
    )
    year_obj = core.year_for(request, year)
    version = request.POST.get("version", "")
    try:
        services.report_draft(
            actor=request.user,
            organisation=organisation,
            year=year_obj,
            version=int(version) if version.isdecimal() else None,
        )
    except core_services.ConcurrentEditError:
        messages.error(request, _("述职报告已被他人修改，请查看最新内容后再生成草稿。"))
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("已根据年度记录生成草稿，请逐项修改完善；已修改过的部分保留您的内容。")
        )
    return redirect("report_edit", pk=organisation.pk, year=year)


@login_required
def report_docx(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The report as a Word file for the printed 述职 file: whoever may read the report."""
    report = _report_for(request, pk, "read")
    content = report_docx_bytes(report, list(report.sections.all()), list(report.attachments.all()))
    name = _("%(org)s%(year)d年度述职报告.docx") % {
        "org": report.organisation.name,
        "year": report.year.year,
    }
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=name, content_type=DOCX_CONTENT_TYPE
    )


@login_required
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
            "sections": list(report.sections.all()),
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
def report_vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def report_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def report_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk, "review")
    try:
        services.meeting_close(actor=request.user, report=report)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("评议已结束，结果已汇总。"))
    return redirect(report)

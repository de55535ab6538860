"""The per-entry review (履责记实逐条审核, issue #20.2): a reviewer accepts or returns one
completed entry, and draws a random sample of entries to review."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import scope, selectors, services
from ..entry_review_forms import EntryReviewForm, EntrySampleForm
from ..forms import show_service_error
from ..http import AuthenticatedHttpRequest
from ..selectors import entry_reviews

CHANGED_MESSAGE = _(
    "该记实在您打开后已有变动（填报人重新提交或其他审核人已处理），本次审核未保存。"
    "请核对下方最新内容后重新审核，您填写的意见仍保留。"
)


@login_required
def entry_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One entry, its evidence and review history, and the decision form."""
    obligation = scope.get_for_user(
        request.user, selectors.obligation_queryset(), action="review", pk=pk
    )
    form = EntryReviewForm(
        request.POST or None,
        initial={"version": obligation.version, "sampled": request.GET.get("sampled") == "1"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_review_decide(
                actor=request.user,
                obligation=obligation,
                version=form.cleaned_data["version"],
                accept=form.accept,
                reason=form.cleaned_data["reason"],
                sampled=form.cleaned_data["sampled"],
            )
        except services.EntryChangedError:
            obligation.refresh_from_db()
            # A bound form's data is the request's QueryDict; only a bound form meets this.
            data = cast(QueryDict, form.data).copy()
            data["version"] = str(obligation.version)
            form.data = data
            form.add_error(None, CHANGED_MESSAGE)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(
                request,
                _("已认可该条记实。")
                if form.accept
                else _("已退回，填报人可在宽限期内修改后重新提交。"),
            )
            return redirect("entry_review", pk=obligation.pk)
    return render(
        request,
        "responsibility/entry_review.html",
        {
            "obligation": obligation,
            "organisation": obligation.organisation,
            "item": obligation.item,
            "badge": selectors.obligation_badge(obligation),
            "meeting": getattr(obligation, "meeting", None),
            "evidence": selectors.obligation_evidence(obligation),
            "reviews": entry_reviews.entry_reviews(obligation),
            "form": form,
            "may_decide": obligation.is_closed_out and not obligation.year.is_closed,
        },
    )


@login_required
def entry_sample(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A random share of the completed entries awaiting review in the reviewer's scope."""
    scope.require_any(request.user, "review")
    year = selectors.current_year_for(request)
    defaults = {
        "quarter": str(entry_reviews.default_quarter(year)) if year else "1",
        "percent": str(entry_reviews.DEFAULT_PERCENT),
        "seed": str(entry_reviews.default_seed()),
    }
    form = EntrySampleForm(defaults | {k: v for k, v in request.GET.items() if k in defaults})
    sample = None
    if year is not None and form.is_valid():
        sample = entry_reviews.entry_sample(request.user, year=year, **form.cleaned_data)
    return render(
        request,
        "responsibility/entry_sample.html",
        {"year": year, "form": form, "sample": sample, "limit": entry_reviews.SAMPLE_MAX},
    )

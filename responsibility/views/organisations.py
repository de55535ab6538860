"""Thin views: fetch through the scope, then form → service → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import scope, selectors
from ..context_processors import SESSION_KEY
from ..http import AuthenticatedHttpRequest
from ..selectors import personal


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone starts at their work queue (我的待办), which the top app builds: reached by
    URL name, so this app imports nothing of it."""
    return redirect("work_queue")


@login_required
def organisation_tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.organisation_tree(request.user)
    return render(request, "responsibility/organisation_tree.html", {"rows": rows})


@login_required
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = scope.get_for_user(
        request.user, selectors.organisation_queryset(), action="view", pk=pk
    )
    current_posts, past_posts = selectors.organisation_posts(organisation)
    user_scope = scope.scope_for(request.user)
    breadcrumbs = [
        (ancestor, user_scope.can("view", ancestor))
        for ancestor in selectors.ancestors(organisation)
    ]
    can_review = user_scope.can("review", organisation)
    # The leaders' own duties (个人履责) beside the organisation's progress, for its reviewers
    # and those who lead it: two queries, none for anyone else.
    leaders: list[personal.LeaderRow] = []
    own_progress: personal.Tally | None = None
    if can_review or user_scope.can("lead", organisation):
        today, year = timezone.localdate(), selectors.current_year_for(request)
        leaders = personal.leaders_progress(request.user, organisation, year, today=today)
        own_progress = personal.organisation_tallies([organisation.pk], year, today).get(
            organisation.pk
        )
    return render(
        request,
        "responsibility/organisation_detail.html",
        {
            "organisation": organisation,
            "breadcrumbs": breadcrumbs,
            "current_posts": current_posts,
            "past_posts": past_posts,
            "children": selectors.children(request.user, organisation),
            "can_fill": user_scope.can("fill", organisation),
            "can_review": can_review,
            "leaders": leaders,
            "own_progress": own_progress,
            "can_supervise": user_scope.can("supervise", organisation),
            # Quality flags of this organisation and those below it that one reviews (#20.3).
            "lists_flags": user_scope.may_any("review"),
        },
    )


@login_required
@require_POST
def organisation_switch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Remember which of one's organisations pages default to."""
    try:
        chosen = int(request.POST.get("organisation", ""))
    except ValueError:
        chosen = 0
    if chosen not in scope.scope_for(request.user).post_org_ids:
        messages.error(request, _("您在该组织没有任职，无法切换。"))
    else:
        request.session[SESSION_KEY] = chosen
        messages.success(request, _("已切换当前组织。"))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return HttpResponseRedirect(target)

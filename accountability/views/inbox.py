"""The inbox (站内信) and each organisation's supervision record (督促留痕)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responsibility import scope
from responsibility import selectors as core
from responsibility.http import AuthenticatedHttpRequest

from .. import selectors, services


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = selectors.inbox_page(request.user, request.GET.get("page", 1))
    return render(request, "accountability/notification_list.html", {"page": page})


@login_required
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person's own message only: anyone else's is not found (404)."""
    notification = get_object_or_404(selectors.inbox(request.user), pk=pk)
    services.notification_read(actor=request.user, notification=notification)
    digest = notification.digest if notification.digest_id else None
    items = list(digest.items.select_related("organisation")) if digest is not None else []
    return render(
        request,
        "accountability/notification_detail.html",
        {"notification": notification, "items": items},
    )


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_read_all(actor=request.user)
    messages.success(request, _("已将 %(n)s 条站内信标为已读。") % {"n": count})
    return redirect("notification_list")


@login_required
def supervision_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = scope.get_for_user(
        request.user, core.organisation_queryset(), action="view", pk=pk
    )
    user_scope = scope.scope_for(request.user)
    return render(
        request,
        "accountability/supervision_record.html",
        {
            "organisation": organisation,
            "page": selectors.supervision_record(organisation, request.GET.get("page", 1)),
            "breadcrumbs": [(a, user_scope.can("view", a)) for a in core.ancestors(organisation)],
            "breadcrumb_tail": _("督促留痕"),
        },
    )

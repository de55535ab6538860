"""Reopen requests (申请重新开放): the officer asks on the obligation page, a reviewer decides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import scope, selectors, services
from ..forms import ReopenDecisionForm, ReopenRequestForm
from ..http import AuthenticatedHttpRequest
from ..models import ReopenRequest


@login_required
@require_POST
def reopen_request_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obligation = scope.get_for_user(
        request.user, selectors.obligation_queryset(), action="work_on", pk=pk
    )
    form = ReopenRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请说明申请重新开放的原因（不超过 500 字）。"))
        return redirect(obligation.get_absolute_url() + "#reopen")
    try:
        services.reopen_request_create(
            actor=request.user, obligation=obligation, reason=form.cleaned_data["reason"]
        )
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已提交重新开放申请，审核人处理后会通知您。"))
    return redirect(obligation.get_absolute_url() + "#reopen")


@login_required
@require_POST
def reopen_request_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reopen = scope.get_for_user(
        request.user,
        ReopenRequest.objects.select_related(
            "organisation", "obligation__year", "obligation__item", "obligation__organisation"
        ),
        action="review",
        pk=pk,
    )
    form = ReopenDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处理结果；处理意见不超过 500 字。"))
        return redirect(reopen)
    try:
        services.reopen_request_decide(
            actor=request.user,
            request=reopen,
            grant=form.cleaned_data["decision"] == "grant",
            reason=form.cleaned_data["reason"],
        )
    except services.ConcurrentEditError:
        messages.error(request, _("该申请已由其他审核人处理。"))
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已处理重新开放申请。"))
    return redirect(reopen)

"""Supervision findings (督查发现): liaison officers and 机关党委 staff record what they found."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from responsibility import scope
from responsibility.forms import show_service_error
from responsibility.http import AuthenticatedHttpRequest

from .. import selectors, services
from ..forms import FindingForm
from ..models import Rectification


@login_required
def finding_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.findings(request.user)
    page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    can_record = scope.scope_for(request.user).may_any("supervise")
    return render(
        request,
        "accountability/finding_list.html",
        {"page": page, "can_record": can_record},
    )


@login_required
def finding_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope.require_any(request.user, "supervise")
    organisations = scope.organisations_for(request.user, "supervise").select_related("unit")
    initial_org = request.GET.get("organisation")
    form = FindingForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        initial={"organisation": initial_org} if initial_org else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                found_on=form.cleaned_data["found_on"],
                problem=form.cleaned_data["problem"],
                severity=form.cleaned_data["severity"],
                uploads=form.cleaned_data["files"],
            )
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已记录督查发现。"))
            return redirect(finding)
    return render(request, "accountability/finding_form.html", {"form": form})


@login_required
def finding_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = scope.get_for_user(request.user, selectors.finding_queryset(), action="view", pk=pk)
    user_scope = scope.scope_for(request.user)
    return render(
        request,
        "accountability/finding_detail.html",
        {
            "finding": finding,
            "organisation": finding.organisation,
            "evidence": list(finding.evidence.order_by("uploaded_at")),
            "rectifications": selectors.finding_rectifications(finding),
            "can_rectify": user_scope.can("assign", finding),
            "source_type": Rectification.SourceType.FINDING,
        },
    )

"""The accountability register (问责): for admins, working-committee officers and 机关纪委 staff
only (scope's "register" action). Every page starts with `scope.require_any(..., "register")` or
`selectors.cases_for`: to anyone else the register does not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import scope
from responsibility.audit import record_export
from responsibility.forms import show_conflict, show_service_error
from responsibility.http import AuthenticatedHttpRequest
from responsibility.models import User
from responsibility.selectors import current_year_for

from .. import selectors, services
from ..forms import CaseForm
from ..models import AccountabilityCase, Finding, Rectification


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    cases = selectors.cases_for(request.user)
    page = Paginator(cases, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accountability/case_list.html", {"page": page})


def _form(request: AuthenticatedHttpRequest, case: AccountabilityCase | None = None) -> CaseForm:
    organisations = selectors.case_organisations(request.user).select_related("unit")
    initial: dict[str, object] = {
        "year": current_year_for(request),
        "target_type": AccountabilityCase.TargetType.ORGANISATION,
        "decided_on": timezone.localdate(),
    }
    if case is not None:
        initial = {
            "version": case.version,
            "year": case.year_id,
            "target_type": case.target_type,
            "organisation": case.organisation_id,
            "person": case.person_id,
            "form": case.form,
            "reason": case.reason,
            "decided_on": case.decided_on,
            "findings": [f.pk for f in case.findings.all()],
            "rectifications": [r.pk for r in case.rectifications.all()],
        }
    return CaseForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        organisations=organisations,
        people=User.objects.filter(posts__organisation__in=organisations)
        .distinct()
        .order_by("full_name", "username"),
        findings=Finding.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("-found_on"),
        rectifications=Rectification.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("-created_at"),
    )


def _input(form: CaseForm) -> services.CaseInput:
    data = form.cleaned_data
    return services.CaseInput(
        year=data["year"],
        target_type=data["target_type"],
        organisation=data["organisation"],
        person=data.get("person"),
        form=data["form"],
        reason=data["reason"],
        decided_on=data["decided_on"],
        findings=list(data["findings"]),
        rectifications=list(data["rectifications"]),
    )


@login_required
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope.require_any(request.user, "register")
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(
                actor=request.user, data=_input(form), upload=form.cleaned_data.get("document")
            )
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已登记问责，并按年度考核方案限定该组织的等次。"))
            return redirect(case)
    return render(request, "accountability/case_form.html", {"form": form, "case": None})


@login_required
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk)
    findings, rectifications = selectors.case_links(case)
    return render(
        request,
        "accountability/case_detail.html",
        {
            "case": case,
            "findings": findings,
            "rectifications": rectifications,
            "history": selectors.history(case),
        },
    )


@login_required
def case_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk)
    form = _form(request, case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                actor=request.user,
                case=case,
                version=form.cleaned_data.get("version") or 0,
                data=_input(form),
                upload=form.cleaned_data.get("document"),
            )
        except services.ConcurrentEditError:
            show_conflict(form, case)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("问责信息已更新。"))
            return redirect(case)
    return render(request, "accountability/case_form.html", {"form": form, "case": case})


@login_required
def case_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    case = selectors.case_get(request.user, pk)
    if not case.document:
        raise Http404
    try:
        handle = case.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # No organisation on the entry: the register stays out of organisation-level histories.
    record_export(request, case.document_name or "document", obj=case)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=case.document_name or "document",
        content_type=case.document_type or "application/octet-stream",
    )

"""A person's cadre record, the 干部任职和岗位交流参考表 (printable and as a workbook), and the
business-backbone pool (业务骨干人选) — issue #19.4."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from responsibility import scope
from responsibility import selectors as core
from responsibility.audit import record_export
from responsibility.http import AuthenticatedHttpRequest
from responsibility.models import User
from responsibility.services import ConcurrentEditError, ServiceError

from .. import services
from ..cadre_forms import BackboneDecideForm, BackboneProposeForm, RotationForm
from ..cadre_sheet import write_reference_sheets
from ..models import BackboneCandidate
from ..selectors import backbone, cadre_record, dashboards
from .dashboard import cadre_kind
from .reviews import _require_reviewer, _unit_param


def _person(request: AuthenticatedHttpRequest, pk: int) -> User:
    return scope.get_for_user(request.user, User.objects.all(), action="view_person", pk=pk)


@login_required
def person_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    can_record = scope.can(request.user, "record_person", person)
    form = None
    if can_record:
        form = RotationForm(
            request.POST or None,
            posts=cadre_record.rotation_posts(person),
            organisations=cadre_record.rotation_organisations(request.user, person),
        )
    if request.method == "POST":
        scope.check(request.user, "record_person", person)
        if form is not None and form.is_valid():
            try:
                services.rotation_record(actor=request.user, person=person, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error("moved_on", str(exc))
            else:
                messages.success(request, _("岗位交流已记录：原职务已结束，新职务已开始。"))
                return redirect("person_record", pk=person.pk)
    return render(
        request,
        "assessment/person_record.html",
        {"record": cadre_record.record(person, request.user), "form": form},
    )


@login_required
def person_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The reference sheet: one printable page (A4, no navigation when printed)."""
    person = _person(request, pk)
    return render(
        request,
        "assessment/person_sheet.html",
        {"record": cadre_record.record(person, request.user), "today": timezone.localdate()},
    )


def _workbook_response(workbook: Workbook, filename: str) -> FileResponse:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    workbook.save(handle.name)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
def person_sheet_export(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    person = _person(request, pk)
    workbook = Workbook(write_only=True)
    write_reference_sheets(
        workbook, [person], lambda people: cadre_record.records(people, request.user)
    )
    record_export(request, "cadre_sheet.xlsx", obj=person)
    return _workbook_response(workbook, f"干部任职和岗位交流参考表-{person.display_name}.xlsx")


@login_required
def cadre_sheets_export(
    request: AuthenticatedHttpRequest, year: int
) -> HttpResponse | FileResponse:
    """The reference sheets of the cadres' records page's people (its unit and post filters),
    one sheet each; a unit must be chosen, so that a workbook is one unit's, not the province's."""
    _require_reviewer(request.user)
    year_obj = core.year_for(request, year)
    unit = _unit_param(request)
    if unit is None:
        units = dashboards.cadre_units(request.user)
        unit = units[0].pk if len(units) == 1 else None
    if unit is None:
        messages.error(request, _("请先选择单位，再导出参考表。"))
        return redirect("cadre_records", year=year_obj.year)
    kind = cadre_kind(request)
    people = list(dashboards.cadres(request.user, year_obj, unit=unit, kind=kind or None))
    workbook = Workbook(write_only=True)
    written = write_reference_sheets(
        workbook, people, lambda chunk: cadre_record.records(chunk, request.user)
    )
    if not written:
        workbook.create_sheet(_("无人员"))
    record_export(request, "cadre_sheets.xlsx", obj=year_obj, details={"people": written})
    return _workbook_response(workbook, f"{year_obj.year}年度干部任职和岗位交流参考表.xlsx")


# --- the business-backbone pool (业务骨干人选) ---------------------------------------------------


@login_required
def backbone_pool(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reviewer(request.user)
    units = dashboards.cadre_units(request.user)
    unit = _unit_param(request)
    if unit is None and len(units) == 1:
        unit = units[0].pk
    chosen = next((u for u in units if u.pk == unit), None)
    form = None
    if chosen is not None:
        form = BackboneProposeForm(
            request.POST or None, people=backbone.proposable(request.user, chosen)
        )
    if request.method == "POST":
        if form is None or chosen is None:
            messages.error(request, _("请先选择单位。"))
            return redirect("backbone_pool")
        if form.is_valid():
            person = form.cleaned_data["person"]
            organisation = backbone.proposed_from(request.user, person, chosen)
            try:
                if organisation is None:
                    raise ServiceError(_("此人不在您负责考核的组织中。"))
                scope.check(request.user, "review", organisation)
                services.backbone_propose(
                    actor=request.user,
                    person=person,
                    organisation=organisation,
                    reason=form.cleaned_data["reason"],
                )
            except ServiceError as exc:
                form.add_error("person", str(exc))
            else:
                messages.success(request, _("已推荐为业务骨干人选。"))
                return redirect(f"{request.path}?unit={chosen.pk}")
    return render(
        request,
        "assessment/backbone_pool.html",
        {
            "groups": backbone.pool(request.user, unit=unit),
            "units": units,
            "unit": unit,
            "form": form,
            "age": settings.BACKBONE_MAX_AGE,
        },
    )


@login_required
def backbone_candidate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One candidacy: its record, and (while proposed) select into a post or withdraw."""
    candidate = scope.get_for_user(request.user, backbone.candidates(), action="review", pk=pk)
    form = None
    if candidate.state == BackboneCandidate.State.PROPOSED:
        form = BackboneDecideForm(
            request.POST or None,
            initial={"version": candidate.version, "on": timezone.localdate()},
            posts=cadre_record.rotation_posts(candidate.person),
            organisations=cadre_record.rotation_organisations(request.user, candidate.person),
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("该人选已办理。"))
            return redirect("backbone_candidate", pk=candidate.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == BackboneDecideForm.SELECT:
                    services.backbone_select(
                        actor=request.user,
                        candidate=candidate,
                        version=data["version"],
                        on=data["on"],
                        organisation=data["organisation"],
                        kind=data["kind"],
                        reason=data["reason"],
                        from_post=data["from_post"],
                    )
                else:
                    services.backbone_withdraw(
                        actor=request.user,
                        candidate=candidate,
                        version=data["version"],
                        on=data["on"],
                        reason=data["reason"],
                    )
            except ConcurrentEditError:
                form.add_error(None, _("该记录已被他人修改，请刷新后重新提交。"))
            except ServiceError as exc:
                form.add_error("on", str(exc))
            else:
                messages.success(request, _("已办理。"))
                return redirect("backbone_candidate", pk=candidate.pk)
    return render(
        request, "assessment/backbone_candidate.html", {"candidate": candidate, "form": form}
    )

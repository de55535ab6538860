"""Party-affairs cadres' pages: trainings and attendance, a person's record, young cadres."""

from __future__ import annotations

import tempfile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from responsibility import scope
from responsibility import selectors as core
from responsibility.audit import record_export
from responsibility.excel import RowError
from responsibility.forms import ExcelUploadForm
from responsibility.http import AuthenticatedHttpRequest
from responsibility.services import ServiceError
from responsibility.views.excel_import import ImportTarget, error_context, run_import

from .. import attendance_import, selectors, services
from ..forms import AttendanceForm, TrainingForm
from ..models import Training
from ..selectors import dashboards
from ..sheet_writer import Column, SheetWriter
from .dashboard import cadre_kind
from .reviews import _require_reviewer, _unit_param


@login_required
def training_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisers = scope.organisers(request.user)
    can_create = organisers.exists()
    form = TrainingForm(request.POST or None, organisers=organisers) if can_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                training = services.training_create(actor=request.user, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error("held_on", str(exc))
            else:
                messages.success(request, _("培训已登记，请录入参训人员。"))
                return redirect(training)
    return render(
        request,
        "assessment/training_list.html",
        {"trainings": selectors.trainings(request.user)[:200], "form": form},
    )


def _training(request: AuthenticatedHttpRequest, pk: int, action: scope.Action) -> Training:
    return scope.get_for_user(
        request.user, Training.objects.select_related("organiser"), action=action, pk=pk
    )


@login_required
def training_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk, "view")
    can_edit = scope.can(request.user, "fill", training)
    show_codes = scope.scope_for(request.user).is_admin
    groups = selectors.attendance_groups(training) if can_edit else []
    candidates = [person for group in groups for person in group.people]
    form = (
        AttendanceForm(request.POST or None, candidates=candidates, show_codes=show_codes)
        if can_edit
        else None
    )
    if request.method == "POST":
        scope.check(request.user, "fill", training)
        if form is not None and form.is_valid():
            added = services.training_attendance_add(
                actor=request.user,
                training=training,
                attendees=[(person, None) for person in form.cleaned_data["people"]],
            )
            messages.success(request, _("已录入 %(n)d 人。") % {"n": added})
            return redirect(training)
    return render(
        request,
        "assessment/training_detail.html",
        {
            "training": training,
            "organisation": training.organiser,
            "attendance": list(training.attendance.select_related("person")),
            "form": form,
            "groups": groups,
            "show_codes": show_codes,
            "upload_form": ExcelUploadForm() if can_edit else None,
            "errors": [],
        },
    )


@login_required
@require_POST
def training_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attendance from Excel: upload → preview → confirm (the shared flow of every import)."""
    training = _training(request, pk, "fill")

    def upload_page(form: forms.Form, errors: list[RowError], status: int) -> HttpResponse:
        show_codes = scope.scope_for(request.user).is_admin
        groups = selectors.attendance_groups(training)
        candidates = [person for group in groups for person in group.people]
        return render(
            request,
            "assessment/training_detail.html",
            {
                **error_context(errors),
                "training": training,
                "organisation": training.organiser,
                "attendance": list(training.attendance.select_related("person")),
                "form": AttendanceForm(candidates=candidates, show_codes=show_codes),
                "groups": groups,
                "show_codes": show_codes,
                "upload_form": form,
            },
            status=status,
        )

    def preview_page(plan: attendance_import.AttendancePlan, filename: str) -> HttpResponse:
        return render(
            request,
            "assessment/training_import_preview.html",
            {
                "training": training,
                "plan": plan,
                "filename": filename,
                "rows": [
                    (person, hours or training.hours, person.pk in plan.already)
                    for person, hours in plan.rows
                ],
            },
        )

    def apply(plan: attendance_import.AttendancePlan) -> str:
        added = services.training_attendance_add(
            actor=request.user, training=training, attendees=plan.rows
        )
        return _("已从 Excel 导入 %(n)d 人。") % {"n": added}

    return run_import(
        request,
        ImportTarget(
            key=f"training:{training.pk}",
            plan=lambda source: attendance_import.attendance_from_excel(training, source),
            apply=apply,
            done_url=training.get_absolute_url(),
            cancel_url=training.get_absolute_url(),
            upload_page=upload_page,
            preview_page=preview_page,
        ),
    )


@login_required
def young_cadres(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    _require_reviewer(request.user)
    year_obj = core.year_for(request, year)
    return render(
        request,
        "assessment/young_cadres.html",
        {
            "year": year_obj.year,
            "rows": selectors.young_cadres(request.user, year_obj.year),
            "age": settings.YOUNG_CADRE_MAX_AGE,
            "today": timezone.localdate(),
        },
    )


EXPORT_CHUNK = 500
CADRE_COLUMNS = [
    Column("姓名", 10),
    Column("用户名", 14),
    Column("出生年月", 10),
    Column("专兼职", 8),
    Column("年度内任职", 60),
    Column("所在组织考核结果", 50),
    Column("培训次数", 9, "0"),
    Column("培训学时", 9, "0.0"),
]


@login_required
def cadre_export(request: AuthenticatedHttpRequest, year: int) -> FileResponse:
    """The cadres' records of the year (the page's filters apply), one row per person, plus
    the young cadres' hours per unit; streamed from a write-only workbook."""
    _require_reviewer(request.user)
    year_obj = core.year_for(request, year)
    unit = _unit_param(request)
    kind = cadre_kind(request)
    people = list(dashboards.cadres(request.user, year_obj, unit=unit, kind=kind or None))
    workbook = Workbook(write_only=True)
    sheet = SheetWriter(workbook, "党务干部档案", CADRE_COLUMNS)
    for start in range(0, len(people), EXPORT_CHUNK):
        for record in dashboards.cadre_records(
            request.user, year_obj, people[start : start + EXPORT_CHUNK]
        ):
            person = record.person
            sheet.row(
                [
                    person.display_name,
                    person.username,
                    f"{person.birth_date:%Y-%m}" if person.birth_date else "",
                    "专职" if record.is_full_time else "兼职" if record.is_part_time else "",
                    "；".join(
                        f"{p.organisation.name} {p.get_kind_display()}" for p in record.posts
                    ),
                    "；".join(
                        f"{r.organisation.name} {r.result.composite} {r.result.get_grade_display()}"
                        if r.result
                        else f"{r.organisation.name} 无结果"
                        for r in record.results
                    ),
                    record.trainings,
                    record.training_hours,
                ]
            )
    young = SheetWriter(
        workbook,
        "青年干部学习",
        [
            Column("单位", 24),
            Column("青年干部人数", 12, "0"),
            Column("参训人数", 10, "0"),
            Column("学时合计", 10, "0.0"),
            Column("人均学时", 10, "0.0"),
        ],
    )
    for row in selectors.young_cadres(request.user, year):
        young.row([row.unit.name, row.people, row.trained, row.hours, row.average])
    record_export(request, "cadres.xlsx", obj=year_obj)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    workbook.save(handle.name)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{year}年度党务干部档案.xlsx")

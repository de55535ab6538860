"""Named attendance (留痕不唯痕): a meeting's roster marked, a sign-in sheet imported, an
absentee's 补课 recorded, and a person's own meetings."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import scope, selectors, services
from ..attendance_forms import AttendanceForm, MakeupForm
from ..attendance_import import SignInPlan, sign_in_from_excel
from ..excel import RowError
from ..forms import ExcelUploadForm, show_conflict, show_service_error
from ..http import AuthenticatedHttpRequest
from ..models import MeetingAttendance, MeetingRecord, Obligation, User
from .excel_import import ImportTarget, error_context, run_import


def _meeting(request: AuthenticatedHttpRequest, pk: int) -> tuple[Obligation, MeetingRecord]:
    """The obligation in scope (404 outside), its meeting (404 before one is recorded); a POST
    needs the right to work on it (403)."""
    obligation = scope.get_for_user(
        request.user, selectors.obligation_queryset(), action="view", pk=pk
    )
    if not obligation.item.is_meeting:
        raise Http404("not a meeting")
    if request.method == "POST":
        scope.check(request.user, "work_on", obligation)
    meeting = MeetingRecord.objects.filter(obligation=obligation).first()
    if meeting is not None:
        meeting.obligation = obligation  # the one already read, with its organisation
    if meeting is None:
        messages.info(request, _("请先填写会议日期和议题并保存，再登记出席情况。"))
        return obligation, MeetingRecord(obligation=obligation)
    return obligation, meeting


def _page(
    request: AuthenticatedHttpRequest,
    obligation: Obligation,
    meeting: MeetingRecord,
    form: AttendanceForm | None,
    upload_form: forms.Form | None = None,
    errors: list[RowError] | None = None,
    status: int = 200,
) -> HttpResponse:
    # Entry closes with the obligation's (its due date and grace days, or the year's end).
    can_fill = (
        scope.can(request.user, "work_on", obligation)
        and obligation.entry_open(obligation.year.entry_grace_days)
        and not obligation.year.is_closed
    )
    return render(
        request,
        "responsibility/meeting_attendance.html",
        {
            **error_context(errors or []),
            "obligation": obligation,
            "organisation": obligation.organisation,
            "meeting": meeting,
            "form": form,
            "editable": can_fill,
            "rows": form.bound_rows() if form is not None else [],
            "upload_form": (upload_form or ExcelUploadForm()) if can_fill else None,
        },
        status=status,
    )


def _form(
    request: AuthenticatedHttpRequest, obligation: Obligation, meeting: MeetingRecord
) -> AttendanceForm | None:
    if meeting.pk is None:
        return None
    return AttendanceForm(
        request.POST if request.method == "POST" and "version" in request.POST else None,
        rows=selectors.attendance_rows(meeting),
        version=obligation.version,
        held_on=meeting.held_on,
    )


@login_required
def meeting_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The roster on the meeting date, each present, absent with a reason, or on leave."""
    obligation, meeting = _meeting(request, pk)
    if meeting.pk is None:
        return redirect(obligation)
    form = _form(request, obligation, meeting)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.meeting_attendance_record(
                actor=request.user,
                obligation=obligation,
                version=form.cleaned_data["version"],
                lines=form.lines(),
                makeup_due=form.cleaned_data.get("makeup_due"),
            )
        except services.ConcurrentEditError:
            show_conflict(form, obligation)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("出席情况已保存，应到、实到人数已按名册计算。"))
            return redirect(obligation)
    return _page(request, obligation, meeting, form)


@login_required
@require_POST
def meeting_attendance_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A sign-in sheet from Excel: upload → preview → confirm (the shared flow)."""
    obligation, meeting = _meeting(request, pk)
    if meeting.pk is None:
        return redirect(obligation)
    url = obligation.get_absolute_url()

    def upload_page(form: forms.Form, errors: list[RowError], status: int) -> HttpResponse:
        return _page(
            request, obligation, meeting, _form(request, obligation, meeting), form, errors, status
        )

    def preview_page(plan: SignInPlan, filename: str) -> HttpResponse:
        return render(
            request,
            "responsibility/meeting_attendance_preview.html",
            {
                "obligation": obligation,
                "organisation": obligation.organisation,
                "meeting": meeting,
                "plan": plan,
                "filename": filename,
                "quorate": services.quorate(len(plan.rows), plan.present),
            },
        )

    def apply(plan: SignInPlan) -> str:
        services.meeting_attendance_record(
            actor=request.user,
            obligation=obligation,
            version=obligation.version,
            lines=plan.lines(),
        )
        return _("已从签到表导入 %(n)d 人的出席情况。") % {"n": len(plan.rows)}

    return run_import(
        request,
        ImportTarget(
            key=f"sign_in:{obligation.pk}",
            plan=lambda source: sign_in_from_excel(meeting, source),
            apply=apply,
            done_url=url,
            cancel_url=url,
            upload_page=upload_page,
            preview_page=preview_page,
        ),
    )


@login_required
def makeup_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The absentee, or an officer of the meeting's organisation, records the 补课."""
    attendance = scope.get_for_user(
        request.user, selectors.attendance_queryset(), action="work_on", pk=pk
    )
    form = MakeupForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "version": attendance.version,
            "makeup_on": attendance.makeup_on,
            "makeup_how": attendance.makeup_how,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.makeup_complete(
                actor=request.user,
                attendance=attendance,
                version=form.cleaned_data["version"],
                makeup_on=form.cleaned_data["makeup_on"],
                makeup_how=form.cleaned_data["makeup_how"],
                upload=form.cleaned_data.get("file"),
            )
        except services.ConcurrentEditError:
            show_conflict(form, attendance)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("补课情况已登记。"))
            return redirect("person_meetings", pk=attendance.person_id)
    return render(
        request,
        "responsibility/makeup_form.html",
        {
            "attendance": attendance,
            "meeting": attendance.meeting,
            "obligation": attendance.meeting.obligation,
            "organisation": attendance.organisation,
            "form": form,
        },
    )


@login_required
def person_meetings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person's meetings (我的会议): present, absent or on leave, and each 补课."""
    person = scope.get_for_user(request.user, User.objects.all(), action="view_person", pk=pk)
    lines = selectors.person_meetings(request.user, person)
    open_ids = [line.pk for line in lines if line.makeup_open]
    workable = (
        set(
            scope.filter_for(
                request.user,
                MeetingAttendance.objects.filter(pk__in=open_ids),
                action="work_on",
            ).values_list("pk", flat=True)
        )
        if open_ids
        else set()
    )
    return render(
        request,
        "responsibility/person_meetings.html",
        {
            "person": person,
            "rows": [(line, line.pk in workable) for line in lines],
            "open_count": len(open_ids),
            "is_self": scope.can(request.user, "own", person),
        },
    )

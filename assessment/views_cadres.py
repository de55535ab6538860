"""Party-affairs cadres' pages: trainings and attendance, a person's record, young cadres."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responsibility import scope
from responsibility.models import User
from responsibility.onboarding_forms import OnboardingUploadForm
from responsibility.services import ServiceError

from . import cadres
from .forms import AttendanceForm, RotationForm, TrainingForm
from .models import Training


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    organisers = cadres.organisations_to_organise(request.user)
    can_create = organisers.exists()
    form = TrainingForm(request.POST or None, organisers=organisers) if can_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            training = cadres.training_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("培训已登记，请录入参训人员。"))
            return redirect(training)
    return render(
        request,
        "assessment/training_list.html",
        {"trainings": cadres.trainings(request.user)[:200], "form": form},
    )


def _training(request: HttpRequest, pk: int, action: scope.Action) -> Training:
    return scope.get_for_user(
        request.user, Training.objects.select_related("organiser"), action=action, pk=pk
    )


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk, "view")
    can_edit = scope.can(request.user, "fill", training)
    candidates = cadres.attendance_candidates(training) if can_edit else []
    form = AttendanceForm(request.POST or None, candidates=candidates) if can_edit else None
    if request.method == "POST":
        scope.check(request.user, "fill", training)
        if form is not None and form.is_valid():
            added = cadres.training_attendance_add(
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
            "upload_form": OnboardingUploadForm() if can_edit else None,
            "errors": [],
        },
    )


@login_required
@require_POST
def training_import(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk, "fill")
    upload_form = OnboardingUploadForm(request.POST, request.FILES)
    errors = []
    if upload_form.is_valid():
        plan = cadres.attendance_from_excel(training, upload_form.cleaned_data["file"])
        if not plan.errors:
            added = cadres.training_attendance_add(
                actor=request.user, training=training, attendees=plan.rows
            )
            messages.success(request, _("已从 Excel 导入 %(n)d 人。") % {"n": added})
            return redirect(training)
        errors = plan.errors
    return render(
        request,
        "assessment/training_detail.html",
        {
            "training": training,
            "organisation": training.organiser,
            "attendance": list(training.attendance.select_related("person")),
            "form": AttendanceForm(candidates=cadres.attendance_candidates(training)),
            "upload_form": upload_form,
            "errors": errors,
        },
        status=200,
    )


@login_required
def person_record(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if not cadres.person_visible(request.user, person):
        raise Http404
    can_record = request.user.pk != person.pk and (
        scope.scope_for(request.user).is_admin or scope.scope_for(request.user).is_reviewer
    )
    form = RotationForm(request.POST or None) if can_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                cadres.rotation_add(actor=request.user, person=person, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error("moved_on", str(exc))
            else:
                messages.success(request, _("岗位交流已记录。"))
                return redirect("person_record", pk=person.pk)
    return render(
        request,
        "assessment/person_record.html",
        {"record": cadres.profile(person), "form": form},
    )


@login_required
def young_cadres(request: HttpRequest, year: int) -> HttpResponse:
    user_scope = scope.scope_for(request.user)
    if not (user_scope.is_admin or user_scope.is_reviewer):
        scope.require_admin(request.user)
    return render(
        request,
        "assessment/young_cadres.html",
        {
            "year": year,
            "rows": cadres.young_cadres(request.user, year),
            "age": settings.YOUNG_CADRE_MAX_AGE,
            "today": timezone.localdate(),
        },
    )

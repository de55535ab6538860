"""Occurrences of as-needed duties (适时、根据工作需要): recorded when they happen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import scope, services
from ..forms import OccurrenceForm, show_service_error
from ..http import AuthenticatedHttpRequest
from ..models import ChecklistItem
from ..models.checklists import Frequency


@login_required
def occurrence_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An officer of the item's organisation records one occurrence, with its evidence."""
    item = scope.get_for_user(
        request.user,
        ChecklistItem.objects.select_related(
            "checklist__organisation__tier", "checklist__year"
        ).filter(frequency=Frequency.AS_NEEDED),
        action="fill",
        pk=pk,
    )
    checklist = item.checklist
    if checklist.year.status != checklist.year.Status.ACTIVE:
        raise Http404("the year is not running")
    form = OccurrenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            obligation = services.occurrence_record(
                actor=request.user,
                item=item,
                held_on=form.cleaned_data["held_on"],
                description=form.cleaned_data["description"],
                uploads=form.cleaned_data["files"],
            )
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已记录。"))
            return redirect(obligation)
    return render(
        request,
        "responsibility/occurrence_form.html",
        {
            "form": form,
            "item": item,
            "checklist": checklist,
            "organisation": checklist.organisation,
            "recorded": item.obligations.order_by("-period_start")[:20],
        },
    )

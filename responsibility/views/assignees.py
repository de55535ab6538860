"""Named assignees (谁来干): an organisation's secretary names who does an obligation, or an
item for the whole year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import scope, selectors, services
from ..forms import (
    ChecklistItemAssignForm,
    ObligationAssignForm,
    show_conflict,
    show_service_error,
)
from ..http import AuthenticatedHttpRequest
from ..models import ChecklistItem


@login_required
def obligation_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obligation = scope.get_for_user(
        request.user, selectors.obligation_queryset(), action="delegate", pk=pk
    )
    form = ObligationAssignForm(
        request.POST or None,
        people=selectors.post_holders([obligation.organisation_id]),
        initial={
            "assignee": obligation.assignee_id,
            "due_date": obligation.assignee_due_date,
            "version": obligation.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            if assignee is None:
                services.obligation_unassign(
                    actor=request.user, obligation=obligation, version=form.cleaned_data["version"]
                )
            else:
                services.obligation_assign(
                    actor=request.user,
                    obligation=obligation,
                    version=form.cleaned_data["version"],
                    assignee=assignee,
                    due_date=form.cleaned_data["due_date"],
                )
        except services.ConcurrentEditError:
            show_conflict(form, obligation)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            if assignee is None:
                messages.success(request, _("已取消指派。"))
            else:
                messages.success(request, _("已指派给%(name)s。") % {"name": assignee.display_name})
            return redirect(obligation)
    return render(
        request,
        "responsibility/obligation_assign.html",
        {
            "form": form,
            "obligation": obligation,
            "item": obligation.item,
            "organisation": obligation.organisation,
        },
    )


def _item_queryset() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.select_related(
        "checklist__organisation", "checklist__year", "assignee"
    )


@login_required
def checklist_item_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = scope.get_for_user(request.user, _item_queryset(), action="delegate", pk=pk)
    checklist = item.checklist
    form = ChecklistItemAssignForm(
        request.POST or None,
        people=selectors.post_holders([checklist.organisation_id]),
        initial={"assignee": item.assignee_id, "version": item.version},
    )
    if request.method == "POST" and form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            count = services.checklist_item_assign(
                actor=request.user,
                item=item,
                version=form.cleaned_data["version"],
                assignee=assignee,
            )
        except services.ConcurrentEditError:
            show_conflict(form, item)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            if assignee is None:
                messages.success(
                    request, _("已取消全年指派，%(n)d 项未完成任务不再指派。") % {"n": count}
                )
            else:
                messages.success(
                    request,
                    _("已将全年任务指派给%(name)s（%(n)d 项未完成任务）。")
                    % {"name": assignee.display_name, "n": count},
                )
            return redirect(checklist)
    return render(
        request,
        "responsibility/checklist_item_assign.html",
        {
            "form": form,
            "item": item,
            "checklist": checklist,
            "organisation": checklist.organisation,
        },
    )

"""The key-points cascade: a 机关党委's key-points list (工作要点清单) read by its branches, and
the point each branch item answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import scope, selectors, services
from ..forms import KeyPointLinkForm, show_conflict, show_service_error
from ..http import AuthenticatedHttpRequest
from ..models import ChecklistItem, Tier


@login_required
def key_point_list(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """Each point with the branches' progress on it and the opinions naming it."""
    organisation = scope.get_for_user(
        request.user,
        selectors.organisation_with_tier_queryset(),
        action="read_key_points",
        pk=pk,
    )
    if organisation.tier.kind != Tier.Kind.ORGAN_COMMITTEE:
        raise Http404("only a 机关党委 has a key-points list")
    year_obj = selectors.year_for(request, year)
    page = selectors.key_points_page(request.user, organisation, year_obj)
    return render(
        request,
        "responsibility/key_point_list.html",
        {
            "organisation": organisation,
            "year": year_obj,
            "page": page,
            "can_view_checklist": scope.can(request.user, "view", organisation),
        },
    )


@login_required
def checklist_item_key_point(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A branch officer links one of the branch's items to the key point it answers."""
    item = scope.get_for_user(
        request.user,
        ChecklistItem.objects.select_related(
            "checklist__organisation", "checklist__year", "parent_item"
        ),
        action="fill",
        pk=pk,
    )
    checklist = item.checklist
    form = KeyPointLinkForm(
        request.POST or None,
        key_points=selectors.key_points_for(checklist.organisation, checklist.year),
        initial={"key_point": item.parent_item, "version": item.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_item_key_point_set(
                actor=request.user,
                item=item,
                key_point=form.cleaned_data["key_point"],
                version=form.cleaned_data["version"],
            )
        except services.ConcurrentEditError:
            show_conflict(form, item)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已更新事项落实的工作要点。"))
            return redirect(checklist)
    return render(
        request,
        "responsibility/checklist_item_key_point.html",
        {
            "form": form,
            "item": item,
            "checklist": checklist,
            "organisation": checklist.organisation,
        },
    )

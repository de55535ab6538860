"""Quality flags (质量提示): a reviewer's list for an organisation and the dismissal of a flag."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import quality, scope, selectors, services
from ..forms import show_conflict, show_service_error
from ..http import AuthenticatedHttpRequest
from ..models import QualityFlag
from ..quality.forms import DismissForm
from ..selectors import quality as quality_selectors


@login_required
def quality_flag_list(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """The flags of an organisation and those below it that the reader reviews."""
    organisation = scope.get_for_user(
        request.user, selectors.organisation_with_tier_queryset(), action="view", pk=pk
    )
    scope.require_any(request.user, "review")
    year_obj = selectors.year_for(request, year)
    show = request.GET.get("show", "open")
    flags = quality_selectors.organisation_flags(
        request.user,
        organisation,
        year_obj,
        show=show if show in quality_selectors.SHOW else "open",
        kind=request.GET.get("kind", ""),
        page=request.GET.get("page"),
    )
    user_scope = scope.scope_for(request.user)
    return render(
        request,
        "responsibility/quality_flag_list.html",
        {
            "flags": flags,
            "organisation": organisation,
            "year": year_obj,
            "breadcrumbs": [
                (a, user_scope.can("view", a)) for a in selectors.ancestors(organisation)
            ],
            "similarity": round(100 * quality.SIMILARITY),
            "min_chars": quality.MIN_TEXT_CHARS,
            "burst": quality.BURST_MIN,
            "last": quality.LAST_DAYS,
            "backdate": quality.BACKDATE_DAYS,
            "show_choices": [
                ("open", _("待核实")),
                ("dismissed", _("已排除")),
                ("all", _("全部")),
            ],
        },
    )


@login_required
def quality_flag_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A reviewer dismisses a flag with a reason; the form keeps what was typed on a refusal."""
    flag = scope.get_for_user(
        request.user,
        QualityFlag.objects.select_related(
            "organisation",
            "year",
            "obligation__item",
            "other_obligation__item",
            "other_obligation__organisation",
            "dismissed_by",
        ),
        action="review",
        pk=pk,
    )
    form = DismissForm(
        request.POST or None, initial={"version": flag.version, "back": "obligation"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.quality_flag_dismiss(
                actor=request.user,
                flag=flag,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except services.ConcurrentEditError:
            show_conflict(form, flag)
        except services.ServiceError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("已排除该质量提示。"))
            if form.cleaned_data.get("back") == "list":
                return redirect(
                    reverse("quality_flag_list", args=[flag.organisation_id, flag.year.year])
                )
            return redirect(flag)
    (row,) = quality_selectors.rows_for(request.user, [flag])
    return render(
        request,
        "responsibility/quality_flag_dismiss.html",
        {"form": form, "row": row, "flag": flag, "obligation": flag.obligation},
    )

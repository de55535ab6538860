"""Committee staff's dashboards and the party-affairs cadres' records (reviewers and admins)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from responsibility import params
from responsibility import selectors as core
from responsibility.http import AuthenticatedHttpRequest
from responsibility.models import Post, Year

from ..models import Grade
from ..selectors import dashboards
from .reviews import _require_reviewer, _unit_param

CADRES_PER_PAGE = 50
UNITS_VISIBLE = 20  # bars the units chart shows at once; a slider scrolls through the rest


def _year_param(request: HttpRequest) -> int | None:
    return params.query_number(request, "year")


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Charts drawn by static/js/dashboard.js from a JSON island, each with a table fallback."""
    _require_reviewer(request.user)
    year = core.year_for(request, _year_param(request))
    data = dashboards.dashboard_cached(request.user, year)
    size = {"n": dashboards.RANKING_SIZE}
    # Reversed once: the tables and charts link every unit and month (~120 links a page).
    results_url = reverse("result_list", args=[year.year])
    progress_url = reverse("progress_overview")
    return render(
        request,
        "assessment/dashboard.html",
        {
            "year": year,
            "years": Year.objects.order_by("-year"),
            "data": data,
            "rankings": [
                (
                    "top",
                    _("综合得分前 %(n)d 名") % size,
                    _("条形图：综合得分最高的组织，数字见下方数据表"),
                    data.top,
                ),
                (
                    "bottom",
                    _("综合得分后 %(n)d 名") % size,
                    _("条形图：综合得分最低的组织，数字见下方数据表"),
                    data.bottom,
                ),
            ],
            "ranking_size": dashboards.RANKING_SIZE,
            "units_visible": UNITS_VISIBLE,
            "grades": Grade.choices,
            "chart_data": chart_payload(data, results_url, progress_url),
            "results_url": results_url,
            "progress_url": progress_url,
        },
    )


def chart_payload(
    data: dashboards.Dashboard, results_url: str, progress_url: str
) -> dict[str, Any]:
    """What the charts need, with labels already translated and drill-down links resolved."""
    return {
        "labels": {
            "count": _("组织数"),
            "composite": _("综合得分"),
            "average": _("平均综合得分"),
            "onTime": _("按时完成"),
            "late": _("逾期完成"),
            "overdue": _("逾期未完成"),
            "position": _("第 %(n)s 名"),
        },
        "distribution": {
            "buckets": data.buckets,
            "series": [
                {
                    "name": row.tier_name,
                    "data": row.shares,
                    "counts": row.counts,
                    "url": f"{results_url}?tier={row.tier_id}",
                }
                for row in data.distribution
            ],
        },
        "completion": {
            "months": [_("%(m)d月") % {"m": cell.month} for cell in data.completion],
            "onTime": [cell.on_time for cell in data.completion],
            "late": [cell.late for cell in data.completion],
            "overdue": [cell.overdue for cell in data.completion],
            "url": progress_url,
        },
        "unitsVisible": UNITS_VISIBLE,
        "top": [_ranked(row) for row in data.top],
        "bottom": [_ranked(row) for row in data.bottom],
        "units": [
            {
                "name": unit.unit_name or _("未归属单位"),
                "value": float(unit.average),
                "count": unit.count,
                "url": f"{results_url}?unit={unit.unit_id}" if unit.unit_id else results_url,
            }
            for unit in data.units
        ],
    }


def _ranked(row: dashboards.RankedResult) -> dict[str, Any]:
    return {
        "name": row.name,
        "unit": row.unit_name,
        "position": row.position,
        "value": float(row.composite),
        "grade": row.grade_label,
        "gradeKey": row.grade,
        "url": row.url,
    }


def cadre_kind(request: HttpRequest) -> str:
    """The post-kind filter of the cadre records and their export; unknown kinds are no filter."""
    kind = request.GET.get("kind", "")
    return kind if kind in dashboards.CADRE_KINDS else ""


@login_required
def cadre_records(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Per person, per year: party posts held, their organisations' results and (later) training;
    for the appointment and rotation decisions that use party-work performance (domain.md §5)."""
    _require_reviewer(request.user)
    year_obj = core.year_for(request, year)
    unit = _unit_param(request)
    kind = cadre_kind(request)
    paginator = Paginator(
        dashboards.cadres(request.user, year_obj, unit=unit, kind=kind or None), CADRES_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/cadre_records.html",
        {
            "year": year_obj,
            "years": Year.objects.order_by("-year"),
            "page": page,
            "records": dashboards.cadre_records(request.user, year_obj, list(page.object_list)),
            "units": dashboards.cadre_units(request.user),
            "unit": unit,
            "kinds": [(k, Post.Kind(k).label) for k in dashboards.CADRE_KINDS],
            "kind": kind,
        },
    )

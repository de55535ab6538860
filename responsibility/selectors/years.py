"""Reads of the years and the base queryset of obligations."""

from __future__ import annotations

from django.db.models import Case, QuerySet, When
from django.http import Http404, HttpRequest

from ..models import (
    Obligation,
    Year,
)

OPEN = Obligation.OPEN_STATUSES
CLOSED_OUT = Obligation.CLOSED_OUT_STATUSES


def years() -> QuerySet[Year]:
    return Year.objects.all()


def current_year() -> Year | None:
    """The active year, else the newest one, in one query. Every page's navigation reads it
    (once per request, `current_year_for`). Not cached: it is the same for everyone, so no
    version comes free with a request, and a per-process copy would outlive a year's
    activation in the other workers; measured on the demo database the read took 0.4–0.6 ms."""
    active_first = Case(When(status=Year.Status.ACTIVE, then=0), default=1)
    return Year.objects.order_by(active_first, "-year").first()


def current_year_for(request: HttpRequest) -> Year | None:
    """`current_year()`, read once per request: the navigation shows it on every page, and a
    page that also needs it shares the same row instead of reading it a second time."""
    # A memo on the request, an attribute HttpRequest does not declare.
    if not hasattr(request, "_current_year"):
        request._current_year = current_year()  # type: ignore[attr-defined]
    year: Year | None = request._current_year  # type: ignore[attr-defined]
    return year


def year_for(request: HttpRequest, number: int | None = None) -> Year:
    """The year a page is about: the one its URL names, else the current one; 404 when there
    is none. The current year is the navigation's own row (`current_year_for`), so a page
    about it, which most are, reads no year of its own."""
    found = current_year_for(request)
    if number and (found is None or found.year != number):
        found = Year.objects.filter(year=number).first()
    if found is None:
        raise Http404
    return found


def obligation_queryset() -> QuerySet[Obligation]:
    return Obligation.objects.select_related(
        "item__checklist",
        "item__parent_item__checklist",  # the key point the item answers, linked on its page
        "organisation__tier",
        "year",
        "updated_by",
        "assignee",
    )

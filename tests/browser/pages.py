"""The main pages, in one place: accessibility (browser) and security (client) scans walk them.

A new app adds its pages by appending to MAIN_PAGES, e.g. from its own test package:

    from tests.browser.pages import MAIN_PAGES, MainPage
    MAIN_PAGES.append(MainPage("quarterly_review", "unit_a_reviewer",
                               lambda s: reverse("assessment:review", args=[...])))

`path` receives the Site (the two-unit world with the current year started) and may create the
objects its page needs. Dates are relative to today, because the live server runs in another
thread and time cannot be frozen there.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from responsibility import services
from responsibility.models import ChecklistItem, Obligation, Opinion, Year
from tests.factories import World, make_world

OPEN = Obligation.OPEN_STATUSES


@dataclass
class Site:
    world: World
    year: Year
    today: datetime.date
    fill: Obligation  # branch A's meeting obligation of the current period, open for entry
    overdue: Obligation  # branch A's obligation long past its due date, entry closed
    opinion: Opinion  # branch A's opinion, waiting for the 机关党委 to acknowledge it


def build_site() -> Site:
    world = make_world()
    today = timezone.localdate()
    year = services.year_create(actor=None, year=today.year)
    services.year_activate(actor=None, year=year)
    world.year = year = Year.objects.get(pk=year.pk)
    branch = world.branch_a
    fill = (
        Obligation.objects.filter(
            organisation=branch,
            item__is_meeting=True,
            status__in=OPEN,
            period_start__lte=today,
            due_date__gte=today,
        )
        .select_related("item")
        .order_by("due_date", "item__sort_order")
        .first()
    )
    assert fill is not None, "branch A has no open meeting obligation this period"
    long_ago = today - datetime.timedelta(days=11)
    overdue = (
        Obligation.objects.filter(organisation=branch, status__in=OPEN, due_date__lt=long_ago)
        .exclude(Q(pk=fill.pk) | Q(item__is_meeting=True))
        .order_by("due_date")
        .first()
    )
    if overdue is None:  # early January: nothing of this year is overdue yet, so make one
        overdue = (
            Obligation.objects.filter(organisation=branch, item__is_meeting=False)
            .exclude(pk=fill.pk)
            .order_by("due_date")
            .first()
        )
        Obligation.objects.filter(pk=overdue.pk).update(due_date=long_ago)
    opinion = services.opinion_submit(
        actor=world.officer_a,
        organisation=branch,
        year=year,
        content="建议增加党务干部培训的次数。",
    )
    return Site(
        world=world,
        year=year,
        today=today,
        fill=Obligation.objects.select_related("item").get(pk=fill.pk),
        overdue=Obligation.objects.select_related("item").get(pk=overdue.pk),
        opinion=opinion,
    )


@dataclass(frozen=True)
class MainPage:
    name: str
    persona: str | None  # a World attribute such as "officer_a"; None: not signed in
    path: Callable[[Site], str]


def _item(site: Site) -> ChecklistItem:
    return ChecklistItem.objects.filter(checklist__organisation=site.world.branch_a).first()


MAIN_PAGES: list[MainPage] = [
    MainPage("login", None, lambda s: reverse("login")),
    MainPage("my_work", "officer_a", lambda s: reverse("my_work")),
    MainPage("organisation_tree", "wc_reviewer", lambda s: reverse("organisation_tree")),
    MainPage(
        "organisation_detail",
        "unit_a_reviewer",
        lambda s: reverse("organisation_detail", args=[s.world.organ_a.pk]),
    ),
    MainPage(
        "checklist",
        "officer_a",
        lambda s: reverse("checklist_detail", args=[s.world.branch_a.pk, s.year.year]),
    ),
    MainPage("obligation_fill", "officer_a", lambda s: s.fill.get_absolute_url()),
    MainPage("obligation_review", "unit_a_reviewer", lambda s: s.overdue.get_absolute_url()),
    MainPage(
        "opinion_form",
        "officer_a",
        lambda s: reverse("opinion_edit", args=[s.world.branch_a.pk, s.year.year]),
    ),
    MainPage(
        "checklist_item_form", "admin", lambda s: reverse("checklist_item_edit", args=[_item(s).pk])
    ),
    MainPage("progress_overview", "unit_a_reviewer", lambda s: reverse("progress_overview")),
    MainPage("opinions", "unit_a_reviewer", lambda s: reverse("opinion_list")),
    MainPage("years", "admin", lambda s: reverse("year_list")),
    MainPage("onboarding", "admin", lambda s: reverse("onboarding_import")),
    MainPage("password_change", "officer_a", lambda s: reverse("password_change")),
    MainPage(
        "not_found",
        "officer_b",
        lambda s: reverse("organisation_detail", args=[s.world.branch_a.pk]),
    ),
    MainPage("forbidden", "officer_a", lambda s: reverse("year_list")),
]


# Each app's pages, appended to MAIN_PAGES when this module is first imported.
import tests.browser.pages_assessment  # noqa: E402, F401

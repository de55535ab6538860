"""What the benchmark measures: the main pages (each with the persona who opens it) and the floor.

Add a page by appending a `Page` to PAGES; it is then measured for query count, latency at a
steady rate and saturated throughput, and gets its targets in results.json. `url` runs inside
Django against the province database (bench/probe.py); `Lookup` finds the demo's objects.
Personas are the demo's usernames (responsibility/demo.py PEOPLE).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessment.models import OrganisationReview
    from responsibility.models import Organisation, Year


# The personas' working committee (responsibility/demo.py COMMITTEE); the first copy's in a
# database seeded with `seed_demo --multiplier K`.
COMMITTEE_CODE = "GW"


class Lookup:
    """Objects of the province that URLs need; imported lazily so this module loads without
    Django (the runner reads the registry before Django is set up)."""

    def organisation(self, code: str) -> Organisation:
        from responsibility.models import Organisation

        return Organisation.objects.get(code=code)

    def review_in_scoring(self) -> OrganisationReview:
        """A branch's review still being scored in the latest round, as a reviewer opens it:
        in the personas' province (a growth database holds several, bench/README.md)."""
        from assessment.models import OrganisationReview

        review = (
            OrganisationReview.objects.filter(
                status=OrganisationReview.Status.DRAFT,
                organisation__tier__kind="branch",
                organisation__path__startswith=self.organisation(COMMITTEE_CODE).path,
            )
            .order_by("-round__quarter", "organisation__path")
            .first()
        )
        if review is None:
            raise LookupError("the benchmark database has no review being scored")
        return review

    @cached_property
    def year(self) -> Year:
        from responsibility import selectors

        year = selectors.current_year()
        if year is None:
            raise LookupError("the benchmark database has no year")
        return year


def reverse(name: str, *args: object) -> str:
    from django.urls import reverse as django_reverse

    return django_reverse(name, args=args)


@dataclass(frozen=True)
class Page:
    key: str  # a short name: table rows and results.json keys
    title: str
    persona: str
    url: Callable[[Lookup], str]
    # The page's query limit when it is not run.py's MAX_QUERIES, with its reason beside it.
    max_queries: int | None = None


# The cheapest realistic page (responsibility/views/floor.py): every ratio is against it. Opened
# by the working-committee reviewer, who can see all organisations, so it shows its 50 rows.
FLOOR = Page("floor", "基准页 floor: 50 organisations", "reviewer", lambda _: reverse("floor"))

PAGES: list[Page] = [
    Page("my_work", "我的任务 My work", "officer", lambda _: reverse("my_work")),
    # Everyone's landing page: every kind of pending work in the reviewer's scope. Its limit:
    # the page's own reads (session, person, year) and one query per kind of work, of which
    # there are ten (accountability/worklist.py KINDS, rounds to score, the obligations).
    Page(
        "work_queue",
        "我的待办 work queue",
        "reviewer",
        lambda _: reverse("work_queue"),
        max_queries=13,
    ),
    Page("work_queue_officer", "我的待办 (officer)", "officer", lambda _: reverse("work_queue")),
    Page(
        "checklist",
        "责任清单 organisation checklist",
        "officer",
        lambda lookup: reverse(
            "checklist_detail", lookup.organisation("CZT-ZB1").pk, lookup.year.year
        ),
    ),
    Page(
        "progress_committee",
        "进度总览 progress, working committee (3,000 orgs)",
        "reviewer",
        lambda _: reverse("progress_overview"),
    ),
    Page(
        "progress_unit",
        "进度总览 progress, unit 机关党委",
        "unit_reviewer",
        lambda _: reverse("progress_overview"),
    ),
    Page(
        "review_score",
        "季度检查评分 review scoring (a branch, 22 items)",
        "reviewer",
        lambda lookup: reverse("review_score", lookup.review_in_scoring().pk),
    ),
    Page(
        "annual_results",
        "年度考核结果 annual results (3,000 organisations, paginated)",
        "reviewer",
        lambda lookup: reverse("result_list", lookup.year.year),
    ),
    Page(
        "rectifications",
        "整改台账 rectification ledger, unit 机关党委",
        "unit_reviewer",
        lambda _: reverse("rectification_list"),
    ),
    # People's own duties (个人履责, #19): the 党组书记's My work (their personal obligations
    # first, then the organisation's), their duty page (我的履责, with the contact branch's
    # progress), and their own person result (个人抓党建考核). The cadre record (干部档案,
    # assessment:person_record) is not here yet: 19 queries and ~14 requests/s saturated on the
    # province (bench/README.md), it needs its own work first.
    Page(
        "my_work_leader",
        "我的任务 My work, 党组书记",
        "party_secretary",
        lambda _: reverse("my_work"),
    ),
    Page(
        "my_duties",
        "我的履责 personal duties, 党组书记",
        "party_secretary",
        lambda _: reverse("my_duties"),
    ),
    Page(
        "my_person_results",
        "我的个人考核结果 person result, 党组书记",
        "party_secretary",
        lambda _: reverse("my_person_results"),
    ),
    Page(
        "dashboard",
        "统计看板 dashboard, working committee",
        "reviewer",
        lambda _: reverse("assessment_dashboard"),
    ),
]

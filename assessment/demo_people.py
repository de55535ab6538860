"""The demo's person-level assessment (个人抓党建考核, issue #19.3): the reviewers rate the
officers of the reports still in their review meeting (述职测评), then the year's person results
are computed and published, after the organisation results and once supervision's demo has
registered its cases (one of them caps a branch secretary's grade)."""

from __future__ import annotations

import random

from responsibility.demo import DemoContext

from . import person_results, services
from .models import DutyReport, PersonRating, PersonResult
from .selectors import person_results as selectors


def seed_people(context: DemoContext) -> None:
    year = context.year
    reviewer = context.users["reviewer"]
    rng = random.Random(year.year + 19)  # noqa: S311 - demo data, not security
    if not PersonRating.objects.filter(report__year=year).exists():
        for report in DutyReport.objects.filter(
            year=year, submitted_at__isnull=False, meeting_closed_at__isnull=True
        ).select_related("organisation", "year"):
            for person in selectors.rated_officers(report):
                services.person_rating_save(
                    actor=reviewer,
                    report=report,
                    person=person,
                    execution=rng.choice([75, 85, 90, 95]),
                    supervision=rng.choice([70, 80, 85, 90]),
                )
    person_results.person_results_compute(actor=None, year=year, reason="演示数据更新")
    person_results.person_results_publish(actor=None, year=year)
    context.counts["person_results"] = PersonResult.objects.filter(
        year=year, is_current=True
    ).count()

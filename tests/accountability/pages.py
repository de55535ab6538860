"""This app's main pages, for the security (CSP) and accessibility scans of tests/browser."""

from __future__ import annotations

import datetime

from django.urls import reverse

from accountability import reminders
from accountability.models import Notification, Rectification
from responsibility.models import ReopenRequest
from tests.accountability.support import case_of, finding_of, rectification_of
from tests.browser.pages import MAIN_PAGES, MainPage, Site


def _digest(site: Site) -> str:
    rectification_of(site.world, deadline=site.today + datetime.timedelta(days=1))
    reminders.run(site.today, deliver=False)
    notification = Notification.objects.filter(
        recipient=site.world.officer_a, digest__isnull=False
    ).first()
    return reverse("notification_open", args=[notification.pk])


def _reopen_request(site: Site) -> str:
    """The officer's overdue obligation, entry closed, with a reopen request waiting."""
    ReopenRequest.objects.get_or_create(
        obligation=site.overdue,
        organisation=site.overdue.organisation,
        defaults={"requested_by": site.world.officer_a, "reason": "会议记录漏传"},
    )
    return site.overdue.get_absolute_url()


def _from_finding(site: Site) -> str:
    finding = finding_of(site.world)
    return f"{reverse('rectification_from_source')}?source_type=finding&source_id={finding.pk}"


PAGES = [
    MainPage("rectification_ledger", "wc_reviewer", lambda s: reverse("rectification_list")),
    MainPage(
        "rectification_work",
        "officer_a",
        lambda s: rectification_of(
            s.world, state=Rectification.State.IN_PROGRESS
        ).get_absolute_url(),
    ),
    MainPage(
        "rectification_verify",
        "unit_a_reviewer",
        lambda s: rectification_of(s.world, state=Rectification.State.SUBMITTED).get_absolute_url(),
    ),
    MainPage("rectification_assign", "unit_a_reviewer", _from_finding),
    MainPage("findings", "liaison", lambda s: reverse("finding_list")),
    MainPage("finding_form", "liaison", lambda s: reverse("finding_create")),
    MainPage("finding", "liaison", lambda s: finding_of(s.world).get_absolute_url()),
    MainPage("inbox", "officer_a", lambda s: reverse("notification_list")),
    MainPage("digest", "officer_a", _digest),
    MainPage(
        "supervision_record",
        "officer_a",
        lambda s: reverse("supervision_record", args=[s.world.branch_a.pk]),
    ),
    MainPage("accountability_register", "wc_reviewer", lambda s: reverse("case_list")),
    MainPage("accountability_form", "wc_reviewer", lambda s: reverse("case_create")),
    MainPage("accountability_case", "wc_reviewer", lambda s: case_of(s.world).get_absolute_url()),
    MainPage("officer_queue", "officer_a", lambda s: reverse("work_queue")),
    MainPage("reopen_request_officer", "officer_a", _reopen_request),
    MainPage("reopen_request_reviewer", "unit_a_reviewer", _reopen_request),
]

MAIN_PAGES.extend(page for page in PAGES if page not in MAIN_PAGES)

"""Every persona lands on their work queue (我的待办) and every link on it opens; the second
reviewer reaches a score waiting for confirmation in three clicks from the sign-in page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Shots, sign_in
from tests.browser.pages import Site
from tests.browser.pages_assessment import assessed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PERSONAS = [
    "admin",
    "wc_reviewer",
    "unit_a_reviewer",
    "officer_a",
    "officer_b",
    "liaison",
    "member",
]

# What each persona finds waiting once the quarter is being assessed (pages_assessment.assessed):
# the open round to score, the unit reviewer's score of 甲厅第二党支部 to confirm, the committee's
# bonus proposal to approve, branch A's opinion to acknowledge, and the officers' obligations.
# Personas without a key here may have an empty queue.
WAITING = {
    "admin": {"score", "confirm", "approve", "acknowledge"},
    "wc_reviewer": {"score", "confirm", "acknowledge"},
    "unit_a_reviewer": {"score", "approve", "acknowledge"},
    "officer_a": {"obligations"},
    "officer_b": {"obligations"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_lands_on_a_queue_whose_links_open(
    page: Page, live_server, site: Site, persona: str, console_errors: list[str]
) -> None:
    assessed(site)
    sign_in(page, live_server.url, persona)
    expect(page).to_have_url(re.compile(r"/supervision/todo/$"))
    expect(page.get_by_role("heading", name="我的待办", level=1)).to_be_visible()
    Shots(page, f"queue-{persona}").take("landing")
    shown = set(page.eval_on_selector_all("[data-queue]", "els => els.map(e => e.dataset.queue)"))
    assert WAITING.get(persona, set()) <= shown, f"{persona}: the queue shows only {shown}"
    links = set(
        page.eval_on_selector_all(
            "main a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
        )
    )
    dead = [
        (href, status)
        for href in sorted(links)
        if (status := page.request.get(f"{live_server.url}{href}").status) >= 400
    ]
    assert not dead, f"{persona}: links on the queue that refuse: {dead}"
    assert console_errors == []


def test_the_second_reviewer_reaches_the_score_to_confirm_in_three_clicks(
    page: Page, live_server, site: Site
) -> None:
    waiting = assessed(site).submitted
    sign_in(page, live_server.url, "wc_reviewer")  # click 1: 登录
    row = page.locator("main").get_by_role("link", name=re.compile(waiting.organisation.name))
    row.first.click()  # click 2: the row under 待复核
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(re.escape(waiting.get_absolute_url()) + "$"))
    confirm = page.get_by_role("button", name=re.compile("复核确认"))
    expect(confirm).to_be_visible()  # click 3 would confirm
    Shots(page, "queue-confirm").take("score-to-confirm")

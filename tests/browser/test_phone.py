"""The daily pages at phone width (390×844): no horizontal page scroll, dates on one line,
the key columns of each table on screen, titles and the score form's inputs not squeezed into a
narrow column, and no serious axe violation in the phone layout.

A table may scroll inside its own box (`.table-responsive`); the page itself must not. Each page
is photographed at phone width and at the desktop width into test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, Shots, sign_in_quickly
from tests.browser.pages import Site
from tests.browser.pages_assessment import assessed
from tests.browser.test_accessibility import blocking_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@dataclass(frozen=True)
class PhonePage:
    name: str
    persona: str
    path: Callable[[Site], str]
    key: tuple[str, ...] = ()  # selectors of what must be fully on screen, in every row


PAGES = [
    PhonePage("work_queue", "wc_reviewer", lambda s: reverse("work_queue")),
    PhonePage("work_queue_officer", "officer_a", lambda s: reverse("work_queue")),
    PhonePage(
        "my_work", "officer_a", lambda s: reverse("my_work"), (".cell-title", ".cell-status")
    ),
    PhonePage("obligation_fill", "officer_a", lambda s: s.fill.get_absolute_url()),
    PhonePage("obligation_closed", "officer_a", lambda s: s.overdue.get_absolute_url()),
    PhonePage(
        "checklist",
        "officer_a",
        lambda s: reverse("checklist_detail", args=[s.world.branch_a.pk, s.year.year]),
    ),
    PhonePage(
        "progress_overview",
        "wc_reviewer",
        lambda s: reverse("progress_overview"),
        (".cell-title", ".cell-status", "tbody tr > :last-child"),  # 逾期 is the last
    ),
    PhonePage(
        "review_score",
        "unit_a_reviewer",
        lambda s: assessed(s).draft.get_absolute_url(),
        (".cell-title", ".cell-score"),
    ),
    PhonePage(
        "review_confirm",
        "wc_reviewer",
        lambda s: assessed(s).submitted.get_absolute_url(),
        (".cell-title", ".cell-score"),
    ),
    PhonePage(
        "result_list",
        "admin",
        lambda s: reverse("result_list", args=[s.year.year]),
        (".cell-title", ".cell-score", ".cell-status"),
    ),
]

# Every yyyy-mm-dd in the page's text that is drawn on more than one line ("2026-" / "12-31").
BROKEN_DATES = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/\\d{4}-\\d{2}-\\d{2}/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()]
        .filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) found.push(m[0]);
    }
  }
  return found;
}"""

# Elements matching the selector that are visible but reach past the viewport's right edge.
OFF_SCREEN = """(selector) => [...document.querySelectorAll(selector)]
  .filter(el => el.offsetParent !== null)
  .filter(el => { const r = el.getBoundingClientRect();
                  return r.left < 0 || r.right > window.innerWidth + 0.5; })
  .map(el => el.textContent.trim().slice(0, 30))"""

# Visible elements narrower than 60% of the screen: text squeezed into a column a few
# characters wide beside others, or a score input beside its neighbours.
NARROW = """(selector) => [...document.querySelectorAll(selector)]
  .filter(el => el.offsetParent !== null)
  .filter(el => el.getBoundingClientRect().width < window.innerWidth * 0.6)
  .map(el => el.name || el.textContent.trim().slice(0, 30))"""


def phone_problems(page: Page, phone_page: PhonePage, axe: Axe) -> list[str]:
    problems = blocking_violations(axe.run(page).response)  # the phone layout, for axe too
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width > inner_width:
        problems.append(f"the page scrolls sideways: {scroll_width}px wide in {inner_width}px")
    if broken := page.evaluate(BROKEN_DATES):
        problems.append(f"{len(broken)} dates broken over two lines: {broken[:5]}")
    for selector in phone_page.key:
        if page.locator(f"main {selector}").count() == 0:
            problems.append(f"no {selector} on the page")
        if off := page.evaluate(OFF_SCREEN, f"main {selector}"):
            problems.append(f"{len(off)} {selector} off-screen: {off[:5]}")
    for selector in ("main .cell-title", "main .score-table input, main .score-table textarea"):
        if narrow := page.evaluate(NARROW, selector):
            problems.append(f"{len(narrow)} squeezed to under 60% of the screen: {narrow[:5]}")
    return problems


def test_it_fits_the_daily_pages_on_a_phone(page: Page, live_server, site: Site) -> None:
    assessed(site)  # the queues show the quarter being assessed
    axe = Axe()
    report = []
    for phone_page in PAGES:
        user = site.world.persona(phone_page.persona)
        sign_in_quickly(page.context, live_server.url, user)
        url = live_server.url + phone_page.path(site)
        page.set_viewport_size(PHONE)
        page.goto(url)
        Shots(page, f"phone-{phone_page.name}").take("390x844")
        if problems := phone_problems(page, phone_page, axe):
            report.append(f"{phone_page.name} ({page.url}):\n  " + "\n  ".join(problems))
        page.set_viewport_size(DESKTOP)
        page.goto(url)
        Shots(page, f"phone-{phone_page.name}").take("desktop-1366x768")
    assert not report, "pages that do not fit a phone:\n" + "\n".join(report)


def test_it_opens_an_items_evidence_panel_across_a_phone(
    page: Page, live_server, site: Site
) -> None:
    """The score form's side panel (an item's obligations and evidence) covers the phone's width
    and reads without sideways scrolling."""
    sign_in_quickly(page.context, live_server.url, site.world.unit_a_reviewer)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + assessed(site).draft.get_absolute_url())
    page.get_by_role("button", name=re.compile("佐证材料")).first.click()
    panel = page.locator("#evidencePanel")
    expect(panel.locator(".review-item-evidence")).to_be_visible()
    expect(panel).not_to_have_class(re.compile(r"\bshowing\b"))  # Bootstrap's slide-in is over
    box = panel.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["width"] >= PHONE["width"] - 1
    assert page.evaluate(BROKEN_DATES) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    # The panel is fixed to the screen: photograph the screen, not the whole page behind it.
    page.screenshot(path=str(SCREENSHOTS / "phone-review_score-evidence-01-390x844.png"))

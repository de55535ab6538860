"""axe-core on every main page (tests/browser/pages.py), and the login form by keyboard alone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in_quickly
from tests.browser.pages import MAIN_PAGES, Site
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BLOCKING = {"serious", "critical"}


def blocking_violations(results: dict[str, Any]) -> list[str]:
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            lines.append(
                f"  {violation['id']} ({violation['impact']}): {', '.join(node['target'])}\n"
                f"    {node['html'][:160]}\n    {node.get('failureSummary', '')[:300]}"
            )
    return lines


def test_it_has_no_serious_accessibility_violations_on_the_main_pages(
    page: Page, live_server, site: Site
) -> None:
    axe = Axe()
    report: list[str] = []
    for main_page in MAIN_PAGES:
        user = site.world.persona(main_page.persona) if main_page.persona else None
        sign_in_quickly(page.context, live_server.url, user)
        page.goto(live_server.url + main_page.path(site))
        lines = blocking_violations(axe.run(page).response)
        if lines:
            report.append(f"{main_page.name} ({page.url}):\n" + "\n".join(lines))
    assert not report, "serious or critical axe violations:\n" + "\n".join(report)


def test_it_signs_in_with_the_keyboard_alone(page: Page, live_server, site: Site) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_label("用户名")).to_be_focused()  # autofocus
    page.keyboard.type("officer_a")
    page.keyboard.press("Tab")
    expect(page.get_by_label("密码")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="登录")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/supervision/todo/$"))
    expect(page.get_by_role("heading", name="我的待办", level=1)).to_be_visible()


def test_it_offers_a_skip_link_as_the_first_stop(page: Page, live_server, site: Site) -> None:
    sign_in_quickly(page.context, live_server.url, site.world.officer_a)
    page.goto(f"{live_server.url}/work/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

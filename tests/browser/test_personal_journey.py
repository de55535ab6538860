"""People's own duties in the browser (#19.1): the 党组书记 finds their 第一责任人 duties with due
dates under 我的 on My work, fills one in with evidence, and sees it on 我的履责; a reviewer of
one of their posts opens the same page. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from responsibility import services
from responsibility.models import PersonalObligation, Post
from responsibility.services import leaders
from tests.browser.conftest import Shots, sign_in
from tests.browser.pages import Site
from tests.factories import PDF_BYTES, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_party_secretary_fills_in_a_first_responsible_duty_with_evidence(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    world = site.world
    secretary = UserFactory(username="party_secretary", full_name="周志强")
    services.post_create(
        actor=None,
        user=secretary,
        organisation=world.party_group_a,
        kind=Post.Kind.SECRETARY,
        start_date=datetime.date(site.year.year, 1, 1),
    )
    leaders.leader_link_create(
        actor=world.admin,
        person=secretary,
        kind="contact",
        organisation=world.branch_a,
        start_date=datetime.date(site.year.year, 1, 1),
    )
    lecture = PersonalObligation.objects.get(person=secretary, duty__content="带头讲党课")
    shots = Shots(page, "personal")
    sign_in(page, live_server.url, "party_secretary")

    # My work: the duty is under 我的, with its due date.
    page.goto(f"{live_server.url}/work/")
    mine = page.locator("section", has=page.locator("#mine-sectionHeading"))
    row = mine.locator("tr", has_text="带头讲党课")
    expect(row).to_be_visible()
    expect(row).to_contain_text(lecture.due_date.isoformat())
    expect(row).to_contain_text("个人履责")
    shots.take("my-work")

    row.get_by_role("link", name=re.compile("带头讲党课")).click()
    expect(page.get_by_role("heading", name="带头讲党课", level=1)).to_be_visible()
    page.get_by_label("状态").select_option(label="已完成")
    page.get_by_label("完成日期").fill(site.today.isoformat())
    page.get_by_label("完成情况").fill("在所联系的第一党支部讲专题党课，全体党员参加。")
    page.get_by_label("上传佐证材料").set_input_files(
        {"name": "党课讲稿.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").filter(has_text="已保存")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("党课讲稿.pdf"))).to_be_visible()
    expect(page.locator(".badge", has_text="已完成").first).to_be_visible()
    shots.take("filled")
    lecture.refresh_from_db()
    assert lecture.status == "done"
    assert [e.original_name for e in lecture.evidence.all()] == ["党课讲稿.pdf"]

    # 我的履责: the duties with progress, the contact branch with its own progress.
    page.goto(f"{live_server.url}/work/")
    page.get_by_role("link", name="我的履责").click()
    expect(page.get_by_role("heading", name="我的履责", level=1)).to_be_visible()
    expect(page.get_by_text("带头讲党课")).to_be_visible()
    links = page.locator("section", has=page.locator("#linksHeading"))
    expect(links).to_contain_text(world.branch_a.name)
    expect(links).to_contain_text("联系支部")
    shots.take("my-duties")

    # A reviewer of the 党组 opens the same page for the secretary.
    sign_in(page, live_server.url, "wc_reviewer")
    page.goto(f"{live_server.url}/people/{secretary.pk}/duties/")
    expect(page.get_by_role("heading", name=re.compile("周志强"), level=1)).to_be_visible()
    expect(page.get_by_text("带头讲党课")).to_be_visible()
    shots.take("reviewer-view")
    assert console_errors == []

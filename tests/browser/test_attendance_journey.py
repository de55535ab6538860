"""Named attendance in the browser (#20.1): a branch secretary records a meeting by roster (one
member absent, one on leave; quorum from the roster), the reminders chase the absentee's 补课, and
the absentee records it on their own meetings page. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from accountability import reminders
from accountability.models import DigestItem
from responsibility.models import MeetingAttendance, MeetingRecord, Obligation, Post
from tests.browser.conftest import PHONE, Shots, sign_in
from tests.browser.pages import Site
from tests.factories import PDF_BYTES, UserFactory, post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_branch_meeting_is_recorded_by_roster_and_the_absentee_makes_it_up(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    world = site.world
    for username, name in (("zhang", "张三"), ("li", "李四"), ("wang", "王五")):
        post(UserFactory(username=username, full_name=name), world.branch_a, Post.Kind.MEMBER)
    obligation = site.fill
    today = site.today.isoformat()
    shots = Shots(page, "attendance")
    sign_in(page, live_server.url, "officer_a")

    # The meeting's date and topic first, saved in progress: the roster is the one of that date.
    page.goto(f"{live_server.url}{obligation.get_absolute_url()}")
    page.get_by_label("状态").select_option(label="进行中")
    page.get_by_label("会议日期").fill(today)
    page.get_by_label("会议议题").fill("学习贯彻全会精神")
    page.get_by_label("会议纪要").fill("传达学习全会精神，结合本处室工作交流研讨。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").filter(has_text="已保存")).to_be_visible()

    page.get_by_role("link", name="按名册登记出席情况").click()
    expect(page.get_by_role("heading", name=re.compile("出席情况"), level=1)).to_be_visible()
    rows = page.locator("tr[data-person]")
    expect(rows).to_have_count(5)
    member_row = page.locator('tr[data-person="member"]')
    member_row.get_by_label("缺席", exact=True).check()
    # Without a reason the page says so and keeps every choice made.
    page.get_by_role("button", name="保存出席情况").click()
    expect(member_row.get_by_text("缺席或请假时请填写原因。")).to_be_visible()
    expect(member_row.get_by_label("缺席", exact=True)).to_be_checked()
    member_row.get_by_role("textbox").fill("赴外地出差")
    wang_row = page.locator('tr[data-person="wang"]')
    wang_row.get_by_label("请假", exact=True).check()
    wang_row.get_by_role("textbox").fill("病假")
    shots.take("roster")
    page.get_by_role("button", name="保存出席情况").click()

    expect(page.get_by_role("alert").filter(has_text="出席情况已保存")).to_be_visible()
    meeting_card = page.locator("#attendance")
    expect(page.get_by_text("已按名册登记出席情况：实到 3 人 / 应到 5 人")).to_be_visible()
    expect(page.get_by_text("符合法定人数")).to_be_visible()
    expect(meeting_card.get_by_text(re.compile("待补课"))).to_have_count(2)
    # The counts are the roster's now: the form no longer asks for them.
    expect(page.get_by_label("应到人数")).to_have_count(0)
    page.get_by_label("状态").select_option(label="已完成")
    page.get_by_label("完成日期").fill(today)
    page.get_by_label("完成情况").fill("按时召开，3 名党员出席，2 名缺席或请假的同志安排补课。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".badge", has_text="已完成").first).to_be_visible()
    shots.take("meeting-done")

    # The reminders chase the 补课: due in five days, the absentee hears of it.
    line = MeetingAttendance.objects.get(person=world.member)
    assert line.makeup_due is not None
    reminders.run(line.makeup_due - datetime.timedelta(days=5), deliver=False)
    assert DigestItem.objects.filter(
        digest__recipient=world.member, object_key=f"makeup:{line.pk}"
    ).exists()

    page.context.clear_cookies()
    sign_in(page, live_server.url, "member")
    page.get_by_role("button", name=re.compile("测试人员")).click()  # the account menu
    page.get_by_role("link", name="我的会议").click()
    expect(page.get_by_role("heading", name="我的会议", level=1)).to_be_visible()
    expect(page.get_by_text("待补课 1 次。")).to_be_visible()
    page.set_viewport_size(PHONE)
    shots.take("my-meetings-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("link", name="登记补课").click()
    page.get_by_label("补课日期").fill(today)
    page.get_by_label("补课方式").fill("自学全会精神并撰写学习心得，向支部书记汇报")
    page.get_by_label("补课佐证").set_input_files(
        [{"name": "学习心得.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    shots.take("makeup-form")
    page.get_by_role("button", name="登记补课").click()
    expect(page.get_by_role("alert").filter(has_text="补课情况已登记")).to_be_visible()
    expect(page.get_by_text(f"已于 {today} 补课")).to_be_visible()
    shots.take("my-meetings-done")

    line.refresh_from_db()
    assert line.makeup_done_at is not None
    assert line.makeup_evidence is not None
    meeting = MeetingRecord.objects.get(obligation=obligation)
    assert (meeting.expected_count, meeting.attended_count) == (5, 3)
    assert Obligation.objects.get(pk=obligation.pk).status == Obligation.Status.DONE
    assert console_errors == [], "\n".join(console_errors)

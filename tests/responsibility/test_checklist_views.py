"""Responsibility-list pages through the client: fill-in, conflicts, uploads, query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibility import scope, services
from responsibility.models import Evidence, Obligation
from tests.factories import (
    EXE_BYTES,
    PDF_BYTES,
    UserFactory,
    World,
    activate_year,
    make_world,
    org,
    post,
)


def committee_meeting(world: World) -> Obligation:
    """支部委员会会议, June, branch A: a monthly meeting duty open on 15 June."""
    return Obligation.objects.get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="6月"
    )


def fill_data(obligation: Obligation, **overrides) -> dict:
    data = {
        "version": obligation.version,
        "status": "done",
        "completed_on": "2026-06-12",
        "description": "研究发展党员工作",
        "held_on": "2026-06-12",
        "topic": "六月支委会",
        "expected_count": "2",
        "attended_count": "2",
        "minutes": "讨论了发展对象。",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
class TestFillForm:
    def test_it_fills_an_obligation_with_evidence(self, active_world: World, as_user) -> None:
        obligation = committee_meeting(active_world)
        client = as_user(active_world.officer_a)
        upload = SimpleUploadedFile("支委会记录.pdf", PDF_BYTES, content_type="application/pdf")
        response = client.post(obligation.get_absolute_url(), fill_data(obligation, files=[upload]))
        assert response.status_code == 302
        obligation.refresh_from_db()
        assert obligation.status == "done"
        assert obligation.light() == "green"
        assert [e.original_name for e in obligation.evidence.all()] == ["支委会记录.pdf"]
        page = client.get(obligation.get_absolute_url()).content.decode()
        assert "支委会记录.pdf" in page
        assert "已完成" in page
        assert "六月支委会" in page

    def test_it_keeps_input_and_explains_a_concurrent_edit(
        self, active_world: World, as_user
    ) -> None:
        obligation = committee_meeting(active_world)
        stale = obligation.version
        services.obligation_fill(
            actor=active_world.officer_a,
            obligation=obligation,
            version=stale,
            status="in_progress",
            completed_on=None,
            description="先保存的内容",
        )
        response = as_user(active_world.officer_a).post(
            obligation.get_absolute_url(),
            fill_data(obligation, version=stale, description="我输入的内容"),
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "已被他人修改" in text
        assert "我输入的内容" in text
        obligation.refresh_from_db()
        assert obligation.description == "先保存的内容"

    def test_it_refuses_a_disguised_file_and_keeps_the_input(
        self, active_world: World, as_user
    ) -> None:
        obligation = committee_meeting(active_world)
        upload = SimpleUploadedFile("会议记录.pdf", EXE_BYTES)
        response = as_user(active_world.officer_a).post(
            obligation.get_absolute_url(),
            fill_data(obligation, files=[upload], description="保留我"),
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "不是允许的类型" in text
        assert "保留我" in text
        assert Evidence.objects.count() == 0
        obligation.refresh_from_db()
        assert obligation.status == "not_started"

    def test_it_shows_field_errors_in_chinese(self, active_world: World, as_user) -> None:
        obligation = committee_meeting(active_world)
        response = as_user(active_world.officer_a).post(
            obligation.get_absolute_url(),
            fill_data(obligation, completed_on="", attended_count="1"),
        )
        text = response.content.decode()
        assert "请填写完成日期" in text
        assert "须超过应到人数的一半" in text

    def test_it_escapes_markup_in_text(self, active_world: World, as_user) -> None:
        obligation = committee_meeting(active_world)
        client = as_user(active_world.officer_a)
        client.post(
            obligation.get_absolute_url(),
            fill_data(obligation, description="<script>alert(1)</script>"),
        )
        page = client.get(obligation.get_absolute_url()).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page

    def test_it_serves_evidence_only_through_the_scope(self, active_world: World, as_user) -> None:
        obligation = committee_meeting(active_world)
        upload = SimpleUploadedFile("记录.pdf", PDF_BYTES)
        as_user(active_world.officer_a).post(
            obligation.get_absolute_url(), fill_data(obligation, files=[upload])
        )
        evidence = Evidence.objects.get()
        url = reverse("evidence_download", args=[evidence.pk])
        response = as_user(active_world.member).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert "attachment" in response["Content-Disposition"]
        assert as_user(active_world.officer_b).get(url).status_code == 404


def count_queries(client, url: str) -> tuple[int, object]:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def grow(world: World, branches: int) -> None:
    """Add branches (each with a checklist, obligations and an officer-a post) to unit A."""
    extra = [
        org(f"A-G{n}-{branches}", "branch", world.organ_a, f"扩展支部{n}") for n in range(branches)
    ]
    for organisation in extra:
        post(world.officer_a, organisation, "committee_member")
        post(UserFactory(), organisation, "member")
    services.checklists_create(actor=None, year=world.year, organisations=extra)
    from responsibility.models import Checklist

    services.obligations_generate(
        year=world.year,
        checklist_ids=Checklist.objects.filter(organisation__in=extra).values_list("pk", flat=True),
    )
    scope.forget(world.officer_a)


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("officer_a", "my_work"),
        ("unit_a_reviewer", "progress_overview"),
        ("wc_reviewer", "progress_overview"),
    ],
)
def test_it_keeps_list_pages_flat(client, persona: str, url_name: str) -> None:
    world = make_world()
    world.year = activate_year(world)
    client.force_login(getattr(world, persona))
    small, small_response = count_queries(client, reverse(url_name))
    grow(world, 6)
    large, large_response = count_queries(client, reverse(url_name))
    assert small == large
    if url_name == "my_work":
        assert large_response.context["work"].total > small_response.context["work"].total
    else:
        assert len(large_response.context["rows"]) == len(small_response.context["rows"]) + 6


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_keeps_the_checklist_and_obligation_pages_flat(client) -> None:
    world = make_world()
    world.year = activate_year(world)
    client.force_login(world.officer_a)
    checklist_url = reverse("checklist_detail", args=[world.branch_a.pk, 2026])
    obligation = committee_meeting(world)
    small_checklist, _ = count_queries(client, checklist_url)
    small_obligation, _ = count_queries(client, obligation.get_absolute_url())
    # More items, more evidence and more history must not add queries.
    from responsibility.models import Checklist

    checklist = Checklist.objects.get(organisation=world.branch_a, year=world.year)
    for n in range(5):
        services.checklist_item_create(
            actor=world.admin,
            checklist=checklist,
            ref=f"ZB-X-{n}",
            group="组织建设",
            content=f"新增事项{n}",
            points=1,
            frequency="monthly",
        )
    for n in range(3):
        obligation.refresh_from_db()
        evidence = services.evidence_upload(
            actor=world.officer_a,
            organisation=world.branch_a,
            upload=SimpleUploadedFile(f"f{n}.pdf", PDF_BYTES),
        )
        services.obligation_fill(
            actor=world.officer_a,
            obligation=obligation,
            version=obligation.version,
            status="in_progress",
            completed_on=None,
            description=f"第{n}次",
            evidence=[evidence],
        )
    large_checklist, response = count_queries(client, checklist_url)
    large_obligation, _ = count_queries(client, obligation.get_absolute_url())
    assert small_checklist == large_checklist
    assert small_obligation == large_obligation
    assert response.context["page"].total > 0


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_filters_the_checklist_by_group_status_and_month(active_world: World, as_user) -> None:
    client = as_user(active_world.officer_a)
    url = reverse("checklist_detail", args=[active_world.branch_a.pk, 2026])
    page = client.get(url, {"group": "纪律建设"}).context["page"]
    assert {g.name for g in page.groups} == {"纪律建设"}
    page = client.get(url, {"status": "overdue"}).context["page"]
    shown = [o for g in page.groups for i in g.items for o in i.obligations]
    assert shown
    assert all(o.due_date < datetime.date(2026, 6, 15) and o.status == "not_started" for o in shown)
    page = client.get(url, {"month": "2"}).context["page"]
    shown = [o for g in page.groups for i in g.items for o in i.obligations]
    assert all(o.period_start.month <= 2 <= o.period_end.month for o in shown)


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_shows_the_history_in_words(active_world: World, as_user) -> None:
    obligation = committee_meeting(active_world)
    client = as_user(active_world.officer_a)
    client.post(obligation.get_absolute_url(), fill_data(obligation))
    services.obligation_reopen(
        actor=active_world.unit_a_reviewer, obligation=obligation, reason="补录会议记录"
    )
    page = client.get(obligation.get_absolute_url()).content.decode()
    history = page.split('id="histHeading"', 1)[1]
    assert "· 填报</div>" in history
    assert "状态：未开始 → 已完成" in page
    assert "· 重新开放填报</div>" in history
    assert "原因：— → 补录会议记录" in page
    assert "obligation.fill" not in page


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_tells_an_empty_checklist_from_no_checklist(active_world: World, as_user) -> None:
    from responsibility import selectors
    from responsibility.models import Checklist

    branch, year = active_world.branch_a, active_world.year
    checklist = Checklist.objects.get(organisation=branch, year=year)
    with CaptureQueriesContext(connection) as captured:
        page = selectors.checklist_page(branch, year)
    assert len(captured) == 2  # the items carry their checklist
    assert page.checklist == checklist
    assert page.total > 0
    assert page.groups

    client = as_user(active_world.officer_a)
    url = reverse("checklist_detail", args=[branch.pk, 2026])
    Obligation.objects.filter(item__checklist=checklist).delete()
    checklist.items.all().delete()
    page = selectors.checklist_page(branch, year)
    assert page.checklist == checklist
    assert page.total == 0
    assert page.groups == []
    body = client.get(url).content.decode()
    assert "没有符合筛选条件的事项" in body
    assert "尚未生成责任清单" not in body

    checklist.delete()
    assert selectors.checklist_page(branch, year) is None
    assert "该组织本年度尚未生成责任清单" in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_my_work_sorts_open_obligations_into_red_yellow_and_this_period(
    active_world: World, as_user
) -> None:
    """15 June: May's committee meeting (due 5 June) is overdue; a duty due on the 18th is due
    soon; June's meeting (due 5 July) belongs to this period; done work is not listed."""
    branch = active_world.branch_a
    may = Obligation.objects.get(organisation=branch, item__ref="ZB-3-02", period_label="5月")
    june = committee_meeting(active_world)
    soon = (
        Obligation.objects.filter(organisation=branch, due_date__gt=datetime.date(2026, 7, 5))
        .exclude(item__ref="ZB-3-02")
        .first()
    )
    Obligation.objects.filter(pk=soon.pk).update(due_date=datetime.date(2026, 6, 18))
    Obligation.objects.filter(pk=june.pk).update(status="in_progress")
    april = Obligation.objects.get(organisation=branch, item__ref="ZB-3-02", period_label="4月")
    Obligation.objects.filter(pk=april.pk).update(
        status="done", completed_on=datetime.date(2026, 5, 10), is_late=True
    )

    body = as_user(active_world.officer_a).get(reverse("my_work")).content.decode()

    # May's entry closed on 12 June (due date plus the grace days): it is listed as closed,
    # with the request to reopen it instead of "请尽快完成" (#18).
    overdue, rest = body.split('id="closedHeading"', 1)[1].split('id="soonHeading"', 1)
    due_soon, this_period = rest.split('id="periodHeading"', 1)

    def row(section: str, obligation: Obligation) -> str:
        return section.split(f'href="{obligation.get_absolute_url()}"', 1)[1].split("</tr>")[0]

    assert "已逾期，填报已关闭" in overdue
    assert "请尽快完成" not in body
    assert f'href="{may.get_absolute_url()}#reopen">申请重新开放' in row(overdue, may)
    assert "即将到期" in row(due_soon, soon)
    assert "2026-06-18" in row(due_soon, soon)
    assert '<i class="bi bi-circle" aria-hidden="true"></i> 进行中' in row(this_period, june)
    assert "2026-07-05" in row(this_period, june)
    assert april.get_absolute_url() not in body
    for listed in (may, soon, june):
        assert body.count(f'href="{listed.get_absolute_url()}"') == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "url_name", "args"),
    [
        ("officer_a", "my_work", lambda w: []),
        ("officer_a", "checklist_detail", lambda w: [w.branch_a.pk, w.year.year]),
        ("wc_reviewer", "progress_overview", lambda w: []),
        ("wc_reviewer", "result_list", lambda w: [w.year.year]),
    ],
)
def test_it_reads_the_current_year_once_for_the_page_and_its_navigation(
    active_world: World, as_user, persona: str, url_name: str, args
) -> None:
    client = as_user(getattr(active_world, persona))
    url = reverse(url_name, args=args(active_world))
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content.decode()
    assert sum('FROM "responsibility_year"' in q["sql"] for q in captured) == 1
    assert reverse("result_list", args=[active_world.year.year]) in body

"""Quality flags' pages (质量提示): the reviewer's list per organisation, the flags on the
obligation page, and the dismissal (its refusals keep what was typed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from responsibility.models import AuditEntry, Obligation, QualityFlag
from tests.factories import World, make_evidence

pytestmark = pytest.mark.django_db
LIST_QUERIES = 11


def meetings(organisation) -> list[Obligation]:
    return list(
        Obligation.objects.filter(organisation=organisation, item__ref="ZB-3-02").order_by(
            "period_start"
        )
    )


def flag(obligation: Obligation, other: Obligation | None = None, **extra) -> QualityFlag:
    return QualityFlag.objects.create(
        kind=QualityFlag.Kind.SAME_FILE if other else QualityFlag.Kind.MEETING_DATE,
        obligation=obligation,
        organisation=obligation.organisation,
        year=obligation.year,
        other_obligation=other,
        other_key=other.pk if other else 0,
        detail={"sha256": "ab" * 32, "uses": 2}
        if other
        else {"held_on": "2026-01-20", "period_start": "2026-02-01", "period_end": "2026-02-28"},
        **extra,
    )


def list_url(world: World, organisation=None, **query) -> str:
    url = reverse("quality_flag_list", args=[(organisation or world.branch_a).pk, 2026])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_lists_flags_with_both_records_and_the_evidence(active_world: World, as_user) -> None:
    world = active_world
    january, february = meetings(world.branch_a)[:2]
    evidence = make_evidence(world.branch_a, "一月支委会记录.pdf")
    flag(january, february, evidence=evidence)
    page = as_user(world.unit_a_reviewer).get(list_url(world)).content.decode()
    assert "同一文件重复佐证" in page
    assert "同一文件（SHA-256 abababababab…）共佐证 2 项任务" in page
    assert january.get_absolute_url() in page
    assert february.get_absolute_url() in page
    assert evidence.get_absolute_url() in page
    assert "一月支委会记录.pdf" in page


def test_it_names_another_units_record_without_showing_it(active_world: World, as_user) -> None:
    world = active_world
    mine, theirs = meetings(world.branch_a)[0], meetings(world.branch_b)[0]
    flag(mine, theirs)
    flag(theirs, mine)
    page = as_user(world.unit_a_reviewer).get(list_url(world, world.organ_a)).content.decode()
    assert "其他单位的记录（无权查看）" in page
    assert theirs.get_absolute_url() not in page
    assert world.branch_b.name not in page
    # The working committee reviews both units: it sees both records.
    page = as_user(world.wc_reviewer).get(list_url(world, world.committee)).content.decode()
    assert theirs.get_absolute_url() in page
    assert mine.get_absolute_url() in page
    assert "无权查看" not in page


def test_it_lists_the_organisations_below_and_filters_by_kind(active_world: World, as_user) -> None:
    world = active_world
    flag(meetings(world.branch_a)[0], meetings(world.branch_a)[1])
    flag(meetings(world.branch_a2)[1])
    client = as_user(world.unit_a_reviewer)
    page = client.get(list_url(world, world.organ_a)).content.decode()
    assert world.branch_a.name in page
    assert world.branch_a2.name in page
    page = client.get(list_url(world, world.organ_a, kind="meeting_date")).content.decode()
    assert world.branch_a2.name in page
    assert "同一文件（SHA-256" not in page


def test_it_keeps_the_query_count_flat(
    active_world: World, as_user, django_assert_num_queries
) -> None:
    world = active_world
    client = as_user(world.unit_a_reviewer)
    a, b = meetings(world.branch_a), meetings(world.branch_b)
    flag(a[0], a[1])
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(list_url(world, world.organ_a)).status_code == 200
    for n in range(1, 12):
        flag(a[n], b[n])
        flag(a[n], evidence=make_evidence(world.branch_a))
    client = as_user(world.unit_a_reviewer)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(list_url(world, world.organ_a)).status_code == 200


def test_it_shows_flags_on_the_obligation_page_to_reviewers_only(
    active_world: World, as_user
) -> None:
    world = active_world
    january, february = meetings(world.branch_a)[:2]
    flag(february)
    url = february.get_absolute_url()
    page = as_user(world.unit_a_reviewer).get(url).content.decode()
    assert 'id="quality"' in page
    assert "会议日期 2026-01-20 不在任务周期" in page
    assert reverse("quality_flag_dismiss", args=[february.quality_flags.get().pk]) in page
    page = as_user(world.officer_a).get(url).content.decode()
    assert 'id="quality"' not in page
    assert "会议日期 2026-01-20" not in page
    page = as_user(world.unit_a_reviewer).get(january.get_absolute_url()).content.decode()
    assert "未发现质量提示。" in page


def test_it_dismisses_a_flag_with_a_reason(active_world: World, as_user) -> None:
    world = active_world
    obligation = meetings(world.branch_a)[1]
    f = flag(obligation)
    client = as_user(world.unit_a_reviewer)
    response = client.post(
        reverse("quality_flag_dismiss", args=[f.pk]),
        {"reason": "会议推迟到次月初召开，已报备", "version": f.version, "back": "list"},
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(world)
    f.refresh_from_db()
    assert f.dismissed_by == world.unit_a_reviewer
    assert AuditEntry.objects.filter(action="quality_flag.dismiss", object_id=str(f.pk)).exists()
    page = client.get(list_url(world)).content.decode()
    assert "没有待核实的质量提示。" in page
    page = client.get(list_url(world, show="dismissed")).content.decode()
    assert "会议推迟到次月初召开，已报备" in page
    page = client.get(obligation.get_absolute_url()).content.decode()
    assert "会议推迟到次月初召开，已报备" in page


def test_it_refuses_an_empty_reason_and_a_stale_version_keeping_the_input(
    active_world: World, as_user
) -> None:
    world = active_world
    f = flag(meetings(world.branch_a)[1])
    client = as_user(world.unit_a_reviewer)
    url = reverse("quality_flag_dismiss", args=[f.pk])
    page = client.post(url, {"reason": "   ", "version": f.version}).content.decode()
    assert "排除质量提示必须说明原因。" in page
    QualityFlag.objects.filter(pk=f.pk).update(version=5)
    page = client.post(url, {"reason": "我写的核实情况", "version": 1}).content.decode()
    assert "我写的核实情况" in page
    assert "已被他人修改" in page or "刷新" in page
    f.refresh_from_db()
    assert f.dismissed_at is None

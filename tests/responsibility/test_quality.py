"""Quality flags (质量提示, issue #20.3): each check makes its flag appear, names its evidence,
and a reviewer can dismiss it with a reason (audited); a dismissed flag stays dismissed when the
checks run again, and one no longer found goes away."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from responsibility import quality, services
from responsibility.models import AuditEntry, MeetingRecord, Obligation, Post, QualityFlag
from responsibility.quality import Record, Text, normalise, similar_pairs
from tests.factories import UserFactory, World, make_evidence

pytestmark = pytest.mark.django_db
Kind = QualityFlag.Kind
MINUTES = (
    "会议由支部书记主持，传达学习习近平总书记重要讲话精神和上级党组织部署，"
    "逐项研究本季度支部党员教育管理、发展党员和党费收缴等重点工作，明确了责任人和完成时限。"
)


def meetings(world: World, organisation=None) -> list[Obligation]:
    """Branch A's monthly committee meetings (ZB-3-02), January first."""
    return list(
        Obligation.objects.filter(
            organisation=organisation or world.branch_a, item__ref="ZB-3-02"
        ).order_by("period_start")
    )


def record(obligation: Obligation, *, held_on=None, attended=2, expected=2, minutes="") -> None:
    MeetingRecord.objects.create(
        obligation=obligation,
        held_on=held_on or obligation.period_start + datetime.timedelta(days=10),
        topic="支委会",
        expected_count=expected,
        attended_count=attended,
        minutes=minutes,
    )


def compute(world: World) -> list[QualityFlag]:
    services.quality_flags_compute(year=world.year)
    return list(QualityFlag.objects.order_by("kind", "obligation_id"))


def dismiss(world: World, flag: QualityFlag) -> QualityFlag:
    return services.quality_flag_dismiss(
        actor=world.unit_a_reviewer, flag=flag, version=flag.version, reason="经核实，属同一次活动"
    )


def assert_dismissal_sticks(world: World, flag: QualityFlag) -> None:
    dismissed = dismiss(world, flag)
    assert dismissed.dismissed_by == world.unit_a_reviewer
    entry = AuditEntry.objects.get(action="quality_flag.dismiss")
    assert entry.object_id == str(flag.pk)
    assert entry.changes["dismissal_reason"] == [None, "经核实，属同一次活动"]
    again = {f.pk: f for f in compute(world)}
    assert again[flag.pk].dismissed_at is not None  # found again: kept, still dismissed


# --- same file ----------------------------------------------------------------------------------


def test_it_flags_one_file_proving_two_periods(active_world: World) -> None:
    world = active_world
    january, february = meetings(world)[:2]
    evidence = make_evidence(world.branch_a)
    january.evidence.add(evidence)
    february.evidence.add(make_evidence(world.branch_a))  # same bytes, same SHA-256
    flags = compute(world)
    assert [(f.kind, f.obligation_id, f.other_obligation_id) for f in flags] == [
        (Kind.SAME_FILE, january.pk, february.pk),
        (Kind.SAME_FILE, february.pk, january.pk),
    ]
    assert flags[0].evidence_id == evidence.pk
    assert flags[0].detail["sha256"] == evidence.sha256


def test_it_flags_one_file_proving_two_organisations(active_world: World) -> None:
    world = active_world
    mine, theirs = meetings(world)[0], meetings(world, world.branch_b)[0]
    mine.evidence.add(make_evidence(world.branch_a))
    theirs.evidence.add(make_evidence(world.branch_b))
    flags = compute(world)
    assert {(f.obligation_id, f.other_obligation_id) for f in flags} == {
        (mine.pk, theirs.pk),
        (theirs.pk, mine.pk),
    }


def test_it_accepts_one_file_for_two_items_of_one_period(active_world: World) -> None:
    world = active_world
    meeting = meetings(world)[0]
    same_month = Obligation.objects.filter(
        organisation=world.branch_a,
        period_start=meeting.period_start,
        period_end=meeting.period_end,
    ).exclude(pk=meeting.pk)[0]
    evidence = make_evidence(world.branch_a)
    meeting.evidence.add(evidence)
    same_month.evidence.add(evidence)
    assert compute(world) == []


def test_it_keeps_a_dismissed_same_file_flag_dismissed(active_world: World) -> None:
    world = active_world
    january, february = meetings(world)[:2]
    january.evidence.add(make_evidence(world.branch_a))
    february.evidence.add(make_evidence(world.branch_a))
    assert_dismissal_sticks(world, compute(world)[0])


def test_it_removes_an_open_flag_no_longer_found(active_world: World) -> None:
    world = active_world
    january, february = meetings(world)[:2]
    january.evidence.add(make_evidence(world.branch_a))
    evidence = make_evidence(world.branch_a)
    february.evidence.add(evidence)
    first, _second = compute(world)
    dismiss(world, first)
    february.evidence.remove(evidence)
    assert [f.pk for f in compute(world)] == [first.pk]  # the dismissed one stays on record


# --- meeting date -------------------------------------------------------------------------------


def test_it_flags_a_meeting_held_outside_its_period(active_world: World) -> None:
    world = active_world
    january, february = meetings(world)[:2]
    record(january, held_on=datetime.date(2026, 1, 20))
    record(february, held_on=datetime.date(2026, 1, 20))
    (flag,) = compute(world)
    assert (flag.kind, flag.obligation_id) == (Kind.MEETING_DATE, february.pk)
    assert flag.detail == {
        "held_on": "2026-01-20",
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
    }


def test_it_keeps_a_dismissed_meeting_date_flag_dismissed(active_world: World) -> None:
    world = active_world
    record(meetings(world)[1], held_on=datetime.date(2026, 3, 2))
    assert_dismissal_sticks(world, compute(world)[0])


# --- similar text -------------------------------------------------------------------------------


def test_it_flags_minutes_copied_to_another_period(active_world: World) -> None:
    world = active_world
    march, june = meetings(world)[2], meetings(world)[5]
    record(march, minutes=MINUTES)
    # The copy: the date changed, spacing and punctuation touched.
    record(june, minutes=MINUTES.replace("本季度", "二季度").replace("，", ", "))
    flags = compute(world)
    assert [(f.kind, f.obligation_id, f.other_obligation_id) for f in flags] == [
        (Kind.SIMILAR_TEXT, march.pk, june.pk),
        (Kind.SIMILAR_TEXT, june.pk, march.pk),
    ]
    assert flags[0].detail["field"] == "minutes"
    assert flags[0].detail["similarity"] >= quality.SIMILARITY


def test_it_flags_a_description_copied_from_another_organisation(active_world: World) -> None:
    world = active_world
    mine, theirs = meetings(world)[0], meetings(world, world.branch_b)[3]
    Obligation.objects.filter(pk=mine.pk).update(description=MINUTES)
    Obligation.objects.filter(pk=theirs.pk).update(description="（乙厅）" + MINUTES)
    flags = compute(world)
    assert {(f.obligation_id, f.other_obligation_id) for f in flags} == {
        (mine.pk, theirs.pk),
        (theirs.pk, mine.pk),
    }


def test_it_leaves_short_stock_phrases_and_different_texts_alone(active_world: World) -> None:
    world = active_world
    january, february, march = meetings(world)[:3]
    record(january, minutes="按要求完成，材料已归档。")
    record(february, minutes="按要求完成，材料已归档。")
    record(
        march,
        minutes="会议由组织委员主持，听取各党小组学习情况汇报，讨论确定两名入党积极分子"
        "的培养联系人，并对下月主题党日活动作出安排，要求党员按时交纳党费。",
    )
    Obligation.objects.filter(pk=january.pk).update(description=MINUTES)
    assert compute(world) == []


def test_it_keeps_a_dismissed_similar_text_flag_dismissed(active_world: World) -> None:
    world = active_world
    record(meetings(world)[2], minutes=MINUTES)
    record(meetings(world)[5], minutes=MINUTES)
    assert_dismissal_sticks(world, compute(world)[1])


def test_it_compares_only_candidates_and_stays_linear() -> None:
    """A thousand texts to one outline, each with its own twenty characters: the exact copy and
    the near copy (one character changed) are found, nothing else."""
    rng = random.Random(3)
    texts = [
        Text(
            Record(n, n, n, n),
            "minutes",
            normalise(
                MINUTES[:60] + "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(20))
            ),
        )
        for n in range(1000)
    ]
    texts.append(Text(Record(5000, 7, 1, 1), "minutes", texts[3].normalised))
    texts.append(Text(Record(5001, 7, 1, 1), "minutes", texts[5].normalised[:-1] + "改"))
    found = [(a.record.obligation_id, b.record.obligation_id) for a, b, _s in similar_pairs(texts)]
    assert found == [(5000, 3), (5001, 5)]


# --- attendance ---------------------------------------------------------------------------------


def test_it_flags_attendance_beyond_the_roster(active_world: World) -> None:
    world = active_world
    january, february = meetings(world)[:2]
    # Branch A: officer_a and member hold posts; a third person's post ended in January.
    leaver = UserFactory()
    Post.objects.create(
        user=leaver,
        organisation=world.branch_a,
        kind=Post.Kind.MEMBER,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2026, 1, 31),
    )
    record(january, held_on=datetime.date(2026, 1, 15), attended=3, expected=3)
    record(february, held_on=datetime.date(2026, 2, 15), attended=3, expected=3)
    (flag,) = compute(world)
    assert (flag.kind, flag.obligation_id) == (Kind.ATTENDANCE, february.pk)
    assert flag.detail == {"held_on": "2026-02-15", "attended": 3, "expected": 3, "roster": 2}


def test_it_keeps_a_dismissed_attendance_flag_dismissed(active_world: World) -> None:
    world = active_world
    record(meetings(world)[0], attended=5, expected=6)
    assert_dismissal_sticks(world, compute(world)[0])


# --- backdated ----------------------------------------------------------------------------------


def deadline(world: World) -> datetime.date:
    """The deadline most of branch A's obligations share (31 December: six)."""
    dates = Obligation.objects.filter(organisation=world.branch_a)
    days = [o.due_date for o in dates]
    return max(set(days), key=days.count)


def backfill(world: World, count: int, *, saved: datetime.datetime, back: int = 30) -> list[int]:
    """`count` of branch A's obligations due on `deadline`, all saved at `saved` by officer_a,
    each dated `back` days before the save."""
    due = Obligation.objects.filter(organisation=world.branch_a, due_date=deadline(world))
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:count])
    assert len(ids) == count
    Obligation.objects.filter(pk__in=ids).update(
        status=Obligation.Status.DONE,
        completed_on=saved.date() - datetime.timedelta(days=back),
        updated_by=world.officer_a,
        updated_at=saved,
    )
    return ids


def evening_before(world: World) -> datetime.datetime:
    day = deadline(world) - datetime.timedelta(days=1)
    return datetime.datetime.combine(
        day, datetime.time(21, 30), tzinfo=timezone.get_current_timezone()
    )


def test_it_flags_a_backdated_burst_before_the_deadline(active_world: World) -> None:
    world = active_world
    ids = backfill(world, quality.BURST_MIN, saved=evening_before(world))
    flags = compute(world)
    assert {f.kind for f in flags} == {Kind.BACKDATED}
    assert sorted(f.obligation_id for f in flags) == ids
    assert all(
        f.other_obligation_id in ids and f.other_obligation_id != f.obligation_id for f in flags
    )
    assert flags[0].detail["count"] == quality.BURST_MIN


def test_it_leaves_fewer_or_honestly_dated_completions_alone(active_world: World) -> None:
    world = active_world
    backfill(world, quality.BURST_MIN - 1, saved=evening_before(world))
    assert compute(world) == []
    backfill(world, quality.BURST_MIN, saved=evening_before(world), back=2)
    assert compute(world) == []


def test_it_keeps_a_dismissed_backdated_flag_dismissed(active_world: World) -> None:
    world = active_world
    backfill(world, quality.BURST_MIN, saved=evening_before(world))
    assert_dismissal_sticks(world, compute(world)[0])


# --- on save, dismissal rules -------------------------------------------------------------------


def test_it_checks_again_when_an_obligation_is_saved(
    active_world: World, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The refresh runs here, in-process, even where a broker is configured (CI's worker
    # would run it against its own database).
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    world = active_world
    january, february = meetings(world)[:2]
    january.evidence.add(make_evidence(world.branch_a))
    with django_capture_on_commit_callbacks(execute=True):
        services.obligation_fill(
            actor=world.officer_a,
            obligation=february,
            version=february.version,
            status=Obligation.Status.IN_PROGRESS,
            completed_on=None,
            description="",
            evidence=[make_evidence(world.branch_a)],
            today=datetime.date(2026, 2, 10),
        )
    assert {(f.obligation_id, f.other_obligation_id) for f in QualityFlag.objects.all()} == {
        (january.pk, february.pk),
        (february.pk, january.pk),
    }


def test_it_refuses_a_dismissal_without_reason_or_twice(active_world: World) -> None:
    world = active_world
    record(meetings(world)[1], held_on=datetime.date(2026, 3, 2))
    (flag,) = compute(world)
    with pytest.raises(services.ServiceError, match="必须说明原因"):
        services.quality_flag_dismiss(
            actor=world.unit_a_reviewer, flag=flag, version=flag.version, reason="  "
        )
    stale = flag.version
    dismiss(world, flag)
    flag.refresh_from_db()
    with pytest.raises(services.ServiceError, match="已被排除"):
        dismiss(world, flag)
    flag.dismissed_at = None
    with pytest.raises(services.ConcurrentEditError):
        services.quality_flag_dismiss(
            actor=world.unit_a_reviewer, flag=flag, version=stale, reason="再次"
        )


def test_it_computes_every_running_year_nightly(active_world: World) -> None:
    from django.conf import settings

    from responsibility import tasks

    world = active_world
    world.year.status = "active"
    world.year.save(update_fields=["status"])
    record(meetings(world)[1], held_on=datetime.date(2026, 1, 20))
    tasks.compute_quality_flags()
    assert QualityFlag.objects.get().kind == Kind.MEETING_DATE
    schedule = settings.CELERY_BEAT_SCHEDULE["quality-flags"]
    assert schedule["task"] == "responsibility.tasks.compute_quality_flags"

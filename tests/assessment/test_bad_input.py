"""Bad input through every assessment form, plus concurrent scores and a double-submitted vote.

Forms covered: quarterly scores, self-assessment, review return, round, ledger, scheme, duty
report, vote, review comment, recompute reason, training, rotation. The rules of the battery are
in tests/bad_input_support.py.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from assessment import results
from assessment import selectors as assessment_selectors
from assessment import services as assessment_services
from assessment.forms import SchemeForm
from assessment.models import (
    AnnualResult,
    DutyReport,
    ItemScore,
    LedgerEntry,
    OrganisationReview,
    ReviewComment,
    ReviewRound,
    Rotation,
    Scheme,
    Training,
    TrainingAttendance,
    Vote,
)
from responsibility.models import AuditEntry
from tests.bad_input_support import (
    ESCAPED,
    LONG,
    MARKUP,
    MISSING,
    NOT_A_CHOICE,
    NOT_A_DATE,
    REQUIRED,
    assert_escaped,
    shown_version,
    signed_in,
    state,
    text_of,
    upload,
    with_overrides,
)
from tests.factories import EXE_BYTES, UserFactory, World, post


def assessment_state() -> dict[str, Any]:
    """state() plus every assessment row a refused form could touch."""
    return state() | {
        "rounds": list(ReviewRound.objects.order_by("pk").values()),
        "reviews": list(OrganisationReview.objects.order_by("pk").values()),
        "scores": list(ItemScore.objects.order_by("pk").values()),
        "ledger": list(LedgerEntry.objects.order_by("pk").values()),
        "schemes": list(Scheme.objects.order_by("pk").values()),
        "reports": list(DutyReport.objects.order_by("pk").values()),
        "report_files": list(DutyReport.attachments.through.objects.order_by("pk").values_list()),
        "raters": list(DutyReport.raters.through.objects.order_by("pk").values_list()),
        "votes": list(Vote.objects.order_by("pk").values()),
        "comments": list(ReviewComment.objects.order_by("pk").values()),
        "results": list(AnnualResult.objects.order_by("pk").values()),
        "trainings": list(Training.objects.order_by("pk").values()),
        "attendance": list(TrainingAttendance.objects.order_by("pk").values()),
        "rotations": list(Rotation.objects.order_by("pk").values()),
    }


@pytest.fixture
def assessment_world(active_world: World) -> World:
    """2026 started, a Q2 round with branch A's review open (full marks), a submitted report
    heard by the unit reviewer, and a training held by branch A."""
    world = active_world
    world.round = assessment_services.round_create(
        actor=world.admin,
        year=world.year,
        quarter=2,
        opens_on=datetime.date(2026, 6, 1),
        closes_on=datetime.date(2026, 6, 30),
    )
    world.review = assessment_services.review_start(
        actor=world.unit_a_reviewer, review_round=world.round, organisation=world.branch_a
    )
    world.report = assessment_services.report_save(
        actor=world.officer_a,
        organisation=world.branch_a,
        year=world.year,
        text="一年来认真履行党建责任。",
        version=None,
        submit=True,
    )
    assessment_services.report_raters_set(
        actor=world.unit_a_reviewer, report=world.report, raters=[world.unit_a_reviewer]
    )
    world.training = assessment_services.training_create(
        actor=world.officer_a,
        organiser=world.branch_a,
        held_on=datetime.date(2026, 3, 1),
        topic="支部工作条例培训",
        hours=Decimal(4),
    )
    return world


def first_score(review: OrganisationReview) -> ItemScore:
    return review.scores.select_related("item").order_by("item__sort_order", "item__ref").first()


LOWER = object()  # the first item's points minus one: a deduction


def score_form(review: OrganisationReview, overrides: dict[str, Any]) -> dict[str, Any]:
    """Every item at its current score; `score`/`reason` in overrides mean the first item's."""
    data: dict[str, Any] = {"csrfmiddlewaretoken": "x", "version": review.version, "submit": "1"}
    for row in review.scores.all():
        data[f"score_{row.item_id}"] = str(row.score)
        data[f"reason_{row.item_id}"] = row.reason
    first = first_score(review)
    names = {"score": f"score_{first.item_id}", "reason": f"reason_{first.item_id}"}
    for key, value in overrides.items():
        name = names.get(key, key)
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = str(first.max_points - 1) if value is LOWER else value
    return data


SCORE_CASES = [
    pytest.param({"score": "99"}, "不能超过该事项分值", id="above-item-points"),
    pytest.param({"score": "-1"}, "不能小于 0", id="negative"),
    pytest.param({"score": "五分"}, "请输入数字", id="not-a-number"),
    pytest.param({"score": "NaN"}, "请输入数字", id="not-a-number-nan"),
    pytest.param({"score": "1.255"}, "小数不超过 2 位", id="three-decimals"),
    pytest.param({"score": MISSING}, "请填写得分", id="missing"),
    pytest.param({"score": LOWER, "reason": MISSING}, "扣分必须填写理由", id="deduction-no-reason"),
    pytest.param(
        {"score": LOWER, "reason": " \u3000 "}, "扣分必须填写理由", id="deduction-blank-reason"
    ),
    pytest.param({"score": LOWER, "reason": LONG}, "不超过 500", id="reason-too-long"),
    pytest.param({"version": MISSING}, "请刷新页面后重新提交", id="version-missing"),
    pytest.param({"version": "第三版"}, "请刷新页面后重新提交", id="version-tampered"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), SCORE_CASES)
def test_it_refuses_bad_scores_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    review = assessment_world.review
    before = assessment_state()
    response = signed_in(assessment_world.unit_a_reviewer).post(
        review.get_absolute_url(), score_form(review, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "persona", "data", "message"),
    [
        pytest.param("return", "wc_reviewer", {}, "退回时必须填写意见", id="return-no-comment"),
        pytest.param(
            "return", "wc_reviewer", {"comment": "　 "}, "退回时必须填写意见", id="return-blank"
        ),
        pytest.param(
            "confirm", "unit_a_reviewer", {}, "复核须由评分人以外的审核人进行", id="self-confirm"
        ),
        pytest.param("publish", "wc_reviewer", {}, "不能执行该操作", id="publish-unconfirmed"),
    ],
)
def test_it_refuses_a_bad_review_transition_and_changes_nothing(
    assessment_world: World, action: str, persona: str, data: dict[str, str], message: str
) -> None:
    world = assessment_world
    review = deduct_and_submit(world)
    before = assessment_state()
    response = signed_in(world.persona(persona)).post(
        reverse("review_transition", args=[review.pk, action]), data, follow=True
    )
    assert message in text_of(response)
    assert assessment_state() == before


def deduct_and_submit(world: World, reason: str = "五月未召开支委会") -> OrganisationReview:
    review = world.review
    row = first_score(review)
    review = assessment_services.review_scores_save(
        actor=world.unit_a_reviewer,
        review=review,
        version=review.version,
        scores=[assessment_services.ScoreInput(row.item_id, row.max_points - 1, reason)],
    )
    return assessment_services.review_transition(
        actor=world.unit_a_reviewer, review=review, action="submit"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(MISSING, REQUIRED, id="missing"),
        pytest.param(" \n ", REQUIRED, id="blank"),
        pytest.param(LONG, "不超过 10000", id="too-long"),
    ],
)
def test_it_refuses_a_bad_self_assessment_and_changes_nothing(
    assessment_world: World, text: Any, message: str
) -> None:
    url = reverse("review_self_assess", args=[assessment_world.review.pk])
    before = assessment_state()
    response = signed_in(assessment_world.officer_a).post(
        url, with_overrides({"text": "自评"}, {"text": text})
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


ROUND_CASES = [
    pytest.param(
        {"opens_on": "2026-09-30", "closes_on": "2026-07-01"},
        "截止日期不能早于开始日期",
        id="dates-reversed",
    ),
    pytest.param({"quarter": "5"}, NOT_A_CHOICE, id="quarter-unknown"),
    pytest.param({"quarter": "2"}, "该季度检查已存在", id="quarter-exists"),
    pytest.param({"opens_on": "2026-02-30"}, NOT_A_DATE, id="date-impossible"),
    pytest.param({"closes_on": MISSING}, REQUIRED, id="closes-missing"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), ROUND_CASES)
def test_it_refuses_a_bad_round_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    before = assessment_state()
    response = signed_in(assessment_world.admin).post(
        reverse("round_list"),
        with_overrides(
            {"quarter": "3", "opens_on": "2026-07-01", "closes_on": "2026-09-30"}, overrides
        ),
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


LEDGER_CASES = [
    pytest.param({"points": "0"}, "大于或等于0.01", id="points-zero"),
    pytest.param({"points": "25"}, "小于或等于20", id="points-over-20"),
    pytest.param({"points": "-3"}, "大于或等于0.01", id="points-negative"),
    pytest.param({"points": "两分"}, "输入一个数字", id="points-words"),
    pytest.param({"points": MISSING}, REQUIRED, id="points-missing"),
    pytest.param({"reason": MISSING}, REQUIRED, id="reason-missing"),
    pytest.param({"reason": " \u3000 "}, REQUIRED, id="reason-blank"),
    pytest.param({"reason": LONG}, "不超过 500", id="reason-too-long"),
    pytest.param({"kind": "gift"}, NOT_A_CHOICE, id="kind-unknown"),
    pytest.param(
        {"files": upload("表彰文件.pdf", EXE_BYTES)}, "不是允许的类型", id="exe-named-pdf"
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), LEDGER_CASES)
def test_it_refuses_a_bad_ledger_entry_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    url = reverse("ledger_propose", args=[assessment_world.branch_a.pk])
    before = assessment_state()
    response = signed_in(assessment_world.unit_a_reviewer).post(
        url, with_overrides({"kind": "bonus", "points": "2", "reason": "获省级表彰"}, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


def scheme_form(world: World) -> dict[str, str]:
    scheme = assessment_selectors.scheme_for(world.year)
    data = {name: getattr(scheme, name) for name in SchemeForm.Meta.fields}
    return {
        "version": str(scheme.version),
        **{name: "" if value is None else str(value) for name, value in data.items()},
    }


SCHEME_CASES = [
    pytest.param(
        {"weight_process": "40", "weight_quarterly": "40", "weight_year_end": "40"},
        "三部分权重之和必须为 100，当前为 120",
        id="weights-120",
    ),
    pytest.param({"weight_year_end": "30"}, "三部分权重之和必须为 100，当前为 90", id="weights-90"),
    pytest.param({"good_min": "70"}, "等次分数线须从高到低", id="bands-good-below-fairly-good"),
    pytest.param({"average_min": "85"}, "等次分数线须从高到低", id="bands-average-above"),
    pytest.param(
        {"weight_process": "-10", "weight_quarterly": "70"},
        "请输入 0 到 100 之间的数",
        id="weight-negative",
    ),
    pytest.param({"vote_good": "150"}, "请输入 0 到 100 之间的数", id="vote-value-over-100"),
    pytest.param({"good_quota_percent": "101"}, "请输入 0 到 100 之间的数", id="quota-over-100"),
    pytest.param({"good_min": "九十"}, "输入一个数字", id="band-words"),
    pytest.param({"accountability_cap": "excellent"}, NOT_A_CHOICE, id="cap-unknown"),
    pytest.param({"report_deadline": "2026-02-30"}, NOT_A_DATE, id="deadline-impossible"),
    pytest.param({"version": MISSING}, "请刷新页面后重新提交", id="version-missing"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), SCHEME_CASES)
def test_it_refuses_a_bad_scheme_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    world = assessment_world
    base = scheme_form(world)
    before = assessment_state()
    response = signed_in(world.admin).post(
        reverse("scheme_edit", args=[2026]), with_overrides(base, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
def test_it_saves_a_valid_scheme(assessment_world: World) -> None:
    """The control for the table above: the same form, correct, is saved."""
    world = assessment_world
    data = scheme_form(world) | {"weight_process": "20", "weight_year_end": "50"}
    response = signed_in(world.admin).post(reverse("scheme_edit", args=[2026]), data)
    assert response.status_code == 302
    scheme = Scheme.objects.get(year=world.year)
    assert (scheme.weight_process, scheme.weight_year_end, scheme.version) == (20, 50, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"text": "长" * 50_001}, "不超过 50000", id="text-50001"),
        pytest.param({"text": " \n", "submit": "1"}, "提交前请填写述职报告内容", id="submit-empty"),
        pytest.param(
            {"files": upload("述职.pdf", EXE_BYTES)}, "不是允许的类型", id="exe-named-pdf"
        ),
        pytest.param({"version": "第二版"}, "请刷新页面后重新提交", id="version-tampered"),
        pytest.param({"version": "1"}, "已被他人修改", id="version-stale"),
    ],
)
def test_it_refuses_a_bad_duty_report_and_changes_nothing(
    active_world: World, overrides: dict[str, Any], message: str
) -> None:
    url = reverse("report_edit", args=[active_world.branch_a.pk, 2026])
    client = signed_in(active_world.officer_a)
    assert client.post(url, {"text": "草稿", "save": "1"}).status_code == 302
    before = assessment_state()
    response = client.post(url, with_overrides({"text": "述职报告", "save": "1"}, overrides))
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
def test_it_refuses_a_duty_report_after_its_deadline(active_world: World) -> None:
    scheme = assessment_selectors.scheme_for(active_world.year)
    Scheme.objects.filter(pk=scheme.pk).update(report_deadline=datetime.date(2026, 1, 15))
    url = reverse("report_edit", args=[active_world.branch_a.pk, 2026])
    before = assessment_state()
    response = signed_in(active_world.officer_a).post(url, {"text": "述职报告", "submit": "1"})
    assert "已超过述职报告提交截止日期（2026-01-15）" in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "data", "message"),
    [
        pytest.param("unit_a_reviewer", {"choice": "excellent"}, "请选择评议等次", id="invalid"),
        pytest.param("unit_a_reviewer", {}, "请选择评议等次", id="missing"),
        pytest.param(
            "wc_reviewer", {"choice": "good"}, "您不是该组织述职评议的评议人", id="not-a-rater"
        ),
    ],
)
def test_it_refuses_a_bad_vote_and_changes_nothing(
    assessment_world: World, persona: str, data: dict[str, str], message: str
) -> None:
    report = assessment_world.report
    before = assessment_state()
    response = signed_in(assessment_world.persona(persona)).post(
        reverse("report_vote", args=[report.pk]), data, follow=True
    )
    assert message in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
def test_it_refuses_a_vote_after_the_meeting_closed(assessment_world: World) -> None:
    world = assessment_world
    assessment_services.meeting_close(actor=world.wc_reviewer, report=world.report)
    before = assessment_state()
    response = signed_in(world.unit_a_reviewer).post(
        reverse("report_vote", args=[world.report.pk]), {"choice": "good"}, follow=True
    )
    assert "评议已结束，不能再投票" in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "comment",
    [pytest.param(MISSING, id="missing"), pytest.param("长" * 2001, id="too-long")],
)
def test_it_refuses_a_bad_review_comment_and_changes_nothing(
    assessment_world: World, comment: Any
) -> None:
    report = assessment_world.report
    before = assessment_state()
    response = signed_in(assessment_world.unit_a_reviewer).post(
        reverse("report_comment", args=[report.pk]),
        with_overrides({"comment": "好"}, {"comment": comment}),
        follow=True,
    )
    assert "请填写点评意见（不超过 2000 字）" in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
def test_it_refuses_an_overlong_recompute_reason_and_a_silent_recompute(
    assessment_world: World,
) -> None:
    world = assessment_world
    admin = signed_in(world.admin)
    url = reverse("result_list", args=[2026])
    assert admin.post(url, {"compute": "1", "reason": ""}).status_code == 302
    assert admin.post(url, {"publish": "1"}).status_code == 302
    entry = assessment_services.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=world.year,
        kind="bonus",
        points=Decimal(3),
        reason="获省级表彰",
    )
    assessment_services.ledger_decide(actor=world.unit_a_reviewer, entry=entry, approve=True)
    before = assessment_state()
    too_long = admin.post(url, {"compute": "1", "reason": "长" * 301})
    assert "不超过 300" in text_of(too_long)
    silent = admin.post(url, {"compute": "1", "reason": " "})
    assert "重新计算必须填写原因" in text_of(silent)
    assert assessment_state() == before


TRAINING_CASES = [
    pytest.param({"hours": "0"}, "大于或等于0.5", id="hours-zero"),
    pytest.param({"hours": "300"}, "小于或等于200", id="hours-300"),
    pytest.param({"hours": "-2"}, "大于或等于0.5", id="hours-negative"),
    pytest.param({"hours": "1.25"}, "小数不超过 1 位", id="hours-two-decimals"),
    pytest.param({"hours": "两小时"}, "输入一个数字", id="hours-words"),
    pytest.param({"topic": MISSING}, REQUIRED, id="topic-missing"),
    pytest.param({"topic": LONG}, "不超过 200", id="topic-too-long"),
    pytest.param({"held_on": "2026-13-01"}, NOT_A_DATE, id="date-malformed"),
    pytest.param({"organiser": lambda: None}, NOT_A_CHOICE, id="organiser-foreign"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), TRAINING_CASES)
def test_it_refuses_a_bad_training_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    world = assessment_world
    if "organiser" in overrides:  # an organisation the officer does not fill in for
        overrides = {"organiser": str(world.branch_b.pk)}
    base = {
        "organiser": str(world.branch_a.pk),
        "held_on": "2026-03-01",
        "topic": "党务知识培训",
        "hours": "2",
        "is_party_knowledge": "on",
    }
    before = assessment_state()
    response = signed_in(world.officer_a).post(
        reverse("training_list"), with_overrides(base, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


ROTATION_CASES = [
    pytest.param({"moved_on": "2026-06-16"}, "交流日期不能晚于今天", id="date-tomorrow"),
    pytest.param({"moved_on": "2031-01-01"}, "交流日期不能晚于今天", id="date-years-ahead"),
    pytest.param({"moved_on": "去年"}, NOT_A_DATE, id="date-words"),
    pytest.param(
        {"moved_on": "2023-06-01"}, "交流日期须晚于原职务的任职开始日期", id="date-before-the-post"
    ),
    pytest.param({"from_post": MISSING}, REQUIRED, id="from-missing"),
    pytest.param({"from_post": "999999"}, NOT_A_CHOICE, id="from-not-theirs"),
    pytest.param({"organisation": "unit B"}, NOT_A_CHOICE, id="to-outside-scope"),
    pytest.param({"kind": "king"}, NOT_A_CHOICE, id="kind-not-a-choice"),
    pytest.param({"note": LONG}, "不超过 500", id="note-too-long"),
]


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
@pytest.mark.parametrize(("overrides", "message"), ROTATION_CASES)
def test_it_refuses_a_bad_rotation_and_changes_nothing(
    active_world: World, overrides: dict[str, Any], message: str
) -> None:
    world = active_world
    url = reverse("person_record", args=[world.officer_a.pk])
    base = {
        "moved_on": "2026-06-15",
        "from_post": str(world.officer_a.posts.get().pk),
        "organisation": str(world.branch_a2.pk),
        "kind": "cadre_part_time",
    }
    if overrides.get("organisation") == "unit B":
        overrides = {"organisation": str(world.branch_b.pk)}
    before = assessment_state()
    posts = list(world.officer_a.posts.values())
    response = signed_in(world.unit_a_reviewer).post(url, with_overrides(base, overrides))
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before
    assert list(world.officer_a.posts.values()) == posts


@pytest.mark.django_db
def test_it_escapes_markup_in_every_quarterly_review_field(assessment_world: World) -> None:
    world = assessment_world
    reviewer, second = signed_in(world.unit_a_reviewer), signed_in(world.wc_reviewer)
    officer = signed_in(world.officer_a)
    review = world.review
    self_assess = reverse("review_self_assess", args=[review.pk])
    assert officer.post(self_assess, {"text": MARKUP}).status_code == 302
    assert_escaped(text_of(officer.get(self_assess)))
    data = score_form(review, {"score": LOWER, "reason": MARKUP})
    assert reviewer.post(review.get_absolute_url(), data).status_code == 302
    html = text_of(second.get(review.get_absolute_url()))
    assert_escaped(html)  # the reason, in its (disabled) input
    assert_escaped(html.replace(f'value="{ESCAPED}"', ""))  # the self-assessment

    returned = reverse("review_transition", args=[review.pk, "return"])
    assert second.post(returned, {"comment": MARKUP}).status_code == 302
    html = text_of(reviewer.get(review.get_absolute_url()))
    assert html.count(ESCAPED) == 3  # return comment, self-assessment, reason
    assert MARKUP not in html

    review.refresh_from_db()
    assessment_services.review_transition(
        actor=world.unit_a_reviewer, review=review, action="submit"
    )
    for action in ("confirm", "publish"):
        second.post(reverse("review_transition", args=[review.pk, action]))
    review.refresh_from_db()
    assert review.status == "published"
    scores = reverse("organisation_scores", args=[world.branch_a.pk, 2026])
    assert_escaped(text_of(officer.get(scores)))
    results.results_compute(actor=None, year=world.year)
    result = AnnualResult.objects.get(organisation=world.branch_a, is_current=True)
    assert_escaped(text_of(reviewer.get(result.get_absolute_url())))


@pytest.mark.django_db
def test_it_escapes_markup_in_ledger_report_comment_and_recompute_texts(
    assessment_world: World,
) -> None:
    world = assessment_world
    reviewer, second, admin = (
        signed_in(world.unit_a_reviewer),
        signed_in(world.wc_reviewer),
        signed_in(world.admin),
    )
    ledger = {"kind": "bonus", "points": "2", "reason": MARKUP}
    propose = reverse("ledger_propose", args=[world.branch_a.pk])
    assert reviewer.post(propose, ledger).status_code == 302
    assert_escaped(text_of(second.get(reverse("ledger_list"))))

    report_url = reverse("report_edit", args=[world.branch_a2.pk, 2026])
    secretary_a2 = UserFactory(username="officer_a2")  # branch A's own report is submitted
    post(secretary_a2, world.branch_a2, "secretary")
    officer_a2 = signed_in(secretary_a2)
    assert officer_a2.post(report_url, {"text": MARKUP, "save": "1"}).status_code == 302
    assert_escaped(text_of(officer_a2.get(report_url)))
    report = DutyReport.objects.get(organisation=world.branch_a2)
    assert_escaped(text_of(reviewer.get(report.get_absolute_url())))

    comment_url = reverse("report_comment", args=[world.report.pk])
    assert reviewer.post(comment_url, {"comment": MARKUP}).status_code == 302
    assert_escaped(text_of(second.get(world.report.get_absolute_url())))

    results_url = reverse("result_list", args=[2026])
    assert admin.post(results_url, {"compute": "1"}).status_code == 302
    assert admin.post(results_url, {"publish": "1"}).status_code == 302
    entry = LedgerEntry.objects.get()
    second.post(reverse("ledger_decide", args=[entry.pk]), {"decision": "approve"})
    assert admin.post(results_url, {"compute": "1", "reason": MARKUP}).status_code == 302
    result = AnnualResult.objects.get(organisation=world.branch_a, is_current=True)
    assert result.version == 2
    html = text_of(reviewer.get(result.get_absolute_url()))
    assert html.count(ESCAPED) >= 3  # recompute reason, ledger reason, version history
    assert MARKUP not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_escapes_markup_in_training_and_rotation_texts(active_world: World) -> None:
    world = active_world
    officer, reviewer = signed_in(world.officer_a), signed_in(world.unit_a_reviewer)
    data = {
        "organiser": str(world.branch_a.pk),
        "held_on": "2026-03-01",
        "topic": MARKUP,
        "hours": "2",
    }
    response = officer.post(reverse("training_list"), data)
    assert response.status_code == 302
    training = Training.objects.get()
    assert_escaped(text_of(officer.get(reverse("training_list"))))
    assert (
        officer.post(training.get_absolute_url(), {"people": [world.member.pk]}).status_code == 302
    )
    assert_escaped(text_of(officer.get(training.get_absolute_url())))

    person = reverse("person_record", args=[world.member.pk])
    rotation = {
        "moved_on": "2026-05-01",
        "from_post": str(world.member.posts.get().pk),
        "organisation": str(world.branch_a2.pk),
        "kind": "cadre_part_time",
        "note": MARKUP,
    }
    assert reviewer.post(person, rotation).status_code == 302
    html = text_of(reviewer.get(person))
    assert MARKUP not in html
    assert html.count(ESCAPED) == 2  # the training's topic, then the rotation's note


@pytest.mark.django_db
def test_it_keeps_the_first_of_two_concurrent_review_scores(assessment_world: World) -> None:
    world = assessment_world
    review = world.review
    row = first_score(review)
    first, second = signed_in(world.unit_a_reviewer), signed_in(world.wc_reviewer)
    # Both open the scoring page, so both hold the same version.
    for client in (first, second):
        page = client.get(review.get_absolute_url())
        assert f'name="version" value="{review.version}"' in text_of(page)

    lowered = row.max_points - 1
    saved = first.post(
        review.get_absolute_url(),
        score_form(review, {"score": str(lowered), "reason": "第一人的理由", "submit": MISSING}),
    )
    late = second.post(
        review.get_absolute_url(),
        score_form(review, {"score": "0", "reason": "第二人的理由", "submit": MISSING}),
    )

    assert saved.status_code == 302
    html = text_of(late)
    assert late.status_code == 200
    assert html.count("已被他人修改") == 1
    assert 'value="第二人的理由"' in html
    assert f'name="score_{row.item_id}" value="0"' in html
    row.refresh_from_db()
    assert (row.score, row.reason) == (lowered, "第一人的理由")
    review.refresh_from_db()
    assert review.scored_by == world.unit_a_reviewer
    assert AuditEntry.objects.filter(action="review.score").count() == 1
    assert shown_version(html) == str(review.version)
    again = second.post(
        review.get_absolute_url(),
        score_form(review, {"score": "0", "reason": "第二人的理由", "submit": MISSING})
        | {"version": shown_version(html)},
    )
    assert again.status_code == 302
    row.refresh_from_db()
    assert (row.score, row.reason) == (0, "第二人的理由")


@pytest.mark.django_db
def test_it_counts_a_double_submitted_vote_once(assessment_world: World) -> None:
    world = assessment_world
    url = reverse("report_vote", args=[world.report.pk])
    rater = signed_in(world.unit_a_reviewer)
    for _ in range(2):  # a double click: the same vote posted twice
        assert rater.post(url, {"choice": "good"}).status_code == 302
    assert list(Vote.objects.values_list("rater__username", "choice")) == [
        ("unit_a_reviewer", "good")
    ]
    assert rater.post(url, {"choice": "average"}).status_code == 302  # changed before closing
    assert list(Vote.objects.values_list("choice", flat=True)) == ["average"]
    detail = text_of(rater.get(world.report.get_absolute_url()))
    assert "已投 1 票" in detail

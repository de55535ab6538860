"""The business-backbone pool (业务骨干人选, issue #19.4): a reviewer proposes young party
members of the organisations they review, then selects them into a party-affairs post (through
the rotation service) or withdraws them; audited, refused in Chinese outside the rules."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import BackboneCandidate, Rotation
from responsibility.models import AuditEntry, Post
from responsibility.services import ServiceError
from tests.factories import UserFactory, World, activate_year, make_world, post

TODAY = datetime.date(2026, 6, 1)


def young(world: World, born: datetime.date = datetime.date(1996, 5, 4)):
    world.member.birth_date = born
    world.member.save(update_fields=["birth_date"])
    return world.member


@pytest.mark.django_db
def test_a_reviewer_proposes_a_young_member_from_the_pool_page(
    active_world: World, as_user
) -> None:
    world = active_world
    person = young(world)
    client = as_user(world.unit_a_reviewer)
    page = client.get(reverse("backbone_pool"))
    assert person in page.context["form"].fields["person"].queryset
    assert world.officer_a not in page.context["form"].fields["person"].queryset  # no birth date
    response = client.post(reverse("backbone_pool"), {"person": person.pk, "reason": "业务精通"})
    assert response.status_code == 302
    candidate = BackboneCandidate.objects.get()
    assert (candidate.person, candidate.organisation, candidate.proposed_by) == (
        person,
        world.branch_a,
        world.unit_a_reviewer,
    )
    assert AuditEntry.objects.filter(action="backbone.propose").count() == 1
    listing = client.get(reverse("backbone_pool")).content.decode()
    assert "业务精通" in listing
    assert "已推荐" in listing
    # Once in the pool, not offered again.
    again = client.get(reverse("backbone_pool"))
    assert person not in again.context["form"].fields["person"].queryset


@pytest.mark.django_db
def test_it_refuses_people_over_the_age_limit_or_outside_scope(
    active_world: World, as_user, settings
) -> None:
    world = active_world
    settings.BACKBONE_MAX_AGE = 30
    person = young(world, datetime.date(1990, 1, 1))  # 36 on TODAY
    with pytest.raises(ServiceError, match="已超过 30 周岁"):
        services.backbone_propose(
            actor=world.unit_a_reviewer,
            person=person,
            organisation=world.branch_a,
            reason="x",
            today=TODAY,
        )
    settings.BACKBONE_MAX_AGE = 40
    with pytest.raises(ServiceError, match="在所选组织没有现任职务"):
        services.backbone_propose(
            actor=world.unit_a_reviewer,
            person=person,
            organisation=world.branch_a2,
            reason="x",
            today=TODAY,
        )
    # Unit B's member is no choice of unit A's reviewer: the form refuses, keeping the reason.
    outsider = UserFactory(birth_date=datetime.date(1998, 1, 1))
    post(outsider, world.branch_b, Post.Kind.MEMBER)
    response = as_user(world.unit_a_reviewer).post(
        reverse("backbone_pool"), {"person": outsider.pk, "reason": "保留的理由"}
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert "保留的理由" in response.content.decode()
    assert not BackboneCandidate.objects.exists()


def _candidate(world: World) -> BackboneCandidate:
    return services.backbone_propose(
        actor=world.unit_a_reviewer,
        person=young(world),
        organisation=world.branch_a,
        reason="业务骨干",
        today=TODAY,
    )


@pytest.mark.django_db
def test_selecting_a_candidate_starts_the_party_affairs_post_through_a_rotation(
    active_world: World, as_user
) -> None:
    world = active_world
    candidate = _candidate(world)
    held = world.member.posts.get()
    response = as_user(world.unit_a_reviewer).post(
        reverse("backbone_candidate", args=[candidate.pk]),
        {
            "decision": "select",
            "on": "2026-07-01",
            "organisation": world.branch_a2.pk,
            "kind": "cadre_part_time",
            "from_post": held.pk,
            "reason": "经党组研究",
            "version": candidate.version,
        },
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == BackboneCandidate.State.SELECTED
    assert (candidate.post.organisation, candidate.post.kind) == (
        world.branch_a2,
        Post.Kind.CADRE_PART_TIME,
    )
    rotation = Rotation.objects.get()
    assert (rotation.from_post_link, rotation.to_post_link) == (held, candidate.post)
    assert AuditEntry.objects.filter(action="backbone.selected").count() == 1
    record = as_user(world.unit_a_reviewer).get(reverse("person_record", args=[world.member.pk]))
    assert "已选入党务岗位" in record.content.decode()


@pytest.mark.django_db
def test_withdrawing_needs_a_reason_and_a_stale_form_keeps_its_input(
    active_world: World, as_user
) -> None:
    world = active_world
    candidate = _candidate(world)
    client = as_user(world.unit_a_reviewer)
    url = reverse("backbone_candidate", args=[candidate.pk])
    response = client.post(url, {"decision": "withdraw", "on": "2026-07-01", "version": 1})
    assert "请填写撤回理由" in response.content.decode()
    BackboneCandidate.objects.filter(pk=candidate.pk).update(version=2)  # someone saved first
    response = client.post(
        url, {"decision": "withdraw", "on": "2026-07-01", "reason": "本人意愿", "version": 1}
    )
    page = response.content.decode()
    assert "该记录已被他人修改" in page
    assert "本人意愿" in page
    response = client.post(
        url, {"decision": "withdraw", "on": "2026-07-01", "reason": "本人意愿", "version": 2}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.state, candidate.decision_reason) == ("withdrawn", "本人意愿")
    # Decided: no form, and a second decision is refused.
    assert client.get(url).context["form"] is None


# Session, user, posts 3; the units 1; the pool 1; the form's people (rendered) 1; the
# navigation's year and unread count 2.
POOL_QUERIES = 8


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 5])
def test_the_pool_reads_in_a_fixed_number_of_queries(
    as_user, django_assert_num_queries, n: int
) -> None:
    world = make_world()
    world.year = activate_year(world)
    for number in range(n):
        person = UserFactory(birth_date=datetime.date(1997, 1, 1 + number))
        post(person, world.branch_a2, Post.Kind.MEMBER)
        services.backbone_propose(
            actor=world.unit_a_reviewer, person=person, organisation=world.branch_a2, reason="x"
        )
        post(UserFactory(birth_date=datetime.date(1999, 1, 1)), world.branch_a, Post.Kind.MEMBER)
    client = as_user(world.unit_a_reviewer)
    client.get(reverse("backbone_pool"))
    with django_assert_num_queries(POOL_QUERIES):
        response = client.get(reverse("backbone_pool"))
    assert len(response.context["groups"][0].candidates) == n


DECIDE_CASES = [
    pytest.param({"decision": "promote"}, "选择一个有效的选项", id="decision-not-a-choice"),
    pytest.param({"on": "明天"}, "输入一个有效的日期", id="date-words"),
    pytest.param({"on": "2099-01-01"}, "办理日期不能晚于今天", id="date-ahead"),
    pytest.param({"on": "2020-01-01"}, "办理日期不能早于推荐日期", id="date-before-proposal"),
    pytest.param({"organisation": ""}, "请选择党务岗位所在组织", id="organisation-missing"),
    pytest.param({"organisation": "unit B"}, "选择一个有效的选项", id="organisation-outside"),
    pytest.param({"kind": "member"}, "选择一个有效的选项", id="kind-not-party-affairs"),
    pytest.param({"version": "x"}, "页面已过期", id="version-not-a-number"),
    pytest.param({"reason": "长" * 501}, "不超过", id="reason-too-long"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), DECIDE_CASES)
def test_it_refuses_a_bad_decision_and_changes_nothing(
    active_world: World, as_user, overrides: dict, message: str
) -> None:
    world = active_world
    candidate = _candidate(world)
    data = {
        "decision": "select",
        "on": "2026-07-01",
        "organisation": str(world.branch_a2.pk),
        "kind": "cadre_part_time",
        "reason": "经研究",
        "version": "1",
    }
    if overrides.get("organisation") == "unit B":
        overrides = {"organisation": str(world.branch_b.pk)}
    posts = Post.objects.count()
    response = as_user(world.unit_a_reviewer).post(
        reverse("backbone_candidate", args=[candidate.pk]), data | overrides
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.state == BackboneCandidate.State.PROPOSED
    assert Post.objects.count() == posts


@pytest.mark.django_db
def test_it_escapes_markup_in_the_pools_texts(active_world: World, as_user) -> None:
    world = active_world
    markup = "<script>alert(1)</script>"
    candidate = services.backbone_propose(
        actor=world.unit_a_reviewer, person=young(world), organisation=world.branch_a, reason=markup
    )
    for url in (reverse("backbone_pool"), reverse("backbone_candidate", args=[candidate.pk])):
        page = as_user(world.unit_a_reviewer).get(url).content.decode()
        assert markup not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

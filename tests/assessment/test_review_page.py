"""Scoring where one looks (issue #18, item 3): the organisation's pages link to its open
review; the scoring page shows each item's quarter (obligations, late marks, evidence in a side
panel), highlights deductions for the confirmer, offers each button only to who may press it,
shows read-only reasons in full, and reports dispatched tasks apart from the list's 100."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import services
from assessment.models import OrganisationReview
from responsibility import services as core_services
from responsibility.models import Obligation
from tests.assessment.conftest import started_review
from tests.assessment.test_views import add_branches
from tests.factories import World, make_evidence

# Inside the Q2 round (20 June – 20 July 2026): June's 支委会 (due 5 July) is overdue.
IN_ROUND = datetime.datetime(2026, 7, 10, 2, 0, tzinfo=datetime.UTC)
AFTER_ROUND = datetime.datetime(2026, 8, 10, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def in_round():
    with time_machine.travel(IN_ROUND, tick=False):
        yield


def body(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def deduct(world: World, review: OrganisationReview, ref: str, reason: str) -> None:
    row = review.scores.select_related("item").get(item__ref=ref)
    services.review_scores_save(
        actor=world.wc_reviewer,
        review=review,
        version=review.version,
        scores=[services.ScoreInput(row.item_id, row.max_points - 1, reason)],
    )
    review.refresh_from_db()


def submitted(world: World, reason: str = "五月未召开支委会") -> OrganisationReview:
    review = started_review(world)
    deduct(world, review, "ZB-3-02", reason)
    return services.review_transition(actor=world.wc_reviewer, review=review, action="submit")


def branch_meetings(world: World) -> list[Obligation]:
    """Branch A's monthly 支委会 of Q2: April, May, June."""
    return list(
        Obligation.objects.filter(
            organisation=world.branch_a,
            item__ref="ZB-3-02",
            period_start__gte=datetime.date(2026, 4, 1),
            period_end__lte=datetime.date(2026, 6, 30),
        ).order_by("period_start")
    )


# --- the link from the organisation's pages ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_round")
class TestOpenReviewLink:
    def pages(self, world: World) -> list[str]:
        return [
            reverse("checklist_detail", args=[world.branch_a.pk, 2026]),
            reverse("organisation_detail", args=[world.branch_a.pk]),
        ]

    def test_it_offers_to_start_scoring_when_nobody_has(
        self, assessed_world: World, as_user
    ) -> None:
        world = assessed_world
        start = reverse("review_start", args=[world.round.pk, world.branch_a.pk])
        for url in self.pages(world):
            page = body(as_user(world.wc_reviewer), url)
            assert "评分（第2季度检查）" in page
            assert f'action="{start}"' in page

    def test_it_links_the_scorer_then_the_confirmer_to_the_open_review(
        self, assessed_world: World, as_user
    ) -> None:
        world = assessed_world
        review = started_review(world)
        link = f'href="{review.get_absolute_url()}"'
        for url in self.pages(world):
            page = body(as_user(world.wc_reviewer), url)
            assert link in page
            assert "评分（第2季度检查）" in page
        review = submitted(world)
        for url in self.pages(world):
            # The scorer has nothing left to press; the second reviewer confirms.
            assert link not in body(as_user(world.wc_reviewer), url)
            page = body(as_user(world.wc_reviewer2), url)
            assert link in page
            assert "复核（第2季度检查）" in page
        services.review_transition(actor=world.wc_reviewer2, review=review, action="confirm")
        for url in self.pages(world):
            assert link not in body(as_user(world.wc_reviewer2), url)

    @pytest.mark.parametrize("persona", ["officer_a", "member", "liaison"])
    def test_it_shows_no_link_to_people_who_may_not_score(
        self, assessed_world: World, as_user, persona: str
    ) -> None:
        world = assessed_world
        client = as_user(getattr(world, persona))
        for url in self.pages(world):
            assert "第2季度检查）" not in body(client, url)
        started_review(world)
        for url in self.pages(world):
            assert "第2季度检查）" not in body(client, url)

    def test_it_shows_no_link_once_the_round_has_closed(
        self, assessed_world: World, as_user
    ) -> None:
        world = assessed_world
        started_review(world)
        with time_machine.travel(AFTER_ROUND, tick=False):
            for url in self.pages(world):
                assert "第2季度检查）" not in body(as_user(world.wc_reviewer), url)

    def test_it_costs_one_query_for_reviewers_and_stays_flat(
        self, assessed_world: World, client
    ) -> None:
        world = assessed_world
        started_review(world)
        client.force_login(world.wc_reviewer)

        def counts() -> list[int]:
            found = []
            for url in self.pages(world):
                client.get(url)
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                found.append(len(captured))
            return found

        small = counts()
        add_branches(world, 4)
        assert counts() == small


# --- the scoring page ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_round")
class TestScoringPage:
    def test_it_shows_each_items_quarter_with_its_late_marks_and_evidence(
        self, assessed_world: World, as_user
    ) -> None:
        world = assessed_world
        april, may, june = branch_meetings(world)
        Obligation.objects.filter(pk=april.pk).update(
            status="done", completed_on=datetime.date(2026, 5, 9), is_late=True
        )
        Obligation.objects.filter(pk=may.pk).update(
            status="done", completed_on=datetime.date(2026, 6, 2)
        )
        april.evidence.add(make_evidence(world.branch_a, "四月支委会记录.pdf"))
        may.evidence.add(make_evidence(world.branch_a, "五月支委会记录.pdf"))
        review = started_review(world)
        response = as_user(world.wc_reviewer).get(review.get_absolute_url())
        line = next(line for line in response.context["lines"] if line.score.item.ref == "ZB-3-02")
        facts = line.facts
        assert [o.pk for o in facts.obligations] == [april.pk, may.pk, june.pk]
        assert (facts.done, facts.late, facts.missing, facts.evidence) == (2, 1, 1, 2)
        page = response.content.decode()
        assert "逾期完成 1" in page
        assert "逾期未完成 1" in page
        assert f'href="{june.get_absolute_url()}"' in page  # the June chip
        panel = reverse("review_item_evidence", args=[review.pk, line.score.item_id])
        assert f'hx-get="{panel}"' in page
        assert "佐证材料（2）" in page
        assert 'id="evidencePanel"' in page

    def test_it_opens_an_items_evidence_in_a_side_panel(
        self, assessed_world: World, as_user
    ) -> None:
        world = assessed_world
        april, _may, _june = branch_meetings(world)
        evidence = make_evidence(world.branch_a, "四月支委会记录.pdf")
        april.evidence.add(evidence)
        review = started_review(world)
        url = reverse("review_item_evidence", args=[review.pk, april.item_id])
        client = as_user(world.wc_reviewer)
        fragment = client.get(url, headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        text = fragment.content.decode()
        assert "<html" not in text
        assert "四月支委会记录.pdf" in text
        assert f'href="{evidence.get_absolute_url()}"' in text
        assert "逾期完成" not in text
        # Without htmx (a link opened in a new tab) it is a page of its own.
        assert "<html" in body(client, url)
        # An item outside the review's checklist does not exist here.
        other = Obligation.objects.filter(organisation=world.branch_b).first()
        missing = reverse("review_item_evidence", args=[review.pk, other.item_id])
        assert client.get(missing).status_code == 404

    def test_it_highlights_deductions_for_the_confirmer(
        self, assessed_world: World, as_user
    ) -> None:
        world = assessed_world
        review = submitted(world)
        confirmer = body(as_user(world.wc_reviewer2), review.get_absolute_url())
        assert confirmer.count("score-deducted") == 1
        assert "扣 1 分" in confirmer
        scorer = body(as_user(world.wc_reviewer), review.get_absolute_url())
        assert "score-deducted" not in scorer

    def test_it_offers_each_button_only_to_who_may_press_it(
        self, assessed_world: World, as_user
    ) -> None:
        world = assessed_world
        scorer, confirmer = world.wc_reviewer, world.wc_reviewer2
        buttons = {
            "submit": 'name="submit"',
            "confirm": "复核确认</button>",
            "return": "退回评分人</button>",
            "publish": "发布评分</button>",
        }

        def offered(user) -> set[str]:
            page = body(as_user(user), review.get_absolute_url())
            return {action for action, marker in buttons.items() if marker in page}

        def allowed(user) -> set[str]:
            return {a for a in buttons if services.review_may(user, review, a)}

        review = started_review(world)
        deduct(world, review, "ZB-3-02", "五月未召开支委会")
        assert offered(scorer) == allowed(scorer) == {"submit"}
        review = services.review_transition(actor=scorer, review=review, action="submit")
        assert offered(scorer) == allowed(scorer) == set()
        assert offered(confirmer) == allowed(confirmer) == {"confirm", "return"}
        # The rule that hid the button refuses the scorer in the service too.
        with pytest.raises(services.AssessmentError, match="评分人以外"):
            services.review_transition(actor=scorer, review=review, action="confirm")
        review = services.review_transition(actor=confirmer, review=review, action="confirm")
        assert offered(confirmer) == allowed(confirmer) == {"return", "publish"}
        assert offered(scorer) == allowed(scorer) == {"publish"}

    def test_it_shows_read_only_reasons_in_full(self, assessed_world: World, as_user) -> None:
        world = assessed_world
        reason = "五月未召开支委会，" + "会议记录缺少议题和表决情况；" * 30 + "六月补开。"
        assert len(reason) > 400
        review = submitted(world, reason)
        page = body(as_user(world.wc_reviewer2), review.get_absolute_url())
        assert reason in page
        assert " disabled" not in page
        assert 'name="reason_' not in page
        assert 'name="score_' not in page

    def test_it_reports_a_dispatched_task_apart_from_the_lists_100(
        self, assessed_world: World, as_user
    ) -> None:
        world = assessed_world
        core_services.obligations_dispatch(
            actor=world.unit_a_reviewer,
            organisations=[world.branch_a],
            year=world.year,
            ref="JB-01",
            content="报送主题教育总结",
            due_date=datetime.date(2026, 6, 25),
        )
        review = started_review(world)
        deduct(world, review, "ZB-3-02", "五月未召开支委会")
        response = as_user(world.wc_reviewer).get(review.get_absolute_url())
        totals = response.context["totals"]
        assert (totals.score, totals.maximum) == (Decimal(99), Decimal(100))
        assert (totals.dispatched_score, totals.dispatched_maximum) == (Decimal(2), Decimal(2))
        page = response.content.decode()
        assert "当前合计 99 / 100 ＋ 上级交办任务 2 / 2" in page
        assert "/ 102" not in page

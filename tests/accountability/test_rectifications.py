import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accountability import services, sources
from accountability.models import Notification, OutboxMessage, Rectification
from responsibility.models import AuditEntry
from tests.accountability.support import (
    comment_of,
    deduction_of,
    finding_of,
    overdue_obligation_of,
    rectification_of,
)
from tests.factories import PDF_BYTES, World, org

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_june")]

JUNE_15 = datetime.date(2026, 6, 15)


def from_source_url(source_type: str, source_id: int) -> str:
    return f"{reverse('rectification_from_source')}?source_type={source_type}&source_id={source_id}"


def detail(rectification: Rectification) -> Rectification:
    return Rectification.objects.get(pk=rectification.pk)


class TestTheLoop:
    def test_it_walks_every_state_with_a_return_and_a_late_submission(
        self, active_world: World, as_user, django_capture_on_commit_callbacks
    ) -> None:
        world = active_world
        finding = finding_of(world)
        reviewer = as_user(world.unit_a_reviewer)

        # Unit A's reviewer assigns a rectification from the finding (a liaison officer who
        # recorded it may not, domain.md §8a): 待整改.
        page = reviewer.get(from_source_url("finding", finding.pk))
        assert page.status_code == 200
        assert page.context["form"]["problem"].value() == finding.problem
        with django_capture_on_commit_callbacks(execute=True):
            response = reviewer.post(
                reverse("rectification_from_source"),
                {
                    "source_type": "finding",
                    "source_id": finding.pk,
                    "problem": finding.problem,
                    "deadline": "2026-06-20",
                    "responsible_person": world.officer_a.pk,
                },
            )
        rectification = Rectification.objects.get()
        assert response.status_code == 302
        assert response["Location"] == rectification.get_absolute_url()
        assert rectification.state == Rectification.State.PENDING
        assert (rectification.source_type, rectification.source_id) == ("finding", finding.pk)
        assert rectification.organisation == world.branch_a
        assert "督查发现" in rectification.source_label
        assert Notification.objects.filter(recipient=world.officer_a).count() == 1
        assert [m.to for m in mail.outbox] == [[world.officer_a.email]]

        # Branch A's officer reports progress with evidence: 整改中.
        officer = as_user(world.officer_a)
        response = officer.post(
            reverse("rectification_progress", args=[rectification.pk]),
            {
                "version": 1,
                "text": "已补齐会议记录",
                "measures": "建立会议记录台账，每月检查",
                "files": [SimpleUploadedFile("记录.pdf", PDF_BYTES)],
            },
        )
        assert response.status_code == 302
        rectification = detail(rectification)
        assert rectification.state == Rectification.State.IN_PROGRESS
        assert rectification.progress.get().evidence.count() == 1

        # ...submits for verification: 待复查; the reviewers get an email through a task.
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            officer.post(
                reverse("rectification_submit", args=[rectification.pk]),
                {"version": rectification.version},
            )
        rectification = detail(rectification)
        assert rectification.state == Rectification.State.SUBMITTED
        assert [m.to for m in mail.outbox] == [[world.unit_a_reviewer.email]]
        assert OutboxMessage.objects.filter(status="pending").count() == 0

        # The 机关党委 returns it, with a reason: back to 整改中.
        reviewer = as_user(world.unit_a_reviewer)
        response = reviewer.post(
            reverse("rectification_verify", args=[rectification.pk]),
            {"version": rectification.version, "decision": "return", "note": ""},
        )
        assert response.status_code == 200
        assert "退回整改必须说明原因" in response.content.decode()
        assert detail(rectification).state == Rectification.State.SUBMITTED
        reviewer.post(
            reverse("rectification_verify", args=[rectification.pk]),
            {"version": rectification.version, "decision": "return", "note": "缺少整改前后对比"},
        )
        rectification = detail(rectification)
        assert rectification.state == Rectification.State.IN_PROGRESS
        assert rectification.returned_count == 1
        assert rectification.return_reason == "缺少整改前后对比"

        # Past the deadline it shows as 逾期 in the ledger, and a late submission is marked.
        with time_machine.travel(datetime.datetime(2026, 6, 25, 2, tzinfo=datetime.UTC)):
            assert rectification.is_overdue()
            assert rectification.display_state == Rectification.OVERDUE
            overdue = as_user(world.unit_a_reviewer).get(
                reverse("rectification_list"), {"state": "overdue"}
            )
            assert [r.pk for r in overdue.context["ledger"].page.object_list] == [rectification.pk]
            as_user(world.officer_a).post(
                reverse("rectification_submit", args=[rectification.pk]),
                {"version": rectification.version},
            )
        rectification = detail(rectification)
        assert rectification.is_late

        # Verified and closed: 已销号.
        reviewer.post(
            reverse("rectification_verify", args=[rectification.pk]),
            {"version": rectification.version, "decision": "close", "note": "整改到位"},
        )
        rectification = detail(rectification)
        assert rectification.state == Rectification.State.CLOSED
        assert rectification.closed_by == world.unit_a_reviewer
        actions = list(
            AuditEntry.objects.filter(object_type="accountability.rectification")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == [
            "rectification.create",
            "rectification.progress",
            "rectification.submit",
            "rectification.return",
            "rectification.submit",
            "rectification.close",
        ]

    def test_it_derives_overdue_from_deadline_and_state(self, active_world: World) -> None:
        rectification = rectification_of(active_world, deadline=datetime.date(2026, 6, 10))
        assert rectification.is_overdue(JUNE_15)
        assert rectification.display_state_label == "逾期"
        rectification.state = Rectification.State.SUBMITTED
        assert not rectification.is_overdue(JUNE_15)

    def test_it_refuses_a_stale_version_and_keeps_the_input(
        self, active_world: World, as_user
    ) -> None:
        rectification = rectification_of(active_world)
        services.rectification_progress_add(
            actor=active_world.officer_a, rectification=rectification, version=1, text="第一次"
        )
        response = as_user(active_world.officer_a).post(
            reverse("rectification_progress", args=[rectification.pk]),
            {"version": 1, "text": "我写的进展"},
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert "该记录已被他人修改" in text
        assert "我写的进展" in text
        assert detail(rectification).progress.count() == 1

    def test_it_refuses_submitting_without_measures(self, active_world: World) -> None:
        rectification = rectification_of(active_world)
        services.rectification_progress_add(
            actor=active_world.officer_a, rectification=rectification, version=1, text="进展"
        )
        with pytest.raises(services.ServiceError, match="整改措施"):
            services.rectification_submit(
                actor=active_world.officer_a, rectification=rectification, version=2
            )

    def test_it_lets_the_responsible_person_work_even_without_an_officer_post(
        self, active_world: World, as_user
    ) -> None:
        rectification = rectification_of(active_world, person=active_world.member)
        response = as_user(active_world.member).post(
            reverse("rectification_progress", args=[rectification.pk]),
            {"version": 1, "text": "责任人填报"},
        )
        assert response.status_code == 302
        assert detail(rectification).state == Rectification.State.IN_PROGRESS

    def test_it_keeps_the_form_input_on_error(self, active_world: World, as_user) -> None:
        finding = finding_of(active_world)
        response = as_user(active_world.unit_a_reviewer).post(
            reverse("rectification_from_source"),
            {
                "source_type": "finding",
                "source_id": finding.pk,
                "problem": "我填写的问题",
                "deadline": "2026-01-01",
            },
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert "整改期限不能早于今天" in text
        assert "我填写的问题" in text


class TestSources:
    def test_it_resolves_each_registered_source(self, active_world: World) -> None:
        world = active_world
        reviewer = world.unit_a_reviewer
        finding = sources.resolve(reviewer, "finding", finding_of(world).pk)
        obligation = sources.resolve(
            reviewer, "obligation", overdue_obligation_of(world.branch_a).pk
        )
        comment = sources.resolve(reviewer, "review_comment", comment_of(world).pk)
        score = sources.resolve(reviewer, "item_score", deduction_of(world).pk)
        manual = sources.resolve(reviewer, "manual", world.branch_a2.pk)
        assert {s.organisation for s in (finding, obligation, comment, score, manual)} == {
            world.branch_a,
            world.branch_a2,
        }
        assert comment.problem == "支部书记抓党建责任落实不够有力"
        assert score.problem.endswith("扣分：少开1次支部委员会")
        assert "未按期完成" in obligation.problem
        assert {s.year for s in (finding, obligation, comment, score, manual)} == {world.year}

    def test_it_hides_sources_outside_the_scope(self, active_world: World) -> None:
        from django.http import Http404

        with pytest.raises(Http404):
            sources.resolve(active_world.officer_b, "review_comment", comment_of(active_world).pk)
        with pytest.raises(Http404):
            sources.resolve(active_world.admin, "nonsense", 1)

    def test_it_refuses_an_obligation_that_is_not_overdue(
        self, active_world: World, as_user
    ) -> None:
        obligation = (
            overdue_obligation_of(active_world.branch_a)
            .__class__.objects.filter(organisation=active_world.branch_a)
            .order_by("-due_date")
            .first()
        )
        response = as_user(active_world.unit_a_reviewer).get(
            from_source_url("obligation", obligation.pk), follow=True
        )
        assert "该任务未逾期" in response.content.decode()
        assert not Rectification.objects.exists()

    def test_it_opens_the_existing_rectification_instead_of_a_second(
        self, active_world: World, as_user
    ) -> None:
        comment = comment_of(active_world)
        client = as_user(active_world.unit_a_reviewer)
        data = {
            "source_type": "review_comment",
            "source_id": comment.pk,
            "problem": comment.text,
            "deadline": "2026-07-31",
        }
        first = client.post(reverse("rectification_from_source"), data)
        second = client.post(reverse("rectification_from_source"), data)
        assert Rectification.objects.count() == 1
        assert first["Location"] == second["Location"]


class TestLedger:
    def test_it_filters_by_unit_state_overdue_and_source(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        late = rectification_of(world, deadline=datetime.date(2026, 6, 1))
        on_time = rectification_of(world, organisation=world.branch_a2)
        in_b = rectification_of(world, organisation=world.branch_b)
        client = as_user(world.wc_reviewer)
        url = reverse("rectification_list")

        def shown(**query: str) -> set[int]:
            response = client.get(url, query)
            return {r.pk for r in response.context["ledger"].page.object_list}

        assert shown() == {late.pk, on_time.pk, in_b.pk}
        assert shown(unit=str(world.unit_a.pk)) == {late.pk, on_time.pk}
        assert shown(state="overdue") == {late.pk}
        assert shown(state="pending", unit=str(world.unit_b.pk)) == {in_b.pk}
        assert shown(source="finding") == set()
        counts = {c.name: (c.total, c.overdue) for c in client.get(url).context["ledger"].counts}
        assert counts == {"甲厅": (2, 1), "乙厅": (1, 0)}
        officer_b = as_user(world.officer_b).get(url)
        assert {r.pk for r in officer_b.context["ledger"].page.object_list} == {in_b.pk}

    def test_its_page_count_matches_the_list_under_every_filter(self, active_world: World) -> None:
        """The list's length is read off the per-unit counts instead of a COUNT query: it must
        be what the filtered list holds, for every unit and state filter."""
        from accountability import selectors

        world = active_world
        rectification_of(world, deadline=datetime.date(2026, 6, 1))
        rectification_of(world, state="in_progress", deadline=datetime.date(2026, 6, 2))
        rectification_of(world, state="in_progress", organisation=world.branch_a2)
        rectification_of(world, state="submitted")
        rectification_of(world, state="closed", organisation=world.branch_a2)
        rectification_of(world, organisation=world.branch_b)
        rectification_of(world, organisation=world.branch_b, deadline=datetime.date(2026, 6, 3))
        states = ["", *Rectification.State.values, Rectification.OVERDUE]
        seen = set()
        for unit in (None, world.unit_a.pk, world.unit_b.pk):
            for state in states:
                filters = selectors.LedgerFilters(unit=unit, state=state)
                listed = selectors.ledger(world.wc_reviewer, filters).page.paginator.count
                assert listed == selectors.ledger_rows(world.wc_reviewer, filters).count()
                seen.add(listed)
        assert {0, 1, 2, 5, 7} <= seen

    def test_it_lists_work_to_do_first_then_awaiting_verification_then_closed(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        closed = rectification_of(world, state="closed", deadline=datetime.date(2026, 5, 1))
        waiting = rectification_of(world, state="submitted", deadline=datetime.date(2026, 5, 2))
        later = rectification_of(world, deadline=datetime.date(2026, 9, 1))
        overdue = rectification_of(world, deadline=datetime.date(2026, 6, 1))
        working = rectification_of(world, state="in_progress", deadline=datetime.date(2026, 7, 1))
        response = as_user(world.wc_reviewer).get(reverse("rectification_list"))
        shown = [r.pk for r in response.context["ledger"].page.object_list]
        assert shown == [overdue.pk, working.pk, later.pk, waiting.pk, closed.pk]

    def test_it_keeps_the_ledger_query_count_flat(self, active_world: World, as_user) -> None:
        world = active_world
        client = as_user(world.wc_reviewer)
        url = reverse("rectification_list")
        for _ in range(2):
            rectification_of(world)
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        for number in range(6):
            extra = org(f"A-R{number}", "branch", world.organ_a)
            rectification_of(world, organisation=extra, deadline=datetime.date(2026, 6, 1))
            rectification_of(world, organisation=world.branch_b)
        with CaptureQueriesContext(connection) as large:
            response = client.get(url)
        assert len(response.context["ledger"].page.object_list) == 14
        assert len(small) == len(large)

    def test_it_exports_the_ledger_with_formulas_written_as_text(
        self, active_world: World, as_user
    ) -> None:
        rectification = rectification_of(active_world)
        Rectification.objects.filter(pk=rectification.pk).update(
            problem='=HYPERLINK("http://evil")', measures="+1+2"
        )
        response = as_user(active_world.unit_a_reviewer).get(reverse("rectification_export"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = workbook.active
        header = [c.value for c in sheet[1]]
        row = dict(zip(header, sheet[2], strict=True))
        assert row["问题"].value == '=HYPERLINK("http://evil")'
        assert row["问题"].data_type == "s"
        assert row["整改措施"].data_type == "s"
        assert row["责任组织"].value == "甲厅第一党支部"
        assert sheet.max_row == 2

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability import reminders
from accountability.models import (
    Digest,
    DigestItem,
    Notification,
    OutboxMessage,
    Rectification,
    ReminderSettings,
)
from assessment.models import ReviewRound, Scheme
from responsibility.models import Obligation, Organisation, User
from tests.accountability.support import rectification_of
from tests.factories import World

TODAY = datetime.date(2026, 6, 15)
Stage = DigestItem.Stage


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def quiet() -> None:
    """Close out every obligation, so each test opens exactly the ones it reminds of."""
    Obligation.objects.update(status=Obligation.Status.DONE, completed_on=datetime.date(2026, 1, 2))


def due(organisation: Organisation, on: datetime.date, count: int = 1) -> list[Obligation]:
    pks = list(
        Obligation.objects.filter(organisation=organisation, status=Obligation.Status.DONE)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    Obligation.objects.filter(pk__in=pks).update(
        status=Obligation.Status.NOT_STARTED, completed_on=None, due_date=on
    )
    return list(Obligation.objects.filter(pk__in=pks))


def digest_of(user: User) -> Digest:
    return Digest.objects.get(recipient=user, date=TODAY)


def stages_of(user: User) -> set[tuple[str, str]]:
    return {
        (item.object_key.split(":")[0], item.stage)
        for item in DigestItem.objects.filter(digest__recipient=user)
    }


@pytest.fixture
def quiet_year(active_world: World) -> World:
    """The started 2026 year with nothing open: `world` is the same object, year included."""
    quiet()
    return active_world


@pytest.mark.django_db
@pytest.mark.usefixtures("quiet_year")
class TestCollect:
    def test_it_reminds_five_and_one_days_before_and_the_day_after(self, world: World) -> None:
        soon, tomorrow, missed = (
            due(world.branch_a, days(5)),
            due(world.branch_a, days(1)),
            due(world.branch_a, days(-1)),
        )
        due(world.branch_a, days(2))  # no reminder on other days
        due(world.branch_a, days(-2))
        items = reminders.collect(TODAY)
        assert {(i.object_key, i.stage) for i in items} == {
            (f"obligation:{soon[0].pk}", Stage.DUE),
            (f"obligation:{tomorrow[0].pk}", Stage.DUE),
            (f"obligation:{missed[0].pk}", Stage.OVERDUE),
        }
        assert {i.colour for i in items} == {"yellow", "red"}

    def test_it_follows_the_years_settings(self, world: World) -> None:
        ReminderSettings.objects.create(
            year=world.year, due_offsets="7", remind_overdue=False, escalation_days=0
        )
        week = due(world.branch_a, days(7))
        due(world.branch_a, days(5))
        due(world.branch_a, days(-1))
        due(world.branch_a, days(-3))
        assert [i.object_key for i in reminders.collect(TODAY)] == [f"obligation:{week[0].pk}"]

    def test_it_collects_rectifications_review_rounds_and_year_end_reports(
        self, world: World
    ) -> None:
        rectification = rectification_of(world, deadline=days(1), person=world.member)
        ReviewRound.objects.create(year=world.year, quarter=2, opens_on=TODAY, closes_on=days(20))
        Scheme.objects.filter(year=world.year).update(report_deadline=days(5))
        items = reminders.collect(TODAY)
        kinds = {(i.kind, i.stage) for i in items}
        assert ("rectification", Stage.DUE) in kinds
        assert ("review_round", Stage.OPENS) in kinds
        assert ("duty_report", Stage.DUE) in kinds
        rectification_item = next(i for i in items if i.kind == "rectification")
        assert rectification_item.object_key == f"rectification:{rectification.pk}"
        assert rectification_item.person_ids == (world.member.pk,)
        review_orgs = {i.organisation_id for i in items if i.kind == "review_round"}
        assert review_orgs == {world.committee.pk, world.organ_a.pk, world.organ_b.pk}
        report_orgs = {i.organisation_id for i in items if i.kind == "duty_report"}
        assert world.branch_a.pk in report_orgs
        assert world.unit_a.pk not in report_orgs  # a unit has no checklist


@pytest.mark.django_db
@pytest.mark.usefixtures("quiet_year")
class TestSweep:
    def test_it_sends_each_officer_one_digest_listing_everything(self, world: World) -> None:
        due(world.branch_a, days(5), count=2)
        due(world.branch_a, days(-1))
        due(world.branch_b, days(1))
        rectification_of(world, deadline=days(1), person=world.member)
        result = reminders.run(TODAY)
        assert result.digests == 3  # officer_a, officer_b, and the responsible member
        assert stages_of(world.officer_a) == {
            ("obligation", Stage.DUE),
            ("obligation", Stage.OVERDUE),
            ("rectification", Stage.DUE),
        }
        assert DigestItem.objects.filter(digest__recipient=world.officer_a).count() == 4
        assert stages_of(world.member) == {("rectification", Stage.DUE)}
        emails = {m.to[0]: m for m in mail.outbox if "督促提醒" in m.subject}
        assert set(emails) == {u.email for u in (world.officer_a, world.officer_b, world.member)}
        body = emails[world.officer_a.email].body
        assert "【已逾期】" in body
        assert "【即将到期】" in body
        assert "http://127.0.0.1:8000/obligations/" in body
        notification = Notification.objects.get(recipient=world.officer_a, digest__isnull=False)
        assert notification.title == "督促提醒（2026-06-15）：4 项待办，其中 1 项已逾期"
        assert digest_of(world.officer_a).channel == Digest.Channel.INBOX_EMAIL

    def test_it_escalates_to_the_nearest_supervising_reviewers(self, world: World) -> None:
        branch_late = due(world.branch_a, days(-3))
        organ_late = due(world.organ_a, days(-3))
        reminders.run(TODAY)
        # A branch escalates to its 机关党委; the 机关党委 escalates to the working committee.
        assert {
            i.object_key for i in DigestItem.objects.filter(digest__recipient=world.unit_a_reviewer)
        } == {f"obligation:{branch_late[0].pk}"}
        assert {
            i.object_key for i in DigestItem.objects.filter(digest__recipient=world.wc_reviewer)
        } == {f"obligation:{organ_late[0].pk}"}
        assert stages_of(world.unit_a_reviewer) == {("obligation", Stage.ESCALATED)}
        assert not Digest.objects.filter(recipient=world.officer_a).exists()
        assert not Digest.objects.filter(recipient=world.officer_b).exists()
        item = DigestItem.objects.get(digest__recipient=world.unit_a_reviewer)
        assert item.organisation == world.branch_a  # the record stays with the late branch

    def test_it_escalates_after_the_configured_days(self, world: World) -> None:
        ReminderSettings.objects.create(year=world.year, escalation_days=5)
        due(world.branch_a, days(-3))
        late = due(world.branch_a, days(-5))
        reminders.run(TODAY)
        assert [i.object_key for i in DigestItem.objects.all()] == [f"obligation:{late[0].pk}"]
        assert DigestItem.objects.get().digest.recipient == world.unit_a_reviewer

    def test_it_sends_one_digest_per_person_when_run_twice(self, world: World) -> None:
        due(world.branch_a, days(1))
        due(world.branch_b, days(5))
        first = reminders.run(TODAY)
        second = reminders.run(TODAY)
        assert (first.digests, second.digests) == (2, 0)
        assert Digest.objects.count() == 2
        assert DigestItem.objects.count() == 2
        assert Notification.objects.count() == 2
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [world.officer_a.email, world.officer_b.email]
        )

    def test_it_claims_a_digest_only_once(self, world: World) -> None:
        due(world.branch_a, days(1))
        planned = reminders.plan(reminders.collect(TODAY))
        digests = reminders.digests_prepare(planned, TODAY)
        assert len(digests) == 1
        now = datetime.datetime(2026, 6, 15, 0, 30, tzinfo=datetime.UTC)
        assert [d.pk for d in reminders.digests_claim(digests, now=now)] == [digests[0].pk]
        assert reminders.digests_claim(digests, now=now) == []
        assert reminders.digests_prepare(planned, TODAY) == []

    def test_it_keeps_the_work_when_email_fails_and_retries_later(
        self, world: World, settings
    ) -> None:
        settings.EMAIL_BACKEND = "tests.accountability.test_reminders.BrokenBackend"
        due(world.branch_a, days(1))
        reminders.run(TODAY)
        message = OutboxMessage.objects.get()
        assert message.status == OutboxMessage.Status.PENDING
        assert message.attempts == 1
        assert "SMTP" in message.last_error
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert reminders.flush_outbox() == 0  # not due yet: it backs off
        later = message.next_attempt_at + datetime.timedelta(seconds=1)
        from accountability import services

        assert services.outbox_deliver(now=later).sent == 1
        assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
        assert len(mail.outbox) == 1

    def test_it_runs_from_the_command_line_for_a_given_date(self, world: World) -> None:
        due(world.branch_a, days(1))
        from io import StringIO

        out = StringIO()
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
        assert "digests sent 1" in out.getvalue()
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
        assert Digest.objects.count() == 1

    def test_it_keeps_the_query_count_flat_as_obligations_grow(self, world: World) -> None:
        def sweep_queries(day: datetime.date) -> int:
            with CaptureQueriesContext(connection) as captured:
                result = reminders.run(day)
            assert result.digests == 3
            return len(captured)

        due(world.branch_a, days(1), count=2)
        due(world.branch_b, days(5), count=2)
        due(world.branch_a2, days(-3))
        rectification_of(world, deadline=days(1))
        small = sweep_queries(TODAY)
        quiet()
        later = TODAY + datetime.timedelta(days=1)
        due(world.branch_a, later + datetime.timedelta(days=1), count=40)
        due(world.branch_b, later + datetime.timedelta(days=5), count=40)
        due(world.branch_a2, later - datetime.timedelta(days=3), count=30)  # escalations
        for _ in range(10):
            rectification_of(world, deadline=later + datetime.timedelta(days=1))
        assert sweep_queries(later) == small
        assert DigestItem.objects.filter(digest__date=later).count() == 120

    def test_it_fills_one_digest_from_several_partitions(self, world: World, monkeypatch) -> None:
        """Partitions of two items: officer_a hears of six obligations from three partitions,
        gets one digest with all six lines, and a second run stores and sends nothing more."""
        monkeypatch.setattr(reminders, "PARTITION", 2)
        mine = due(world.branch_a, days(1), count=6)
        result = reminders.run(TODAY)
        assert result.items == 6
        digest = digest_of(world.officer_a)
        assert {line.object_key for line in digest.items.all()} == {
            f"obligation:{o.pk}" for o in mine
        }
        (notification,) = Notification.objects.filter(recipient=world.officer_a)
        assert "6 项待办" in notification.title
        assert all(reverse("obligation_detail", args=[o.pk]) in notification.body for o in mine)
        again = reminders.run(TODAY)
        assert again.digests == 0
        assert DigestItem.objects.count() == 6
        assert len(mail.outbox) == 1

    def test_a_digest_left_half_filled_is_completed_by_the_next_sweep(self, world: World) -> None:
        """A sweep that stopped after storing some lines (a killed worker) leaves an unsent
        digest; the next one stores the rest, each line once, and sends it whole."""
        due(world.branch_a, days(1), count=3)
        items = reminders.collect(TODAY)
        reminders.digests_fill(reminders.plan(items[:1]), TODAY)
        assert DigestItem.objects.count() == 1
        result = reminders.run(TODAY)
        assert result.digests == 1
        assert DigestItem.objects.count() == 3
        assert "3 项待办" in Notification.objects.get().title


class BrokenBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def open(self) -> None:
        import smtplib

        raise smtplib.SMTPConnectError(421, "SMTP down")

    def close(self) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise AssertionError("never reached")


# Serialized rollback restores the tiers the migrations seed, which a flush removes.
@pytest.mark.postgres(reason="SQLite allows one writer at a time, so threads cannot race")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_one_digest_per_person_from_concurrent_sweeps(active_world: World) -> None:
    world = active_world
    quiet()
    due(world.branch_a, days(1), count=3)
    due(world.branch_b, days(5))
    due(world.organ_a, days(-3))
    barrier = threading.Barrier(3)
    results: list[reminders.SweepResult] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(reminders.run(TODAY))
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == 3
    assert sum(r.digests for r in results) == 3  # each digest claimed by exactly one sweep
    people = [world.officer_a, world.officer_b, world.wc_reviewer]
    assert sorted(Digest.objects.values_list("recipient_id", flat=True)) == sorted(
        u.pk for u in people
    )
    assert Digest.objects.filter(sent_at__isnull=False).count() == 3
    assert Notification.objects.count() == 3
    assert DigestItem.objects.count() == 5
    digest_mail = [m.to[0] for m in mail.outbox if "督促提醒" in m.subject]
    assert sorted(digest_mail) == sorted(u.email for u in people)


@pytest.mark.django_db
@pytest.mark.usefixtures("quiet_year")
def test_it_shows_the_supervision_record_of_an_organisation(world: World, as_user) -> None:
    due(world.branch_a, days(1))
    due(world.branch_a, days(-3))
    reminders.run(TODAY)
    response = as_user(world.member).get(reverse("supervision_record", args=[world.branch_a.pk]))
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert {(r.digest.recipient, r.stage) for r in rows} == {
        (world.officer_a, Stage.DUE),
        (world.unit_a_reviewer, Stage.ESCALATED),
    }
    text = response.content.decode()
    assert "站内信+邮件" in text
    assert "逾期上报" in text


@pytest.mark.django_db
@pytest.mark.usefixtures("quiet_year")
def test_it_keeps_the_supervision_record_query_count_flat(world: World, as_user) -> None:
    client = as_user(world.admin)
    url = reverse("supervision_record", args=[world.branch_a.pk])
    due(world.branch_a, days(1))
    reminders.run(TODAY)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    quiet()
    due(world.branch_a, days(2), count=15)
    due(world.branch_a, days(-2), count=15)
    reminders.run(days(1))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 31
    assert len(small) == len(large)


def test_it_has_no_rectification_state_outside_the_reminder_rules() -> None:
    assert set(Rectification.OPEN_STATES) == {"pending", "in_progress"}

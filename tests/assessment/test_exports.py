"""The annual results workbook: what it holds, that it never carries formulas, how it is served."""

import datetime
import io
import time
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessment import exports, results, services, tasks
from assessment.models import AnnualResult, ExportJob
from config.celery import app as celery_app
from responsibility import queue
from tests.accountability.test_resilience import HungRedis
from tests.assessment.conftest import publish_scored_review
from tests.factories import World


def published(world: World) -> None:
    publish_scored_review(world, '=HYPERLINK("x")')
    results.results_compute(actor=None, year=world.year)
    results.results_publish(actor=None, year=world.year)


def workbook(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content))


@pytest.mark.django_db
def test_the_exported_workbook_holds_the_published_numbers(assessed_world: World, as_user) -> None:
    world = assessed_world
    published(world)
    response = as_user(world.admin).get(reverse("results_export", args=[2026]))
    assert response.status_code == 200
    book = workbook(response)
    assert book.sheetnames[:2] == ["汇总", "党组（党委）"]
    assert {"事项明细", "加减分", "评议票"} <= set(book.sheetnames)
    summary = book["汇总"]
    assert summary.freeze_panes == "A2"
    header = [c.value for c in summary[1]]
    rows = {
        r[1]: dict(zip(header, r, strict=True))
        for r in summary.iter_rows(min_row=2, values_only=True)
    }
    result = AnnualResult.objects.get(organisation=world.branch_a, is_current=True)
    exported = rows[world.branch_a.name]
    assert exported["综合得分"] == pytest.approx(float(result.composite))
    assert exported["过程监督"] == pytest.approx(float(result.process_score))
    assert exported["等次"] == result.get_grade_display()
    assert exported["二季度"] == pytest.approx(float(result.quarter_scores["2"]["review"]))
    published_at = summary.cell(row=2, column=header.index("发布时间") + 1)
    assert published_at.is_date
    assert published_at.number_format == "yyyy-mm-dd hh:mm"  # the column's, not openpyxl's
    items = book["事项明细"]
    reason_cells = [r[-1] for r in items.iter_rows(min_row=2, values_only=True) if r[-1]]
    assert reason_cells == ['Q2：=HYPERLINK("x")']
    formula_cells = [c for r in items.iter_rows(min_row=2) for c in r if c.data_type == "f"]
    assert formula_cells == []


@pytest.mark.django_db
def test_a_reviewer_exports_only_their_scope(assessed_world: World, as_user) -> None:
    world = assessed_world
    published(world)
    book = workbook(as_user(world.unit_a_reviewer).get(reverse("results_export", args=[2026])))
    names = {r[1] for r in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert names == {world.branch_a.name, world.branch_a2.name}
    assert as_user(world.officer_a).get(reverse("results_export", args=[2026])).status_code == 403


@pytest.mark.django_db
def test_a_large_export_runs_as_a_job_with_progress(
    assessed_world: World, as_user, settings, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    settings.EXPORT_SYNC_LIMIT = 1
    # Build the job in-process whatever broker the run has (the live worker test covers Redis).
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    world = assessed_world
    published(world)
    client = as_user(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("results_export", args=[2026]))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()  # eager Celery ran it on commit
    assert job.status == ExportJob.Status.DONE
    assert job.progress == 100
    page = client.get(job.get_absolute_url()).content.decode()
    assert "下载 Excel" in page
    download = client.get(reverse("export_job_download", args=[job.pk]))
    assert "汇总" in workbook(download).sheetnames
    assert as_user(world.wc_reviewer).get(job.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_command_writes_the_workbook(assessed_world: World, tmp_path) -> None:
    from django.core.management import call_command

    published(assessed_world)
    path = tmp_path / "r.xlsx"
    call_command("export_annual_results", "2026", str(path))
    book = load_workbook(path, read_only=True)
    assert (
        len(list(book["汇总"].iter_rows(min_row=2)))
        == AnnualResult.objects.filter(is_current=True).count()
    )


# --- one enqueue path: a broker outage delays an export, never fails it ------------------------


@pytest.fixture
def hung_broker(settings) -> Iterator[HungRedis]:
    """A Redis that accepts connections and never answers, as the broker of this test."""
    server = HungRedis()
    url = f"redis://127.0.0.1:{server.port}/0"
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    queue.reset()
    yield server
    for key, value in saved.items():
        celery_app.conf[key] = value
    queue.reset()
    server.close()


@pytest.mark.django_db
def test_an_export_waits_out_a_hung_broker_and_is_resumed(
    assessed_world: World, as_user, settings, django_capture_on_commit_callbacks, hung_broker
) -> None:
    settings.EXPORT_SYNC_LIMIT = 1
    world = assessed_world
    published(world)
    client = as_user(world.admin)

    def request_export():
        start = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(reverse("results_export", args=[2026]))
        return time.monotonic() - start, response

    elapsed, response = request_export()
    assert response.status_code == 302
    assert elapsed < 1.5, f"the export request took {elapsed:.2f}s with a hung broker"
    assert hung_broker.connections, "the request did try the broker"
    job = ExportJob.objects.get()
    assert (job.status, job.error) == (ExportJob.Status.PENDING, "")
    assert job.enqueue_failed_at is not None
    assert (
        "任务队列暂不可用，已排队，稍后自动重试"
        in client.get(job.get_absolute_url()).content.decode()
    )
    # The next request skips the broker (cool-down) and waits likewise.
    again, second = request_export()
    assert second.status_code == 302
    assert again < 0.5
    assert ExportJob.objects.filter(status=ExportJob.Status.PENDING).count() == 2

    # Within the minute nothing is resent; later the periodic task sends both (Redis is back:
    # tasks run in-process here) and each is built.
    celery_app.conf.task_always_eager = True
    assert tasks.resume_exports() == 0
    ExportJob.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    assert tasks.resume_exports() == 2
    job.refresh_from_db()
    assert (job.status, job.enqueue_failed_at) == (ExportJob.Status.DONE, None)
    assert "下载 Excel" in client.get(job.get_absolute_url()).content.decode()
    assert tasks.resume_exports() == 0


@pytest.mark.django_db
def test_resuming_stops_at_the_first_failed_enqueue(
    assessed_world: World, settings, monkeypatch
) -> None:
    world = assessed_world
    old = timezone.now() - datetime.timedelta(minutes=5)
    for _ in range(3):
        ExportJob.objects.create(requested_by=world.admin, year=world.year, created_at=old)
    calls: list[int] = []
    monkeypatch.setattr(queue, "enqueue", lambda task, job_id: calls.append(job_id) or False)
    assert services.export_jobs_resume() == 0
    assert len(calls) == 1
    assert ExportJob.objects.filter(enqueue_failed_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_a_job_sent_twice_is_built_once(assessed_world: World, monkeypatch) -> None:
    world = assessed_world
    published(world)
    job = ExportJob.objects.create(requested_by=world.admin, year=world.year)
    built: list[int] = []
    write = exports.write_workbook

    def write_and_meet_a_second_delivery(path, year, organisation_ids, progress=None):
        built.append(job.pk)
        # Another worker receives the same job while this one is building it.
        tasks.build_export(job.pk)
        return write(path, year, organisation_ids, progress=progress)

    monkeypatch.setattr(exports, "write_workbook", write_and_meet_a_second_delivery)
    tasks.build_export(job.pk)
    tasks.build_export(job.pk)  # a redelivery after it finished
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert built == [job.pk]


@pytest.mark.django_db
def test_a_job_left_running_by_a_dead_worker_is_resumed_once_stale(
    assessed_world: World, monkeypatch
) -> None:
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # built in-process here
    world = assessed_world
    published(world)
    now = timezone.now()
    created = now - datetime.timedelta(hours=1)
    dead = ExportJob.objects.create(
        requested_by=world.admin,
        year=world.year,
        created_at=created,
        status=ExportJob.Status.RUNNING,
        started_at=now - ExportJob.STALE_AFTER - datetime.timedelta(seconds=1),
    )
    busy = ExportJob.objects.create(
        requested_by=world.admin,
        year=world.year,
        created_at=created,
        status=ExportJob.Status.RUNNING,
        started_at=now - datetime.timedelta(minutes=2),
    )
    # Eager: resuming sends the dead worker's job, which builds; the busy one is left alone.
    assert services.export_jobs_resume(now=now) == 1
    dead.refresh_from_db()
    busy.refresh_from_db()
    assert dead.status == ExportJob.Status.DONE
    assert busy.status == ExportJob.Status.RUNNING


@pytest.mark.django_db
def test_the_full_health_check_fails_while_an_export_waits_too_long(
    world: World, client, settings
) -> None:
    from responsibility.models import Year

    settings.OUTBOX_FLUSH_SECONDS = 300
    year = Year.objects.create(year=2026)
    job = ExportJob.objects.create(requested_by=world.admin, year=year)

    def waited(seconds: int) -> dict:
        ExportJob.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - datetime.timedelta(seconds=seconds)
        )
        return client.get(reverse("healthz_full"), REMOTE_ADDR="127.0.0.1")

    assert waited(3 * 300 + 30).json()["exports"]["status"] == "ok"
    answer = waited(3 * 300 + 90)
    assert answer.status_code == 503
    assert answer.json()["exports"]["status"] == "error"

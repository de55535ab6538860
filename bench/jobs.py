"""Background-size jobs the benchmark times, each in its own process (bench/job.py), so the
peak RSS it reports (resource.ru_maxrss) is the job's and not the runner's.

A job has an untimed `prepare`, a timed `run` and a `cleanup` that always runs; each phase is
a separate process. Add a job by appending a `Job` to JOBS. The assessment and accountability
jobs (results computation, the annual export beside bare openpyxl, the reminder sweep) live
in bench/assessment_jobs.py, which bench/run.py runs after these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A year number no real data uses: the generation job builds it and deletes it again.
BENCH_YEAR = 2099


@dataclass(frozen=True)
class Job:
    key: str
    title: str
    run: Callable[[], dict[str, Any]]
    prepare: Callable[[], None] | None = None
    cleanup: Callable[[], None] | None = None
    seconds_limit: float | None = None
    rss_mb_limit: float | None = None


def _delete_bench_year() -> None:
    """Raw deletes: the ORM's cascade collector would load 233,500 obligations first."""
    from django.db import connection, transaction

    from responsibility.models import AuditEntry, Checklist, ChecklistItem, Obligation, Year

    year = Year.objects.filter(year=BENCH_YEAR).first()
    if year is None:
        return
    obligations, items, checklists = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Obligation, ChecklistItem, Checklist)
    )
    # Table names come from model metadata; the year is a parameter.
    statements = [
        f"DELETE FROM {obligations} WHERE year_id = %s",  # noqa: S608
        f"DELETE FROM {items} WHERE checklist_id IN "  # noqa: S608
        f"(SELECT id FROM {checklists} WHERE year_id = %s)",
        f"DELETE FROM {checklists} WHERE year_id = %s",  # noqa: S608
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [year.pk])
        AuditEntry.objects.filter(
            object_type=Year._meta.label_lower, object_id=str(year.pk)
        ).delete()
        year.delete()
    # Leave no dead rows behind: the next run's pages would read through them.
    with connection.cursor() as cursor:
        for table in (obligations, items, checklists):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _generation_prepare() -> None:
    from responsibility import services
    from responsibility.models import Year

    _delete_bench_year()
    year = Year.objects.create(year=BENCH_YEAR)
    services.checklists_create(actor=None, year=year)


def _generation_run() -> dict[str, Any]:
    from django.db import transaction

    from responsibility import services
    from responsibility.models import Year

    year = Year.objects.get(year=BENCH_YEAR)
    with transaction.atomic():  # timed to the commit: deferred foreign-key checks run there
        created = services.obligations_generate(year=year)
    return {"obligations": created}


JOBS: list[Job] = [
    Job(
        "obligation_generation",
        "任务生成 obligation generation, whole province",
        run=_generation_run,
        prepare=_generation_prepare,
        cleanup=_delete_bench_year,
        seconds_limit=20,
        rss_mb_limit=150,
    ),
]

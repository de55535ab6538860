"""Writes of the annual results' Excel export jobs: start one, resume the stalled."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from responsibility import queue
from responsibility.models import User, Year
from responsibility.services import (
    audit_record,
)

from ..models import (
    ExportJob,
)

# --- exports -----------------------------------------------------------------------------------


@transaction.atomic
def export_job_start(*, actor: User, year: Year, organisation_ids: list[int]) -> ExportJob:
    """Queue a results workbook; the task is sent after commit and a broker outage fails soft:
    the job stays PENDING and export_jobs_resume sends it again."""
    job = ExportJob.objects.create(
        requested_by=actor, year=year, organisation_ids=sorted(organisation_ids)
    )
    audit_record(
        actor=actor,
        action="export",
        obj=job,
        changes={
            "what": "annual_results",
            "year": year.year,
            "organisations": len(organisation_ids),
        },
    )
    transaction.on_commit(lambda: _enqueue_export(job.pk))
    return job


EXPORT_RESUME_AFTER = datetime.timedelta(minutes=1)
EXPORT_RESUME_BATCH = 100


def _enqueue_export(job_id: int) -> bool:
    """Send the build task through the fail-soft enqueue; if the broker is down or cooling
    down, note it on the job (its page says so) and leave it PENDING for the resume."""
    from ..tasks import build_export

    if queue.enqueue(build_export, job_id):
        return True
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        enqueue_failed_at=timezone.now()
    )
    return False


def export_jobs_resume(*, now: datetime.datetime | None = None) -> int:
    """Send again the jobs still PENDING a minute after they were requested (their enqueue
    failed, or the message was lost with the broker) and those left RUNNING by a dead worker
    (ExportJob.STALE_AFTER). A job sent twice is built once (the claim in
    exports.export_job_run). Stops at the first failed enqueue: the broker is down."""
    now = now or timezone.now()
    pending = ExportJob.objects.filter(
        ExportJob.claimable(now), created_at__lt=now - EXPORT_RESUME_AFTER
    )
    oldest_first = pending.order_by("created_at").values_list("pk", flat=True)
    sent = 0
    for job_id in list(oldest_first[:EXPORT_RESUME_BATCH]):
        if not _enqueue_export(job_id):
            break
        sent += 1
    return sent

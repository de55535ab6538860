"""Thin Celery tasks: ids in, one function call. Sent through responsibility.queue.enqueue."""

from celery import shared_task

from . import exports, services


# No autoretry: a failed build is marked FAILED (exports.export_job_run) and a retried message
# could not claim it again; the user starts a new export. A redelivered message (acks_late, a
# worker lost) finds the job claimed and does nothing.
@shared_task(acks_late=True, ignore_result=True)
def build_export(job_id: int) -> None:
    exports.export_job_run(job_id)


@shared_task(ignore_result=True)
def resume_exports() -> int:
    """Periodic (beat entry "resume-exports"): send again the jobs whose enqueue failed."""
    return services.export_jobs_resume()


@shared_task(ignore_result=True)
def compute_person_results(year_id: int, reason: str = "") -> dict[str, int]:
    """Compute the year's person results (个人抓党建考核) outside a request: the province's
    ~15,000 post-holders (bench/assessment_jobs.py)."""
    from responsibility.models import Year

    from .person_results import person_results_compute

    return person_results_compute(actor=None, year=Year.objects.get(pk=year_id), reason=reason)

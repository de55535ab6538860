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

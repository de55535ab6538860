"""Thin Celery tasks: ids in, one function call."""

from celery import shared_task

from . import exports


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def build_export(job_id: int) -> None:
    exports.export_job_run(job_id)

"""Thin Celery tasks of the core app."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

# Where the worker records beat's last heartbeat; /healthz/full reads it (responsibility.health).
HEARTBEAT_KEY = "celery:heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Beat sends this every HEARTBEAT_SECONDS; a worker running it proves beat → broker → worker.
    Kept in the shared cache (Redis) for a day: a stale value means that path is broken."""
    cache.set(HEARTBEAT_KEY, timezone.now().timestamp(), 24 * 60 * 60)


@shared_task(ignore_result=True)
def media_audit() -> None:
    """Weekly (beat): remove orphan files and stale upload temp files; log what was found."""
    from . import media_audit as audit

    report = audit.audit(delete=True)
    logger.info("media audit: %s", report.summary())


@shared_task(ignore_result=True)
def compute_quality_flags() -> None:
    """Nightly (beat): every quality check over the running years (services.quality)."""
    from . import services
    from .models import Year

    for year in Year.objects.filter(status=Year.Status.ACTIVE):
        report = services.quality_flags_compute(year=year)
        logger.info("quality flags %s: %s", year.year, report)


@shared_task(ignore_result=True)
def refresh_quality_flags(obligation_ids: list[int]) -> None:
    """After an obligation is saved: the checks for the flags touching it."""
    from . import services
    from .models import Year

    for year in Year.objects.filter(obligations__pk__in=obligation_ids).distinct():
        services.quality_flags_refresh(year=year, obligation_ids=obligation_ids)

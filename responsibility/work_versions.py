"""What lets the work queue (我的待办) be kept in memory and still never show stale work.

The queue (accountability/selectors/worklist.py) asks up to ten models what is pending for the
person: one query each, ~45 ms for a committee reviewer of a province against ~10 ms for the
cheapest page. Between two visits those rows rarely change, so each section is kept in the
process's own cache (`caches["person"]`, like the person's posts) under the versions of the
models it reads. The services that change those models call `bump` inside their transaction,
so the new version commits with the change: one query (`stamps`) reads every version on the
next visit, through any worker, and the stale copy is never read again. A change made outside
the services (the admin site, a raw SQL fix) shows after WORK_QUEUE_CACHE_SECONDS at the latest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db.models import F, Model

from .models import WorkVersion

T = TypeVar("T")
_MISSING = object()


def label_of(model: type[Model]) -> str:
    return model._meta.label_lower


def bump(*models: type[Model]) -> None:
    """Call in the transaction of the change: rows of these models changed."""
    for label in sorted({label_of(model) for model in models}):  # one lock order: no deadlock
        if not WorkVersion.objects.filter(label=label).update(version=F("version") + 1):
            WorkVersion.objects.get_or_create(label=label, defaults={"version": 1})


def enabled() -> bool:
    return settings.WORK_QUEUE_CACHE_SECONDS > 0


def stamps(models: Iterable[type[Model]]) -> dict[str, int]:
    """The current version of each model (0 for one never changed): one query."""
    labels = {label_of(model) for model in models}
    found = dict(WorkVersion.objects.filter(label__in=labels).values_list("label", "version"))
    return {label: found.get(label, 0) for label in labels}


def cached(key: str, reads: Iterable[type[Model]], produce: Callable[[], T]) -> T:
    """`produce()`, kept in the process's cache under `key` and the versions of the models it
    reads (one query for the versions, none for the value while they stand): for reads that
    change only with those models, such as what a scope covers of the organisation tree."""
    if not enabled():
        return produce()
    versions = stamps(reads)
    full_key = ":".join([key, *(f"{label}={v}" for label, v in sorted(versions.items()))])
    cache = caches["person"]
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = produce()
        cache.set(full_key, value, settings.WORK_QUEUE_CACHE_SECONDS)
    return value  # type: ignore[return-value]

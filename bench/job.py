"""Run one phase of one job (bench/jobs.py) and print its measurements as JSON.

    python bench/job.py obligation_generation run

`run` reports seconds and the process's peak RSS; the baseline (RSS once Django is loaded and
connected) shows how much of the peak is the job's own.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from django_setup import setup


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(key: str, phase: str) -> None:
    setup()
    from django.db import connection
    from jobs import JOBS

    job = next(j for j in JOBS if j.key == key)
    connection.ensure_connection()
    baseline = rss_mb()
    started = time.perf_counter()
    detail = {}
    if phase == "run":
        detail = job.run()
    elif phase == "prepare" and job.prepare is not None:
        job.prepare()
    elif phase == "cleanup" and job.cleanup is not None:
        job.cleanup()
    seconds = time.perf_counter() - started
    result = {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(rss_mb(), 1),
        "baseline_rss_mb": round(baseline, 1),
        "detail": detail,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:3])

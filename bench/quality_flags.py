"""Province-scale quality flags (质量提示, issue #20.3): how many entries are flagged, and how
long the full computation takes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zerenlian_bench \
        .venv/bin/python bench/quality_flags.py [--runs 2]

Runs against a province seeded with `manage.py seed_demo --scale province` (whose records the
seed makes realistic for the checks; the flags are the nightly task's, computed here). Each
run computes every check over the current year from scratch (`services.quality_flags_compute`:
the nightly task's work) and times each check alone too.
Prints a table: per kind the flags and flagged obligations, the share of filled-in entries
flagged, and seconds. The target is < 60 s for the whole computation (issue #20.3).
"""

from __future__ import annotations

import argparse
import os
import time

import django_setup

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zerenlian_bench"


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-000000000000")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    django_setup.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="full computations to time")
    args = parser.parse_args()
    setup()
    from django.db.models import Count

    from responsibility import services
    from responsibility.models import Obligation, QualityFlag
    from responsibility.quality import checks
    from responsibility.selectors import current_year

    year = current_year()
    assert year is not None, "no current year: seed a province first"
    per_check = {}
    for name in ("same_file", "meeting_date", "similar_text", "attendance", "backdated"):
        start, cpu = time.perf_counter(), time.process_time()
        found = list(getattr(checks, name)(year))
        per_check[name] = (
            len(found),
            time.perf_counter() - start,
            time.process_time() - cpu,
        )
    totals = []
    for _run in range(args.runs):
        QualityFlag.objects.filter(year=year).delete()
        start, cpu = time.perf_counter(), time.process_time()
        report = services.quality_flags_compute(year=year)
        totals.append((time.perf_counter() - start, time.process_time() - cpu))
    entries = Obligation.objects.filter(year=year).exclude(status="not_started").count()
    obligations = Obligation.objects.filter(year=year).count()
    by_kind = dict(
        QualityFlag.objects.filter(year=year)
        .values_list("kind")
        .annotate(n=Count("obligation", distinct=True))
    )
    flagged = QualityFlag.objects.filter(year=year).values("obligation").distinct().count()
    print(f"year {year.year}: {obligations:,} obligations, {entries:,} filled in (not 未开始)")
    print(os.getloadavg() and f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'check':<14}{'flags':>8}{'entries':>9}{'share':>9}{'seconds':>9}{'py cpu':>8}")
    for name, (count, seconds, cpu) in per_check.items():
        n = by_kind.get(name, 0)
        print(f"{name:<14}{count:>8,}{n:>9,}{100 * n / entries:>8.2f}%{seconds:>9.2f}{cpu:>8.2f}")
    seconds, cpu = min(totals)
    print(
        f"{'all (stored)':<14}{report.found:>8,}{flagged:>9,}{100 * flagged / entries:>8.2f}%"
        f"{seconds:>9.2f}{cpu:>8.2f}   (best of {len(totals)} runs; seconds are wall time, "
        "py cpu the Python process's own)"
    )


if __name__ == "__main__":
    main()

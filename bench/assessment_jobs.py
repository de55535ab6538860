"""Province-scale timings of the assessment and accountability jobs (issues #4, #5, #6, #19):
the organisation results, the person results, the annual export, the reminder sweep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zerenlian_bench \
        .venv/bin/python bench/assessment_jobs.py

Runs against the province that `bench/run.py` seeds. Each phase runs in its own process so its
peak RSS is its own. Prints a table and writes bench/results_assessment.json with a `targets`
object like bench/results.json.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import django_setup
from job import rss_mb

ROOT = django_setup.ROOT
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zerenlian_bench"


def setup() -> None:
    # Defaults for running this file alone; under bench/run.py the environment has them.
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-000000000000")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    django_setup.setup()


def phase_compute() -> dict[str, float]:
    from assessment import results
    from responsibility.selectors import current_year

    year = current_year()
    start = time.perf_counter()
    counts = results.results_compute(actor=None, year=year, reason="benchmark")
    return {"seconds": time.perf_counter() - start, "peak_mb": rss_mb(), **counts}


def phase_person_compute() -> dict[str, float]:
    """The year's person results (个人抓党建考核, #19.3) computed from nothing, as at their
    first computation: the year's stored ones are deleted first (untimed), and the whole is
    rolled back, so the benchmark database keeps its published results."""
    from django.db import connection, transaction

    from assessment import person_results
    from assessment.models import PersonResult
    from responsibility.selectors import current_year

    year = current_year()
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with transaction.atomic():
        PersonResult.objects.filter(year=year).delete()
        start = time.perf_counter()
        with connection.execute_wrapper(count):
            counts = person_results.person_results_compute(
                actor=None, year=year, reason="benchmark"
            )
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return {"seconds": seconds, "peak_mb": rss_mb(), "queries": queries, **counts}


def phase_export(path: str) -> dict[str, float]:
    from assessment import exports
    from assessment.models import AnnualResult
    from responsibility.selectors import current_year

    year = current_year()
    ids = list(
        AnnualResult.objects.filter(year=year, is_current=True).values_list(
            "organisation_id", flat=True
        )
    )
    start = time.perf_counter()
    rows = exports.write_workbook(Path(path), year, ids)
    return {"seconds": time.perf_counter() - start, "peak_mb": rss_mb(), "item_rows": rows}


STYLE_PARTS = (
    ("font", "fontId"),
    ("fill", "fillId"),
    ("border", "borderId"),
    ("alignment", "alignmentId"),
    ("protection", "protectionId"),
)
# openpyxl gives a plain date or datetime value these formats by itself.
OWN_FORMATS = {datetime.datetime: "yyyy-mm-dd h:mm:ss", datetime.date: "yyyy-mm-dd"}


def _style_of(cell: Any) -> tuple[tuple[str, Any], ...]:
    """The style attributes a writer must set to reproduce a read cell's style."""
    plain = cell.parent.parent._cell_styles[0]
    style = cell.style_array
    attributes = tuple(
        (name, getattr(cell, name))
        for name, field in STYLE_PARTS
        if getattr(style, field) != getattr(plain, field)
    )
    if style.quotePrefix:
        attributes += (("quotePrefix", True),)
    if cell.number_format not in ("General", OWN_FORMATS.get(type(cell.value))):
        attributes += (("number_format", cell.number_format),)
    return attributes


def _read_cells(path: str) -> list[tuple[str, list[list[Any]]]]:
    """Each sheet's rows: a plain value where one will do, else (value, as_text, style)."""
    from openpyxl import load_workbook

    source = load_workbook(path, read_only=True)
    sheets = []
    for worksheet in source:
        styles: dict[int, tuple[tuple[str, Any], ...]] = {}
        rows = []
        for row in worksheet.iter_rows():
            values = []
            for cell in row:
                value = cell.value
                style: tuple[tuple[str, Any], ...] = ()
                if value is not None and cell.has_style:
                    if cell._style_id not in styles:
                        styles[cell._style_id] = _style_of(cell)
                    style = styles[cell._style_id]
                # Text that would read as a formula must be marked as text, as the export does.
                as_text = isinstance(value, str) and value.startswith("=")
                values.append((value, as_text, style) if style or as_text else value)
            rows.append(values)
        sheets.append((worksheet.title, rows))
    source.close()
    return sheets


def phase_bare(path: str) -> dict[str, float]:
    """Bare openpyxl write_only writing the very cells of the export (read first, untimed).

    Same values, number formats, header styles and text-not-formula cells: a cell that needs
    a style or must stay text is a WriteOnlyCell (openpyxl's way), any other a plain value.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    sheets = _read_cells(path)
    start = time.perf_counter()
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            cells = []
            for value in row:
                if type(value) is tuple:
                    value, as_text, style = value
                    value = WriteOnlyCell(sheet, value=value)
                    if as_text:
                        value.data_type = "s"
                    for name, attribute in style:
                        setattr(value, name, attribute)
                cells.append(value)
            sheet.append(cells)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        book.save(handle.name)
    return {
        "seconds": time.perf_counter() - start,
        "cells": sum(len(r) * len(r[0] or []) for _, r in sheets if r),
    }


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def phase_sweep() -> dict[str, float]:
    from django.db import connection, transaction

    from accountability import reminders
    from responsibility.models import Obligation

    # The day five days before the next due date, so the sweep has a full load of reminders.
    next_due = (
        Obligation.objects.filter(status__in=Obligation.OPEN_STATUSES, due_date__gte=today())
        .order_by("due_date")
        .values_list("due_date", flat=True)
        .first()
    )
    day = next_due - datetime.timedelta(days=5)
    start = time.perf_counter()
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # Counted, not captured: CaptureQueriesContext keeps every statement's text, and the
    # sweep's bulk inserts of a province's digest lines are megabytes of it (measured on the
    # province: 229 MB peak captured).
    with connection.execute_wrapper(count), transaction.atomic():
        result = reminders.run(day, deliver=False)
        transaction.set_rollback(True)  # leave the benchmark database as it was
    return {
        "seconds": time.perf_counter() - start,
        "peak_mb": rss_mb(),
        "queries": queries,
        "items": result.items,
        "digests": result.digests,
        "date": day.isoformat(),
    }


def run_phase(name: str, *args: str) -> dict[str, Any]:
    """One phase in its own process. The growth runs (bench/run.py --growth) bound each phase
    by BENCH_PHASE_TIMEOUTS ({"export": seconds, …}): past it the phase is stopped — and its
    query too, through PostgreSQL's statement_timeout — and reported as timed out, since a
    job that takes that long has already failed its growth limit."""
    timeout = json.loads(os.environ.get("BENCH_PHASE_TIMEOUTS") or "{}").get(name)
    env = dict(os.environ)
    if timeout:
        options = env.get("PGOPTIONS", "")
        env["PGOPTIONS"] = f"{options} -c statement_timeout={int(timeout * 1000)}".strip()
    try:
        out = subprocess.run(
            [sys.executable, __file__, name, *args],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
            timeout=timeout + 30 if timeout else None,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": timeout, "timed_out": True}
    except subprocess.CalledProcessError as exc:
        if timeout and "statement timeout" in exc.stderr:
            return {"seconds": timeout, "timed_out": True}
        sys.stderr.write(exc.stderr)
        raise
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "export.xlsx")
        compute = run_phase("compute")
        person_compute = run_phase("person_compute")
        export = run_phase("export", path)
        # Bare openpyxl writes the export's cells: nothing to write when the export timed out.
        bare = {"seconds": None} if export.get("timed_out") else run_phase("bare", path)
    sweep = run_phase("sweep")
    ratio = export["seconds"] / bare["seconds"] if bare["seconds"] else None
    targets: dict[str, dict[str, Any]] = {
        "results_compute.seconds": {"value": _rounded(compute["seconds"], 1), "limit": 60},
        "person_results_compute.seconds": {
            "value": _rounded(person_compute["seconds"], 1),
            "limit": 60,
        },
        "export.ratio_to_bare_openpyxl": {"value": _rounded(ratio, 2), "limit": 1.2},
        "export.peak_rss_mb": {"value": _rounded(export.get("peak_mb"), 1), "limit": 100},
        "sweep.seconds": {"value": _rounded(sweep["seconds"], 1), "limit": 20},
    }
    for phase, key in (
        (compute, "results_compute.seconds"),
        (person_compute, "person_results_compute.seconds"),
        (sweep, "sweep.seconds"),
    ):
        if phase.get("timed_out"):
            targets[key]["value"] = None
    for target in targets.values():
        target["met"] = target["value"] is not None and target["value"] <= target["limit"]
    report = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_average": os.getloadavg(),
        "results_compute": compute,
        "person_results_compute": person_compute,
        "export": export,
        "bare_openpyxl": bare,
        "sweep": sweep,
        "targets": targets,
    }
    # The growth runs (bench/run.py --growth) keep each size's figures apart.
    output = Path(
        os.environ.get("BENCH_ASSESSMENT_RESULTS", ROOT / "bench" / "results_assessment.json")
    )
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"{'target':34} {'value':>10} {'limit':>8}  met")
    for name, target in targets.items():
        print(f"{name:34} {target['value']!s:>10} {target['limit']:>8}  {target['met']}")
    if not export.get("timed_out"):
        print(
            f"export: {export['item_rows']} item rows in {export['seconds']:.1f} s; "
            f"bare openpyxl {bare['seconds']:.1f} s; sweep {sweep.get('queries')} queries"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        setup()
        phases = {
            "compute": phase_compute,
            "person_compute": phase_person_compute,
            "export": phase_export,
            "bare": phase_bare,
            "sweep": phase_sweep,
        }
        print(json.dumps(phases[sys.argv[1]](*sys.argv[2:]), default=str))
    else:
        main()

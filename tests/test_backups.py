"""Backups restore: dumpdata/loaddata (any database), pg_dump/pg_restore (PostgreSQL), and the
evidence files under MEDIA_ROOT. The procedure is in the README's "Security and operations"."""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from responsibility import services
from responsibility.models import AuditEntry, Evidence, MeetingRecord, Obligation, Opinion
from tests.factories import World, make_evidence, make_world

# Tables whose row counts a restore drill compares (the README lists the same).
KEY_TABLES = [
    "responsibility_organisation",
    "responsibility_user",
    "responsibility_post",
    "responsibility_checklist",
    "responsibility_checklistitem",
    "responsibility_obligation",
    "responsibility_obligation_evidence",
    "responsibility_meetingrecord",
    "responsibility_evidence",
    "responsibility_opinion",
    "responsibility_auditentry",
]
DUMP_EXCLUDES = ["contenttypes", "auth.permission", "sessions"]


def seed() -> World:
    """A started year with filled, late, not-applicable and reopened obligations, evidence and
    an opinion: each kind of row a restore must bring back."""
    world = make_world()
    today = timezone.localdate()
    year = services.year_create(actor=world.admin, year=today.year)
    services.year_activate(actor=world.admin, year=year)
    world.year = year
    open_now = Obligation.objects.filter(
        organisation=world.branch_a, period_start__lte=today, due_date__gte=today
    ).select_related("item", "year")
    meeting = open_now.filter(item__is_meeting=True).first()
    services.obligation_fill(
        actor=world.officer_a,
        obligation=meeting,
        version=meeting.version,
        status=Obligation.Status.DONE,
        completed_on=today,
        description="按时召开",
        meeting=services.MeetingInput(
            held_on=today, topic="支委会", expected_count=2, attended_count=2, minutes="纪要"
        ),
        evidence=[make_evidence(world.branch_a, "会议记录.pdf")],
    )
    other = open_now.filter(item__is_meeting=False).first()
    services.obligation_fill(
        actor=world.officer_a,
        obligation=other,
        version=other.version,
        status=Obligation.Status.NOT_APPLICABLE,
        completed_on=None,
        description="",
        na_reason="本期无此项工作",
    )
    overdue = (
        Obligation.objects.filter(organisation=world.branch_a, due_date__lt=today)
        .select_related("year")
        .first()
    )
    if overdue is not None:
        services.obligation_reopen(actor=world.unit_a_reviewer, obligation=overdue, reason="补录")
    services.opinion_submit(
        actor=world.officer_a, organisation=world.branch_a, year=year, content="建议"
    )
    make_evidence(world.branch_b, "乙厅材料.pdf")
    return world


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def obligation_states() -> dict[int, tuple[Any, ...]]:
    return {
        row[0]: row[1:]
        for row in Obligation.objects.values_list(
            "pk", "status", "completed_on", "is_late", "reopened_until", "version"
        )
    }


def evidence_digests() -> dict[str, str]:
    return {e.file.name: e.sha256 for e in Evidence.objects.all()}


@pytest.mark.django_db
def test_it_restores_a_dumpdata_backup_and_the_media_folder(tmp_path: Path) -> None:
    seed()
    counts, states, digests = row_counts(), obligation_states(), evidence_digests()
    assert counts["responsibility.MeetingRecord"] == 1
    assert Obligation.objects.filter(status="not_applicable").exists()

    dump = tmp_path / "backup.json"
    call_command(
        "dumpdata",
        natural_foreign=True,
        exclude=DUMP_EXCLUDES,
        indent=None,
        output=str(dump),
        verbosity=0,
    )
    media = Path(settings.MEDIA_ROOT)
    archive = tmp_path / "media.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(media, arcname="media")

    # Disaster: the database and the media folder are gone.
    if connection.vendor == "postgresql":
        # The test runs in a transaction; TRUNCATE refuses tables with deferred FK checks pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # back to deferred, as loaddata expects
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    shutil.rmtree(media)
    assert Obligation.objects.count() == 0

    call_command("loaddata", str(dump), verbosity=0)
    with tarfile.open(archive) as tar:
        tar.extractall(media.parent, filter="data")

    assert row_counts() == counts
    assert obligation_states() == states
    assert MeetingRecord.objects.get().attended_count == 2
    assert Opinion.objects.get().content == "建议"
    assert AuditEntry.objects.filter(action="obligation.reopen").count() == len(
        [s for s in states.values() if s[3] is not None]
    )
    for name, sha256 in digests.items():
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == sha256


def psql(*args: str, database: str = "postgres") -> str:
    params = connection.settings_dict
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    command = [
        "psql",
        "-X",
        "-q",
        "-tA",
        "-v",
        "ON_ERROR_STOP=1",
        *connection_args(),
        "-d",
        database,
        *args,
    ]
    return subprocess.run(  # noqa: S603 - fixed program, arguments built here
        command, env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout


def connection_args() -> list[str]:
    params = connection.settings_dict
    args = ["-h", params.get("HOST") or "127.0.0.1", "-p", str(params.get("PORT") or 5432)]
    if params.get("USER"):
        args += ["-U", params["USER"]]
    return args


def table_counts(database: str) -> dict[str, int]:
    query = " UNION ALL ".join(
        f"SELECT '{t}', count(*) FROM {t}"  # noqa: S608 - table names are the constants above
        for t in KEY_TABLES
    )
    rows = psql("-c", query, database=database).strip().splitlines()
    return {name: int(count) for name, count in (row.split("|") for row in rows)}


@pytest.mark.postgres(reason="the pg_dump/pg_restore drill")
@pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")),
    reason="pg_dump/pg_restore drill needs the PostgreSQL client tools on PATH",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_restores_a_pg_dump_into_a_scratch_database(tmp_path: Path) -> None:
    seed()  # committed: pg_dump reads from another connection
    source = connection.settings_dict["NAME"]
    scratch = f"{source}_restore_{os.getpid()}_{datetime.datetime.now(datetime.UTC):%H%M%S}"
    dump = tmp_path / "zerenlian.dump"
    env = {**os.environ}
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(connection.settings_dict["PASSWORD"])
    subprocess.run(  # noqa: S603 - fixed program
        ["pg_dump", "-Fc", "--no-owner", *connection_args(), "-f", str(dump), source],  # noqa: S607
        env=env,
        check=True,
        timeout=300,
    )
    psql("-c", f'CREATE DATABASE "{scratch}"')
    try:
        subprocess.run(  # noqa: S603 - fixed program
            [  # noqa: S607
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                *connection_args(),
                "-d",
                scratch,
                str(dump),
            ],
            env=env,
            check=True,
            timeout=300,
        )
        restored = table_counts(scratch)
        assert restored == table_counts(source)
        assert restored["responsibility_obligation"] == Obligation.objects.count() > 0
        statuses = "SELECT status, count(*) FROM responsibility_obligation GROUP BY 1 ORDER BY 1"
        assert psql("-c", statuses, database=scratch) == psql("-c", statuses, database=source)
    finally:
        psql("-c", f'DROP DATABASE IF EXISTS "{scratch}"')

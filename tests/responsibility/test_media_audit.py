"""`manage.py media_audit`: each kind of disagreement is found; --delete removes only orphans."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from responsibility import media_audit, tasks
from responsibility.models import Evidence, Obligation
from tests.factories import PDF_BYTES, World, make_evidence

DAY_AGO = time.time() - 2 * 24 * 3600


def aged(name: str) -> str:
    """Make a stored file look two days old (as a killed worker's file would be)."""
    os.utime(default_storage.path(name), (DAY_AGO, DAY_AGO))
    return name


@pytest.fixture
def temp_dir(settings, tmp_path) -> Path:
    folder = tmp_path / "upload-tmp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = folder
    return folder


@pytest.fixture
def mess(active_world: World, temp_dir: Path) -> dict[str, object]:
    """One good attached evidence file and one of each problem."""
    obligation = Obligation.objects.filter(organisation=active_world.branch_a).first()
    good = make_evidence(active_world.branch_a, "好的.pdf")
    gone = make_evidence(active_world.branch_a, "丢失.pdf")
    resized = make_evidence(active_world.branch_a, "大小.pdf")
    altered = make_evidence(active_world.branch_a, "篡改.pdf")
    detached = make_evidence(active_world.branch_a, "无人引用.pdf")
    obligation.evidence.add(good, gone, resized, altered)
    default_storage.delete(gone.file.name)
    Evidence.objects.filter(pk=resized.pk).update(size=resized.size + 1)
    with default_storage.open(altered.file.name, "wb") as handle:
        handle.write(PDF_BYTES.replace(b"1.4", b"1.5"))
    orphans = [
        aged(default_storage.save("evidence/2026/06/killed-worker.pdf", ContentFile(PDF_BYTES))),
        aged(default_storage.save("accountability/2026/06/doc.pdf", ContentFile(PDF_BYTES))),
        aged(default_storage.save("exports/2026/06/results.xlsx", ContentFile(b"PK"))),
    ]
    fresh = default_storage.save("evidence/2026/06/being-committed.pdf", ContentFile(PDF_BYTES))
    stale_import = aged(default_storage.save(f"imports/{'a' * 32}.xlsx", ContentFile(b"PK")))
    fresh_import = default_storage.save(f"imports/{'b' * 32}.xlsx", ContentFile(b"PK"))
    elsewhere = aged(default_storage.save("backups/keep.txt", ContentFile(b"not ours")))
    stale_temp = temp_dir / "tmpabc.upload.pdf"
    stale_temp.write_bytes(b"%PDF half")
    os.utime(stale_temp, (DAY_AGO, DAY_AGO))
    fresh_temp = temp_dir / "tmpdef.upload.pdf"
    fresh_temp.write_bytes(b"%PDF still coming")
    Evidence.objects.filter(pk=detached.pk).update(uploaded_at="2026-01-01T00:00:00Z")
    return {
        "good": good,
        "gone": gone,
        "resized": resized,
        "altered": altered,
        "detached": detached,
        "orphans": orphans,
        "fresh": fresh,
        "stale_import": stale_import,
        "fresh_import": fresh_import,
        "elsewhere": elsewhere,
        "stale_temp": stale_temp,
        "fresh_temp": fresh_temp,
    }


def found(report: media_audit.Report) -> set[tuple[str, str]]:
    return {(p.kind, p.name) for p in report.problems}


@pytest.mark.django_db
def test_it_finds_each_kind_of_problem_and_nothing_else(mess) -> None:
    report = media_audit.audit()
    assert found(report) == {
        ("missing", mess["gone"].file.name),
        ("size", mess["resized"].file.name),
        ("sha256", mess["altered"].file.name),
        ("detached", mess["detached"].file.name),
        *(("orphan", name) for name in mess["orphans"]),
        ("import", mess["stale_import"]),
        ("temp", str(mess["stale_temp"])),
    }
    assert report.deleted == []
    assert all(default_storage.exists(name) for name in mess["orphans"])
    assert mess["stale_temp"].exists()


@pytest.mark.django_db
def test_delete_removes_only_what_no_row_references(mess) -> None:
    rows = Evidence.objects.count()
    report = media_audit.audit(delete=True)
    assert sorted(report.deleted) == sorted(
        [*mess["orphans"], mess["stale_import"], str(mess["stale_temp"])]
    )
    assert not any(default_storage.exists(name) for name in mess["orphans"])
    assert not default_storage.exists(mess["stale_import"])
    assert not mess["stale_temp"].exists()
    # Rows and every file a row names stay; so do recent files and other folders.
    assert Evidence.objects.count() == rows
    for key in ("good", "resized", "altered", "detached"):
        assert default_storage.exists(mess[key].file.name), key
    for name in (mess["fresh"], mess["fresh_import"], mess["elsewhere"]):
        assert default_storage.exists(name), name
    assert mess["fresh_temp"].exists()
    again = media_audit.audit()
    assert {p.kind for p in again.problems} == {"missing", "size", "sha256", "detached"}


@pytest.mark.django_db
def test_delete_spares_a_file_a_row_came_to_reference_since_the_scan(
    mess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is asked again just before each delete."""
    adopted = mess["orphans"][0]
    real = media_audit._check_rows

    def then_adopt(column, stored, report):
        used = real(column, stored, report)
        if column.model is Evidence:
            Evidence.objects.filter(pk=mess["detached"].pk).update(file=adopted)
        return used

    monkeypatch.setattr(media_audit, "_check_rows", then_adopt)
    report = media_audit.audit(delete=True)
    assert ("orphan", adopted) in found(report)
    assert adopted not in report.deleted
    assert default_storage.exists(adopted)


@pytest.mark.django_db
def test_older_than_zero_counts_fresh_files_too(mess) -> None:
    import datetime

    report = media_audit.audit(older_than=datetime.timedelta(0))
    names = found(report)
    assert ("orphan", mess["fresh"]) in names
    assert ("import", mess["fresh_import"]) in names
    assert ("temp", str(mess["fresh_temp"])) in names


@pytest.mark.django_db
def test_the_command_is_a_dry_run_unless_told_to_delete(mess) -> None:
    out = io.StringIO()
    call_command("media_audit", stdout=out)
    text = out.getvalue()
    for label in ("无记录的文件", "文件缺失", "大小不符", "SHA-256 不符", "过期的上传临时文件"):
        assert label in text
    assert "试运行" in text
    assert all(default_storage.exists(name) for name in mess["orphans"])
    out = io.StringIO()
    call_command("media_audit", "--delete", stdout=out)
    assert "已删除 5 个文件" in out.getvalue()
    assert not any(default_storage.exists(name) for name in mess["orphans"])


@pytest.mark.django_db
def test_a_clean_installation_reports_nothing(active_world: World, temp_dir: Path) -> None:
    obligation = Obligation.objects.filter(organisation=active_world.branch_a).first()
    obligation.evidence.add(make_evidence(active_world.branch_a))
    out = io.StringIO()
    call_command("media_audit", "--older-than", "0", stdout=out)
    assert "没有发现问题" in out.getvalue()


@pytest.mark.django_db
def test_the_weekly_task_deletes_orphans(mess, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="responsibility.tasks"):
        tasks.media_audit()
    assert not any(default_storage.exists(name) for name in mess["orphans"])
    assert "orphan 3" in caplog.text
    assert "deleted 5" in caplog.text


def test_it_walks_every_file_field_of_every_model() -> None:
    labels = {column.label for column in media_audit.file_columns()}
    assert {
        "responsibility.Evidence.file",
        "accountability.AccountabilityCase.document",
        "assessment.ExportJob.file",
    } <= labels
    assert {c.folder for c in media_audit.file_columns()} >= {
        "evidence",
        "accountability",
        "exports",
    }

"""Files and rows that disagree: what a crash, a lost disk or a bug left behind.

`audit()` compares every FileField of every installed model with the default storage (local
disk or S3, through Django's storage API only) and the upload temp folder (local, always):

- orphan     a stored file under an upload folder that no row names (a worker killed between
             storing and committing, a row deleted without its file);
- missing    a row whose file is not in storage;
- size / sha256  a row with `size`/`sha256` columns (evidence) whose file differs from them;
- temp       a file in FILE_UPLOAD_TEMP_DIR untouched for an hour (a request killed mid-upload);
- import     a stashed spreadsheet under `imports/` nobody confirmed within a day;
- detached   an evidence row that nothing refers to (reported only: it is still offered for
             reuse by its organisation, and rows are never deleted here).

`delete=True` removes orphans, stale temp files and stale imports: files no row references.
It never deletes a row, and never a file a row names. Recent files are left alone (a fill-in
may be storing them in a transaction not yet committed): `older_than` sets how recent.
`manage.py media_audit` and the weekly beat task (responsibility.tasks.media_audit) call it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

DEFAULT_AGE = datetime.timedelta(hours=1)
IMPORT_AGE = datetime.timedelta(days=1)  # as responsibility/views/checklist_excel.STASH_MAX_AGE
IMPORT_DIR = "imports"

KINDS = {
    "orphan": "无记录的文件",
    "missing": "文件缺失",
    "size": "大小不符",
    "sha256": "SHA-256 不符",
    "temp": "过期的上传临时文件",
    "import": "过期的导入暂存文件",
    "detached": "未被引用的佐证材料（仅报告）",
}
REMOVABLE = {"orphan", "temp", "import"}


@dataclass(frozen=True)
class Problem:
    kind: str  # a key of KINDS
    name: str  # storage name, or a temp file's path
    detail: str = ""
    storage: Storage | None = field(default=None, compare=False, repr=False)

    @property
    def removable(self) -> bool:
        return self.kind in REMOVABLE


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p.kind == kind)

    def summary(self) -> str:
        counts = ", ".join(f"{kind} {self.count(kind)}" for kind in KINDS)
        return f"{counts}; deleted {len(self.deleted)}, failed {len(self.failed)}"


@dataclass(frozen=True)
class _FileColumn:
    model: type[models.Model]
    field: models.FileField

    @property
    def folder(self) -> str:
        """The fixed top folder of upload_to ("evidence/%Y/%m/" → "evidence"); "" if none."""
        upload_to = self.field.upload_to
        if callable(upload_to):
            return ""
        return str(upload_to).split("/", 1)[0] if "/" in str(upload_to) else ""

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"


def file_columns() -> list[_FileColumn]:
    """Every concrete FileField (ImageField included) of every installed model."""
    return [
        _FileColumn(model, f)
        for model in apps.get_models()
        if not model._meta.proxy
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField) and f.concrete
    ]


def walk(storage: Storage, folder: str) -> Iterator[str]:
    """Every file name under `folder`, recursively, through the storage API."""
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from walk(storage, f"{folder}/{directory}")


def _older(storage: Storage, name: str, cutoff: datetime.datetime) -> bool:
    try:
        return storage.get_modified_time(name) < cutoff
    except (FileNotFoundError, NotImplementedError):
        return False


def _sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in handle.chunks():
            digest.update(chunk)
    return digest.hexdigest()


def _check_rows(column: _FileColumn, stored: set[str], report: Report) -> set[str]:
    """Report the column's rows whose file is missing or differs; return the names it uses."""
    storage = column.field.storage
    names = {f.name for f in column.model._meta.concrete_fields}
    checks = [c for c in ("size", "sha256") if c in names]
    used: set[str] = set()
    checked: dict[str, tuple[int, str] | None] = {}  # demo rows share files: read each once
    rows = (
        column.model._default_manager.exclude(**{column.field.attname: ""})
        .exclude(**{f"{column.field.attname}__isnull": True})
        .order_by("pk")
        .values_list("pk", column.field.attname, *checks)
    )
    for pk, name, *expected in rows.iterator(chunk_size=2000):
        used.add(name)
        where = f"{column.label} #{pk}"
        if name not in stored and not storage.exists(name):
            report.problems.append(Problem("missing", name, where))
            continue
        if not checks:
            continue
        if name not in checked:
            try:
                checked[name] = (
                    storage.size(name),
                    _sha256(storage, name) if "sha256" in checks else "",
                )
            except OSError:
                checked[name] = None
        actual = checked[name]
        if actual is None:
            report.problems.append(Problem("missing", name, where))
            continue
        values = dict(zip(checks, expected, strict=True))
        if "size" in values and values["size"] != actual[0]:
            report.problems.append(
                Problem("size", name, f"{where}: 记录 {values['size']}，文件 {actual[0]}")
            )
        if "sha256" in values and values["sha256"] != actual[1]:
            report.problems.append(Problem("sha256", name, f"{where}: 文件内容与记录的摘要不同"))
    return used


def _detached_evidence(report: Report, cutoff: datetime.datetime) -> None:
    """Evidence rows that no relation (obligation, finding, progress, notice, …) refers to."""
    from .models import Evidence

    lookups = {f"{related.name}__isnull": True for related in Evidence._meta.related_objects}
    if not lookups:
        return
    detached = Evidence.objects.filter(uploaded_at__lt=cutoff, **lookups).order_by("pk")
    for pk, name in detached.values_list("pk", "file").iterator(chunk_size=2000):
        report.problems.append(Problem("detached", name, f"{Evidence._meta.label} #{pk}"))


def _stale_temp_files(cutoff: datetime.datetime) -> Iterator[Path]:
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if not folder.is_dir():
        return
    limit = cutoff.timestamp()
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                yield path
        except FileNotFoundError:
            continue  # its request finished and removed it


def audit(
    *,
    delete: bool = False,
    older_than: datetime.timedelta | None = None,
    now: datetime.datetime | None = None,
) -> Report:
    """Find (and with `delete`, remove) what disagrees; see the module docstring.

    `older_than` (default an hour; stashed imports a day) spares files a request may still be
    writing or about to commit.
    """
    now = now or timezone.now()
    cutoff = now - (older_than if older_than is not None else DEFAULT_AGE)
    import_cutoff = now - (older_than if older_than is not None else IMPORT_AGE)
    report = Report()
    columns = file_columns()
    # Storages (one normally: default_storage) and the folders their fields upload into.
    folders: dict[int, tuple[Storage, set[str]]] = {}
    for column in columns:
        storage = column.field.storage
        folders.setdefault(id(storage), (storage, set()))[1].add(column.folder)
    stored: dict[int, set[str]] = {
        key: {name for folder in sorted(names) if folder for name in walk(storage, folder)}
        for key, (storage, names) in folders.items()
    }
    used: dict[int, set[str]] = {key: set() for key in folders}
    for column in columns:
        key = id(column.field.storage)
        used[key] |= _check_rows(column, stored[key], report)
    for key, (storage, _names) in folders.items():
        for name in sorted(stored[key] - used[key]):
            if _older(storage, name, cutoff):
                report.problems.append(Problem("orphan", name, storage=storage))
    for name in sorted(walk(default_storage, IMPORT_DIR)):
        if name not in used.get(id(default_storage), set()) and _older(
            default_storage, name, import_cutoff
        ):
            report.problems.append(Problem("import", name, storage=default_storage))
    for path in sorted(_stale_temp_files(cutoff)):
        report.problems.append(Problem("temp", str(path)))
    _detached_evidence(report, cutoff)
    if delete:
        _delete(report, columns)
    return report


def _referenced(name: str, columns: list[_FileColumn]) -> bool:
    """Asked again just before a delete: a row committed since the scan keeps its file."""
    return any(c.model._default_manager.filter(**{c.field.attname: name}).exists() for c in columns)


def _delete(report: Report, columns: list[_FileColumn]) -> None:
    for problem in report.problems:
        if not problem.removable:
            continue
        try:
            if problem.kind == "temp":
                os.remove(problem.name)
            elif problem.storage is not None and not _referenced(problem.name, columns):
                problem.storage.delete(problem.name)
            else:
                continue
        except OSError:
            logger.exception("media_audit could not delete %s", problem.name)
            report.failed.append(problem.name)
        else:
            report.deleted.append(problem.name)


def render(report: Report) -> str:
    """A plain table for operators: kind, file, detail; then the totals."""
    lines = []
    if report.problems:
        width = max(len(p.name) for p in report.problems)
        lines.append(f"{'类型':<14}{'文件':<{width + 2}}说明")
        for problem in report.problems:
            label = KINDS[problem.kind]
            lines.append(f"{label:<14}{problem.name:<{width + 2}}{problem.detail}")
    else:
        lines.append("没有发现问题：每个文件都有记录，每条记录的文件都在且一致。")
    totals = "，".join(f"{KINDS[k]} {report.count(k)}" for k in KINDS if report.count(k))
    if totals:
        lines.append(f"合计：{totals}")
    if report.deleted or report.failed:
        lines.append(f"已删除 {len(report.deleted)} 个文件，删除失败 {len(report.failed)} 个。")
    elif any(p.removable for p in report.problems):
        lines.append("这是试运行，没有删除任何文件；加 --delete 删除无记录的文件和过期临时文件。")
    return "\n".join(lines)

"""The one preview-then-confirm flow of every Excel import (checklists, templates, onboarding,
training attendance): the preview and the error table of the import stack that
responsibility/excel.py describes.

Upload → the file is checked (`ImportTarget.plan`, which writes nothing) → on errors, the upload
page with the error table; otherwise a preview page with 确认导入 / 取消. Between preview and
confirm the uploaded file waits under MEDIA_ROOT/imports/<uuid>.xlsx; the session holds its name
and SHA-256 per import target. Confirm re-reads and re-checks the file (the database may have
changed meanwhile) and writes in one transaction, so nothing the browser sends back is trusted
and a failure leaves nothing behind. The file is deleted after confirm, after cancel, after a
failed check, and by the sweep of abandoned files on each upload (and by media_audit).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import services
from ..excel import RowError
from ..forms import ExcelUploadForm

SESSION_KEY = "checklist_excel_imports"  # kept from the checklist import: sessions in flight
STASH_DIR = "imports"
STASH_MAX_AGE = datetime.timedelta(days=1)
_STASH_NAME_RE = re.compile(r"^imports/[0-9a-f]{32}\.xlsx$")
MAX_ERRORS_SHOWN = 500

UploadPage = Callable[[forms.Form, list[RowError], int], HttpResponse]


@dataclass
class ImportTarget:
    """One import destination: how to check a file against it, write the result, and show both.

    `plan(file)` returns an object with `.errors` (a list of RowError) and writes nothing;
    `apply(plan)` writes it (inside the flow's transaction) and returns the success message;
    `upload_page(form, errors, status)` and `preview_page(plan, filename)` render.
    """

    key: str  # names the destination in the session
    plan: Callable[[IO[bytes]], Any]
    apply: Callable[[Any], str]
    done_url: str
    cancel_url: str
    upload_page: UploadPage
    preview_page: Callable[[Any, str], HttpResponse]
    form_class: type[forms.Form] = ExcelUploadForm


def error_context(errors: list[RowError]) -> dict[str, Any]:
    """What templates/_import_errors.html needs."""
    return {
        "errors": errors[:MAX_ERRORS_SHOWN],
        "error_count": len(errors),
        "errors_truncated": len(errors) > MAX_ERRORS_SHOWN,
        "max_errors_shown": MAX_ERRORS_SHOWN,
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
    }


# The waiting file ------------------------------------------------------------------------------


def _sweep_abandoned() -> None:
    """Delete previews nobody confirmed or cancelled (closed tab, expired session)."""
    try:
        _dirs, files = default_storage.listdir(STASH_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - STASH_MAX_AGE
    for name in files:
        path = f"{STASH_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except FileNotFoundError:
            continue  # another request swept it first


def _stash(upload: UploadedFile) -> dict[str, str]:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = default_storage.save(f"{STASH_DIR}/{uuid.uuid4().hex}.xlsx", upload)
    return {
        "name": name,
        "sha256": digest.hexdigest(),
        "filename": PurePath(upload.name or "").name[:255],
    }


def _open_stash(entry: Any) -> IO[bytes] | None:
    """The waiting file, only if the session entry is well-formed and the bytes are unchanged."""
    if not isinstance(entry, dict):
        return None
    name, expected = entry.get("name"), entry.get("sha256")
    if not isinstance(name, str) or not _STASH_NAME_RE.match(name) or not isinstance(expected, str):
        return None
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        return None
    digest = hashlib.sha256()
    for chunk in handle.chunks():
        digest.update(chunk)
    if digest.hexdigest() != expected:
        handle.close()
        return None
    handle.seek(0)
    return handle


def _delete_stash(entry: Any) -> None:
    name = entry.get("name") if isinstance(entry, dict) else None
    if isinstance(name, str) and _STASH_NAME_RE.match(name):
        default_storage.delete(name)


def _pop_entry(request: HttpRequest, key: str) -> Any:
    entries = request.session.get(SESSION_KEY)
    if not isinstance(entries, dict) or key not in entries:
        return None
    entry = entries.pop(key)
    request.session.modified = True
    return entry


def _remember(request: HttpRequest, key: str, entry: dict[str, str]) -> None:
    entries = request.session.get(SESSION_KEY)
    if not isinstance(entries, dict):
        entries = {}
    entries[key] = entry
    request.session[SESSION_KEY] = entries
    request.session.modified = True


# The flow --------------------------------------------------------------------------------------


def _file_error(message: str) -> list[RowError]:
    return [RowError(_("文件"), None, "", message)]


def _preview(request: HttpRequest, target: ImportTarget) -> HttpResponse:
    form = target.form_class(request.POST, request.FILES)
    if not form.is_valid():
        return target.upload_page(form, [], 200)
    _delete_stash(_pop_entry(request, target.key))  # a new upload replaces an unconfirmed one
    _sweep_abandoned()
    entry = _stash(form.cleaned_data["file"])
    handle = _open_stash(entry)
    if handle is None:  # the storage lost the file between two lines: treat as unreadable
        return target.upload_page(
            target.form_class(), _file_error(_("文件保存失败，请重新上传。")), 200
        )
    try:
        plan = target.plan(handle)
    finally:
        handle.close()
    if plan.errors:
        _delete_stash(entry)
        return target.upload_page(target.form_class(), plan.errors, 200)
    _remember(request, target.key, entry)
    return target.preview_page(plan, entry["filename"])


def _confirm(request: HttpRequest, target: ImportTarget) -> HttpResponse:
    entry = _pop_entry(request, target.key)
    handle = _open_stash(entry) if entry is not None else None
    if handle is None:
        _delete_stash(entry)
        refused = _file_error(
            _("没有待确认的导入，或文件已失效。请重新上传文件并预览后再确认导入。")
        )
        return target.upload_page(target.form_class(), refused, 400)
    errors: list[RowError] = []
    summary: str | None = None
    try:
        with transaction.atomic():
            plan = target.plan(handle)
            if plan.errors:
                errors = plan.errors
            else:
                summary = target.apply(plan)
    except services.ConcurrentEditError:
        errors = _file_error(_("导入期间有记录被他人修改，未导入任何数据，请重新上传。"))
    except services.ServiceError as exc:
        errors = _file_error(_("未导入任何数据：%(reason)s") % {"reason": exc})
    except IntegrityError:
        errors = _file_error(_("导入时数据被其他人同时修改，未导入任何数据，请重新上传。"))
    finally:
        handle.close()
        _delete_stash(entry)
    if summary is None:
        return target.upload_page(target.form_class(), errors, 200)
    messages.success(request, summary)
    return redirect(target.done_url)


def run_import(request: HttpRequest, target: ImportTarget) -> HttpResponse:
    """GET: the upload page. POST: preview (the default), confirm or cancel."""
    if request.method != "POST":
        return target.upload_page(target.form_class(), [], 200)
    action = request.POST.get("action", "preview")
    if action == "confirm":
        return _confirm(request, target)
    if action == "cancel":
        _delete_stash(_pop_entry(request, target.key))
        messages.info(request, _("已取消导入，未写入任何数据。"))
        return redirect(target.cancel_url)
    return _preview(request, target)

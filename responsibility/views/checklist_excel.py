"""Checklists and Excel: import a template or a checklist (preview, then confirm), export one.

Between preview and confirm the uploaded file waits under MEDIA_ROOT/imports/<uuid>.xlsx; the
session holds its name and SHA-256 per import target. Confirm re-reads and re-checks the file
(the database may have changed meanwhile) and writes in one transaction, so nothing the browser
sends back is trusted and a failure leaves nothing behind. The file is deleted after confirm,
after cancel, after a failed check, and by the sweep of abandoned files on each upload.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import checklist_excel, scope, selectors, services
from ..audit import record_export
from ..checklist_excel import CellError, ImportPlan, ImportResult
from ..models import Checklist, Tier
from ..onboarding_forms import OnboardingUploadForm

SESSION_KEY = "checklist_excel_imports"
STASH_DIR = "imports"
STASH_MAX_AGE = datetime.timedelta(days=1)
_STASH_NAME_RE = re.compile(r"^imports/[0-9a-f]{32}\.xlsx$")
MAX_ERRORS_SHOWN = 500


class ChecklistUploadForm(OnboardingUploadForm):
    """The onboarding upload checks (.xlsx only, size limit) with this page's help text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("系统模板或本单位现有的 .xlsx 表格。")


@dataclass
class _Target:
    """One import destination: how to check a file against it and how to write the result."""

    key: str  # names the destination in the session
    plan: Callable[[IO[bytes]], ImportPlan]
    apply: Callable[[ImportPlan], ImportResult]
    url: str
    done_url: str
    context: dict[str, Any]


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
    return handle  # type: ignore[return-value]


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


def _upload_page(
    request: HttpRequest,
    target: _Target,
    form: ChecklistUploadForm,
    errors: list[CellError] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or []
    return render(
        request,
        "responsibility/checklist_import.html",
        {
            **target.context,
            "form": form,
            "action_url": target.url,
            "failed": bool(errors) or (form.is_bound and not form.is_valid()),
            "errors": errors[:MAX_ERRORS_SHOWN],
            "error_count": len(errors),
            "errors_truncated": len(errors) > MAX_ERRORS_SHOWN,
            "max_errors_shown": MAX_ERRORS_SHOWN,
            "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "template_url": reverse("checklist_import_template"),
        },
        status=status,
    )


def _preview(request: HttpRequest, target: _Target) -> HttpResponse:
    form = ChecklistUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, target, form)
    _delete_stash(_pop_entry(request, target.key))  # a new upload replaces an unconfirmed one
    _sweep_abandoned()
    entry = _stash(form.cleaned_data["file"])
    handle = _open_stash(entry)
    if handle is None:  # the storage lost the file between two lines: treat as unreadable
        return _upload_page(
            request,
            target,
            ChecklistUploadForm(),
            [CellError(None, "", _("文件保存失败，请重新上传。"))],
        )
    try:
        plan = target.plan(handle)
    finally:
        handle.close()
    if plan.errors:
        _delete_stash(entry)
        return _upload_page(request, target, ChecklistUploadForm(), plan.errors)
    _remember(request, target.key, entry)
    return render(
        request,
        "responsibility/checklist_import_preview.html",
        {**target.context, "plan": plan, "filename": entry["filename"], "action_url": target.url},
    )


def _confirm(request: HttpRequest, target: _Target) -> HttpResponse:
    entry = _pop_entry(request, target.key)
    handle = _open_stash(entry) if entry is not None else None
    if handle is None:
        _delete_stash(entry)
        refused = CellError(
            None, "", _("没有待确认的导入，或文件已失效。请重新上传文件并预览后再确认导入。")
        )
        return _upload_page(request, target, ChecklistUploadForm(), [refused], status=400)
    errors: list[CellError] = []
    result: ImportResult | None = None
    try:
        with transaction.atomic():
            plan = target.plan(handle)
            if plan.errors:
                errors = plan.errors
            else:
                result = target.apply(plan)
    except services.ConcurrentEditError:
        errors = [CellError(None, "", _("导入期间有事项被他人修改，未导入任何数据，请重新上传。"))]
    except services.ServiceError as exc:
        errors = [CellError(None, "", _("未导入任何数据：%(reason)s") % {"reason": exc})]
    except IntegrityError:
        errors = [
            CellError(None, "", _("导入时数据被其他人同时修改，未导入任何数据，请重新上传。"))
        ]
    finally:
        handle.close()
        _delete_stash(entry)
    if result is None:
        return _upload_page(request, target, ChecklistUploadForm(), errors)
    messages.success(request, result.summary())
    return redirect(target.done_url)


def _run(request: HttpRequest, target: _Target) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request, target, ChecklistUploadForm())
    action = request.POST.get("action", "preview")
    if action == "confirm":
        return _confirm(request, target)
    if action == "cancel":
        _delete_stash(_pop_entry(request, target.key))
        messages.info(request, _("已取消导入，未写入任何数据。"))
        return redirect(target.url)
    return _preview(request, target)


# Pages -----------------------------------------------------------------------------------------


@login_required
def template_import(request: HttpRequest, tier_kind: str) -> HttpResponse:
    scope.require_admin(request.user)
    tier = get_object_or_404(Tier, kind=tier_kind)
    url = reverse("checklist_template_import", args=[tier.kind])
    target = _Target(
        key=f"template:{tier.kind}",
        plan=lambda source: checklist_excel.plan_template(source, tier=tier),
        apply=lambda plan: checklist_excel.template_import(
            plan=plan, tier=tier, actor=request.user
        ),
        url=url,
        done_url=url,
        context={
            "is_template": True,
            "tier": tier,
            "tiers": Tier.objects.filter(has_checklist=True),
            "heading": _("导入「%(tier)s」责任清单模板") % {"tier": tier.name},
            "back_url": None,
        },
    )
    return _run(request, target)


@login_required
def checklist_import(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = scope.get_for_user(
        request.user, selectors.organisation_queryset(), action="review", pk=pk
    )
    checklist = get_object_or_404(
        Checklist.objects.select_related("year", "organisation"),
        organisation=organisation,
        year__year=year,
    )
    target = _Target(
        key=f"checklist:{checklist.pk}",
        plan=lambda source: checklist_excel.plan_checklist(
            source, checklist=checklist, actor=request.user
        ),
        apply=lambda plan: checklist_excel.checklist_import(
            plan=plan, checklist=checklist, actor=request.user
        ),
        url=reverse("checklist_import", args=[organisation.pk, year]),
        done_url=checklist.get_absolute_url(),
        context={
            "is_template": False,
            "organisation": organisation,
            "checklist": checklist,
            "refused": checklist_excel.checklist_editable_error(checklist, request.user),
            "heading": _("导入%(org)s %(year)s年度责任清单（工作要点）")
            % {"org": organisation.name, "year": year},
            "back_url": checklist.get_absolute_url(),
        },
    )
    return _run(request, target)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The product's own empty workbook; it holds no data, so any signed-in person may have it."""
    return HttpResponse(
        checklist_excel.build_template(),
        content_type=checklist_excel.XLSX_CONTENT_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=checklist_excel.TEMPLATE_FILENAME
            )
        },
    )


@login_required
@require_GET
def checklist_export(request: HttpRequest, pk: int, year: int) -> FileResponse:
    organisation = scope.get_for_user(
        request.user, selectors.organisation_queryset(), action="view", pk=pk
    )
    checklist = (
        Checklist.objects.filter(organisation=organisation, year__year=year)
        .select_related("year", "organisation")
        .first()
    )
    if checklist is None:
        raise Http404
    # Built on disk, then streamed in chunks; the file is removed when the response closes.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    checklist_excel.write_export(checklist, handle)
    handle.seek(0)
    record_export(request, "checklist.xlsx", obj=checklist, organisation=organisation)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=checklist_excel.export_filename(checklist),
        content_type=checklist_excel.XLSX_CONTENT_TYPE,
    )

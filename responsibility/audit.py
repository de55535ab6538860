"""Security events in the audit trail: sign-ins, failed sign-ins, sign-outs, refusals, exports.

Services record the changes they make themselves (services.audit_record, or audit_record_many
below for a batch, both built by audit_entry); the rest of this module records what no service
sees. Entries use the same AuditEntry table so one page can show both:

- "auth.login", "auth.login_failed", "auth.logout": from Django's auth signals (receivers are
  connected by ResponsibilityConfig.ready());
- "access.denied": a signed-in person was refused, a 403 (PermissionDenied anywhere) or a 404
  raised by the permission scope (outside their scope, which looks like "does not exist" to
  them on purpose); recorded by AccessDeniedAuditMiddleware;
- "export": views that hand out data as a file call record_export(request, what, ...).

Passwords never reach this module: Django replaces them in the signal's credentials, and only
the username is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import models
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse

from . import scope
from .logs import log_refusal
from .models import AuditEntry, Organisation, User

USER_TYPE = "responsibility.user"
REQUEST_TYPE = "http.request"
_SCOPE_DIR = Path(scope.__file__).resolve().parent


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    details = {"ip": get_client_ip_address(request) or ""}
    agent = request.META.get("HTTP_USER_AGENT", "")
    if agent:
        details["user_agent"] = agent[:200]
    return details


def _actor(request: HttpRequest | None) -> User | None:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


# Changes made by services -----------------------------------------------------------------------


def audit_entry(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    organisation: Organisation | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """The unsaved entry for a service's change to `obj`: the one place its fields are built."""
    return AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        organisation=organisation,
        changes=changes or {},
    )


def audit_record_many(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Save entries from audit_entry in one INSERT, for services that change many rows at once."""
    return AuditEntry.objects.bulk_create(list(entries))


# Requests ---------------------------------------------------------------------------------------


def record(
    request: HttpRequest | None,
    action: str,
    *,
    actor: User | None = None,
    obj: models.Model | None = None,
    object_type: str = REQUEST_TYPE,
    object_repr: str = "",
    organisation: Organisation | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one entry about a request; `actor` defaults to the signed-in user."""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_repr = object_repr or str(obj)
    return AuditEntry.objects.create(
        actor=actor or _actor(request),
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=object_repr[:200],
        organisation=organisation,
        changes={**_client(request), **(details or {})},
    )


def record_export(
    request: HttpRequest,
    what: str,
    *,
    obj: models.Model | None = None,
    organisation: Organisation | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Call from every view that hands out data as a file, e.g.
    ``record_export(request, "checklist.xlsx", obj=checklist, organisation=org)``."""
    return record(
        request,
        "export",
        obj=obj,
        object_type="export",
        object_repr=what,
        organisation=organisation,
        details={"what": what, "path": request.get_full_path()[:500], **(details or {})},
    )


# Sign-in and sign-out ---------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="zerenlian_audit_login")
def _on_login(sender: type, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record(request, "auth.login", actor=user, obj=user, object_repr=user.username)


@receiver(user_login_failed, dispatch_uid="zerenlian_audit_login_failed")
def _on_login_failed(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")[:150]
    details: dict[str, Any] = {"username": username}
    if request is not None and getattr(request, "axes_locked_out", False):
        details["locked_out"] = True
    record(
        request, "auth.login_failed", object_type=USER_TYPE, object_repr=username, details=details
    )


@receiver(user_logged_out, dispatch_uid="zerenlian_audit_logout")
def _on_logout(sender: type, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:  # signing out without a session: nothing happened
        return
    record(request, "auth.logout", actor=user, obj=user, object_repr=user.username)


# Refusals ---------------------------------------------------------------------------------------


def _raised_in_scope(traceback: TracebackType | None) -> bool:
    """Was the exception raised inside the scope (responsibility/scope/)? Views also raise 404
    for things that simply do not exist (a year, a URL); only the scope's refusals are access
    decisions."""
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename).resolve().parent == _SCOPE_DIR:
            return True
        traceback = traceback.tb_next
    return False


class AccessDeniedAuditMiddleware:
    """Records refusals of signed-in people, and logs every expected refusal as one line
    (logs.log_refusal); the response itself is left to Django."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            status = 403
        elif isinstance(exception, Http404) and _raised_in_scope(exception.__traceback__):
            status = 404
        else:
            return
        # One line, no traceback: an expected refusal is not an error (logs.py).
        log_refusal(request, status=status, reason=str(exception) or type(exception).__name__)
        if _actor(request) is None:
            return
        record(
            request,
            "access.denied",
            object_repr=request.path,
            details={
                "status": status,
                "method": request.method or "",
                "path": request.get_full_path()[:500],
            },
        )

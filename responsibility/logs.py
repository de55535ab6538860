"""One log line per expected refusal (issue #17): who, method, path, status, reason.

A 403 (PermissionDenied anywhere) or a 404 raised by the permission scope is an expected
outcome, recorded in the audit trail by `audit.AccessDeniedAuditMiddleware`, which also logs it
here as one line. Django's `django.request` logger would log the same response again, a 403
with its traceback ("Forbidden (Permission denied)", ~700 of them in one probe run), a 404 as
"Not Found"; `ExpectedRefusalFilter`, set on that logger in settings.LOGGING, drops those two
for the requests logged here, and nothing else (a 404 for a page that does not exist, every 5xx,
every other 4xx are logged by Django as before).

Imported while settings configure logging: this module imports nothing of the project.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger("responsibility.access")

_MARK = "_zerenlian_refusal_logged"


def _plain(value: str) -> str:
    """As Django's log_response: no control character reaches the log (a %0A in a path would
    otherwise forge a second line)."""
    return value.encode("unicode_escape").decode("ascii")


def log_refusal(request: HttpRequest, *, status: int, reason: str) -> None:
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    logger.info(
        "access refused: status=%d user=%s method=%s path=%s reason=%s",
        status,
        _plain(who),
        _plain(request.method or ""),
        _plain(request.path),
        _plain(reason),
    )
    setattr(request, _MARK, status)


class ExpectedRefusalFilter(logging.Filter):
    """For the `django.request` logger: drop Django's record of a response already logged by
    `log_refusal` (same request, same status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        return status is None or getattr(request, _MARK, None) != status

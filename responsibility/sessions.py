"""Database sessions, read with fixed SQL (frame_sql): every signed-in request loads one.

Set as SESSION_ENGINE. Writing, expiry and `clearsessions` are Django's own; only the read
differs, and it answers exactly what `Session.objects.get(session_key=…,
expire_date__gt=now)` answers (tests/responsibility/test_frame_sql.py).
"""

from __future__ import annotations

import functools

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import frame_sql


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        found = frame_sql.rows(_session_sql(), [self.session_key, timezone.now()])
        if not found:
            self._session_key = None
            return None
        return frame_sql.instance(Session, found[0])


@functools.cache
def _session_sql() -> str:
    key = frame_sql.column(Session, "session_key")
    expires = frame_sql.column(Session, "expire_date")
    return f"{frame_sql.select_from(Session)} WHERE {key} = %s AND {expires} > %s"

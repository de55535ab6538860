"""Django's model backend, loading the signed-in person with fixed SQL (frame_sql): every
request does it, and the ORM spent most of that call compiling `User.objects.get(pk=…)`."""

from __future__ import annotations

import functools

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from . import frame_sql
from .models import User


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: object) -> User | None:
        found = frame_sql.rows(_user_sql(), [user_id])
        if not found:
            return None
        user = frame_sql.instance(User, found[0])
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _user_sql() -> str:
    return f"{frame_sql.select_from(User)} WHERE {frame_sql.column(User, 'id')} = %s"

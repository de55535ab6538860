"""Navigation for supervision: the inbox badge (one cheap indexed count, evaluated only when the
navigation renders) and whether the accountability register exists for this person."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from responsibility import scope

from . import selectors


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unread": SimpleLazyObject(lambda: selectors.unread_count(user)),
        "nav_case_register": scope.scope_for(user).may_any("register"),
    }

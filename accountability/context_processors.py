"""Navigation for supervision: the inbox badge (one cheap indexed count, evaluated only when the
navigation renders). Which supervision links show is the menu's business
(responsibility.context_processors.Menu)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unread": SimpleLazyObject(lambda: selectors.unread_count(user)),
    }

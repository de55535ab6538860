"""Navigation: role flags and the organisation switcher, from the cached scope (no extra query)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import scope
from .selectors import current_year_for

SESSION_KEY = "current_organisation_id"


def current_organisation_id(request: HttpRequest) -> int | None:
    user_scope = scope.scope_for(request.user)
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if chosen in user_scope.post_org_ids:
        return int(chosen)
    return user_scope.post_org_ids[0] if user_scope.post_org_ids else None


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    user_scope = scope.scope_for(request.user)
    organisations = {}
    for post in user_scope.posts:
        organisations.setdefault(post.organisation_id, post.organisation)
    return {
        "nav_year": SimpleLazyObject(lambda: current_year_for(request)),
        "nav_scope": user_scope,
        "nav_organisations": list(organisations.values()),
        "nav_current_organisation_id": current_organisation_id(request),
    }

"""Navigation: the menu, the role flags and the organisation switcher, from the cached scope
(no extra query)."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import scope
from .models import Organisation
from .selectors import current_year_for

SESSION_KEY = "current_organisation_id"


@dataclass(frozen=True)
class Menu:
    """What the main navigation offers a person: each entry answers one scope question, so a
    link is shown only to those whose scope lets them open it (a menu with no dead ends,
    tests/responsibility/test_navigation.py follows every link as every persona). Hashable:
    the rendered navigation is cached per distinct menu (templatetags/navigation.py)."""

    view: bool = False  # the organisation tree, findings, rectifications, notices
    view_results: bool = False  # published results
    fill: bool = False  # 我的任务, trainings of one's own organisations
    review: bool = False  # progress, opinions, the assessment section, dispatches
    supervise: bool = False  # liaison meetings
    liaison: bool = False  # 联系单位进度: the units one liaises with
    register: bool = False  # 问责登记: absent for everyone else
    configure: bool = False  # years, onboarding, the assessment scheme

    @classmethod
    def for_scope(cls, user_scope: scope.Scope) -> "Menu":
        return cls(
            view=user_scope.may_any("view"),
            view_results=user_scope.may_any("view_results"),
            fill=user_scope.may_any("fill"),
            review=user_scope.may_any("review"),
            supervise=user_scope.may_any("supervise"),
            liaison=user_scope.may_any("liaise"),
            register=user_scope.may_any("register"),
            configure=user_scope.is_admin,
        )


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
    organisations: dict[int, Organisation] = {}
    for post in user_scope.posts:
        organisations.setdefault(post.organisation_id, post.organisation)
    return {
        "nav_year": SimpleLazyObject(lambda: current_year_for(request)),
        "nav_scope": user_scope,
        "nav_menu": Menu.for_scope(user_scope),
        "nav_organisations": list(organisations.values()),
        "nav_current_organisation_id": current_organisation_id(request),
    }

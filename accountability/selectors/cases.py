"""Reads of the accountability register (问责台账)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from responsibility import scope
from responsibility.models import Organisation, User

from ..models import (
    AccountabilityCase,
    Finding,
    Rectification,
)

# --- accountability register -------------------------------------------------------------------


def case_queryset() -> QuerySet[AccountabilityCase]:
    return AccountabilityCase.objects.select_related(
        "organisation__tier", "organisation__unit", "person", "year", "created_by"
    )


def cases_for(user: User) -> QuerySet[AccountabilityCase]:
    """The cases in the person's part of the register (scope's "register" action); to people
    without any part the register does not exist (404)."""
    scope.require_any(user, "register")
    return case_queryset().filter(scope.within(user, "register"))


def case_get(user: User, pk: int) -> AccountabilityCase:
    """One case for an entitled person; 404 for everyone else and outside their part."""
    case = cases_for(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def case_organisations(user: User) -> QuerySet[Organisation]:
    scope.require_any(user, "register")
    return scope.organisations_for(user, "register").select_related("tier")


def case_links(case: AccountabilityCase) -> tuple[list[Finding], list[Rectification]]:
    return (
        list(case.findings.select_related("organisation")),
        list(case.rectifications.select_related("organisation")),
    )

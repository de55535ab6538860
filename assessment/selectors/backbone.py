"""Reads of the business-backbone pool (业务骨干人选, issue #19.4): whom a reviewer may propose,
and the pool by unit. Every list starts from the scope's "review" organisations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from responsibility import scope
from responsibility.models import Organisation, Post, User
from responsibility.selectors import current_post_filter

from ..models import BackboneCandidate


def born_after(limit: int, today: datetime.date | None = None) -> datetime.date:
    """People born after this day are at most `limit` years old today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - limit - 1)
    except ValueError:  # 29 February, and the earlier year has none
        return today.replace(year=today.year - limit - 1, day=28)


def _young_posts(user: User, unit: Organisation, today: datetime.date) -> QuerySet[Post]:
    return Post.objects.filter(
        organisation__in=scope.organisations_for(user, "review"),
        organisation__unit=unit,
        user__birth_date__gt=born_after(settings.BACKBONE_MAX_AGE, today),
    ).filter(current_post_filter(today=today))


def proposable(
    user: User, unit: Organisation, today: datetime.date | None = None
) -> QuerySet[User]:
    """Party members of `unit` within the age limit, in organisations `user` reviews, not in
    the pool already."""
    today = today or timezone.localdate()
    posts = _young_posts(user, unit, today).filter(user=OuterRef("pk"))
    open_candidacy = BackboneCandidate.objects.filter(
        person=OuterRef("pk"), state=BackboneCandidate.State.PROPOSED
    )
    return (
        User.objects.filter(Exists(posts))
        .exclude(Exists(open_candidacy))
        .order_by("full_name", "username")
    )


def proposed_from(user: User, person: User, unit: Organisation) -> Organisation | None:
    """The organisation a candidacy is recorded on: the first, in tree order, of the person's
    current posts in `unit` that `user` reviews."""
    post = (
        Post.objects.filter(
            user=person,
            organisation__in=scope.organisations_for(user, "review"),
            organisation__unit=unit,
        )
        .filter(current_post_filter())
        .select_related("organisation__tier", "organisation__unit")
        .order_by("organisation__path")
        .first()
    )
    return post.organisation if post else None


def candidates() -> QuerySet[BackboneCandidate]:
    return BackboneCandidate.objects.select_related(
        "person",
        "organisation__unit",
        "organisation__tier",
        "proposed_by",
        "decided_by",
        "post__organisation",
    )


@dataclass
class UnitPool:
    unit: Organisation
    candidates: list[BackboneCandidate] = field(default_factory=list)

    @property
    def proposed(self) -> int:
        return sum(1 for c in self.candidates if c.state == BackboneCandidate.State.PROPOSED)


def pool(user: User, *, unit: int | None = None) -> list[UnitPool]:
    """The candidacies of the organisations `user` reviews, grouped by unit: one query."""
    rows = candidates().filter(scope.within(user, "review"))
    if unit:
        rows = rows.filter(organisation__unit_id=unit)
    units: dict[int, UnitPool] = {}
    for candidate in rows.order_by("organisation__unit__path", "state", "-proposed_on", "-pk"):
        owner = candidate.organisation.unit or candidate.organisation
        units.setdefault(owner.pk, UnitPool(unit=owner)).candidates.append(candidate)
    return list(units.values())

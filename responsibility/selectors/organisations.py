"""Reads of the shared core. Each selector starts from the person's scope and owns its joins."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .. import scope
from ..models import AuditEntry, Organisation, Post, User


def current_post_filter(prefix: str = "", today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": today}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def holds_post(user: User, organisation: Organisation, today: datetime.date | None = None) -> bool:
    """Does the person hold a post in the organisation today (a rectification's responsible
    person, an obligation's assignee)?"""
    return (
        Post.objects.filter(current_post_filter(today=today))
        .filter(user=user, organisation=organisation)
        .exists()
    )


def post_holders(organisations: Iterable[int] | QuerySet[Organisation]) -> QuerySet[User]:
    """People with a current post in the organisations, active accounts, by name: whom a
    rectification or an obligation can be given to."""
    ids = organisations if isinstance(organisations, QuerySet) else list(organisations)
    return User.objects.filter(
        is_active=True,
        pk__in=Post.objects.filter(current_post_filter())
        .filter(organisation__in=ids)
        .values("user_id"),
    ).order_by("full_name", "username")


def organisations(user: User) -> QuerySet[Organisation]:
    """Organisations the user may view, with what a list or tree row shows."""
    return scope.organisations_for(user).select_related("tier", "unit")


@dataclass(frozen=True)
class TreeRow:
    """One organisation of the tree page, in tree order. The page nests lists: a row with
    `has_children` opens its children's list, and the last row of a branch closes `closes` of
    them, so children sit inside their parent and nowhere else."""

    organisation: Organisation
    people_count: int
    level: int
    has_children: bool
    closes: range


def organisation_tree(user: User) -> list[TreeRow]:
    """The visible part of the tree, each organisation under its parent (siblings in tier order:
    党组, 机关党委 with its branches inside it, 机关纪委 beside it), with its current head count.
    One query.

    Ordered here rather than by `path` in SQL: a path's ids are text, so under a linguistic
    collation (zh_CN, en_US) punctuation is ignored and "/1/5/81/" sorts between "/1/5/8/" and
    its child "/1/5/8/10/"; and ids say when a body was created, not where it belongs."""
    found = list(
        organisations(user).annotate(
            people_count=Count("posts", filter=current_post_filter("posts__"), distinct=True)
        )
    )
    by_id = {organisation.pk: organisation for organisation in found}

    def rank(pk: int) -> tuple[int, int, str, int]:
        organisation = by_id.get(pk)
        if organisation is None:  # an ancestor out of view: shared by all its visible rows
            return (0, 0, "", pk)
        return (organisation.tier.sort_order, organisation.sort_order, organisation.code, pk)

    def ids(organisation: Organisation) -> list[int]:
        return [int(part) for part in organisation.path.strip("/").split("/")]

    found.sort(key=lambda organisation: [rank(pk) for pk in ids(organisation)])
    # A row's parent in the page: its nearest visible ancestor.
    parents: dict[int, int | None] = {}
    levels: dict[int, int] = {}
    for organisation in found:
        shown = [pk for pk in ids(organisation)[:-1] if pk in by_id]
        parents[organisation.pk] = shown[-1] if shown else None
        levels[organisation.pk] = levels[shown[-1]] + 1 if shown else 0
    with_children = {parent for parent in parents.values() if parent is not None}
    rows = []
    for index, organisation in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else None
        level = levels[organisation.pk]
        next_level = levels[following.pk] if following is not None else 0
        has_children = organisation.pk in with_children
        rows.append(
            TreeRow(
                organisation=organisation,
                people_count=organisation.people_count,
                level=level,
                has_children=has_children,
                closes=range(0 if has_children else level - next_level),
            )
        )
    return rows


def organisation_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("tier", "parent", "unit")


def organisation_with_tier_queryset() -> QuerySet[Organisation]:
    """For pages that show the organisation's parents as breadcrumbs (fetched anyway): each
    joined organisation costs the ORM more than the query itself (3.1 ms with tier, parent and
    unit against 1.7 ms with the tier only, profiled on the province benchmark's database)."""
    return Organisation.objects.select_related("tier")


def ancestors(organisation: Organisation) -> list[Organisation]:
    ids = organisation.ancestor_ids
    if not ids:
        return []
    by_id = Organisation.objects.select_related("tier").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def organisation_posts(organisation: Organisation) -> tuple[list[Post], list[Post]]:
    """(current, past) posts of one organisation."""
    posts = list(
        Post.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("kind", "start_date", "pk")
    )
    today = timezone.localdate()
    current = [p for p in posts if p.is_current(today)]
    past = [p for p in posts if not p.is_current(today)]
    return current, past


def children(user: User, organisation: Organisation) -> list[Organisation]:
    return list(
        organisations(user)
        .filter(parent=organisation)
        .annotate(people_count=Count("posts", filter=current_post_filter("posts__"), distinct=True))
        .order_by("sort_order", "pk")
    )


def history_for(object_type: str, object_id: int | str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).select_related("actor")


@dataclass(frozen=True)
class Reviewers:
    """Who reviews an organisation's work: the officers of one supervising organisation."""

    organisation: Organisation | None
    people: list[User]

    @property
    def names(self) -> str:
        return "、".join(person.display_name for person in self.people)


def reviewers_for(organisation: Organisation, *, colleague: User | None = None) -> Reviewers:
    """The current officers of the nearest supervising ancestor (the 机关党委 of a branch, the
    工委 of a unit's bodies), who may reopen, verify and confirm (scope: "review"); never an
    officer of the organisation itself. With `colleague`, a supervising ancestor that person
    holds an officer post in comes first: the second reviewer of a score is a colleague of the
    one who gave it. One query."""
    ancestor_ids = organisation.ancestor_ids
    if not ancestor_ids:
        return Reviewers(None, [])
    posts = list(
        Post.objects.filter(current_post_filter())
        .filter(
            Q(organisation_id__in=ancestor_ids, organisation__tier__supervises_subtree=True)
            | Q(organisation_id=organisation.pk),
            kind__in=Post.OFFICER_KINDS,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("kind", "pk")
    )
    own = {post.user_id for post in posts if post.organisation_id == organisation.pk}
    by_org: dict[int, list[User]] = {}
    organisations: dict[int, Organisation] = {}
    for post in posts:
        if post.organisation_id == organisation.pk or post.user_id in own:
            continue
        people = by_org.setdefault(post.organisation_id, [])
        organisations[post.organisation_id] = post.organisation
        if all(person.pk != post.user_id for person in people):
            people.append(post.user)
    nearest_first = [pk for pk in reversed(ancestor_ids) if pk in by_org]
    if colleague is not None:
        theirs = [pk for pk in nearest_first if any(p.pk == colleague.pk for p in by_org[pk])]
        nearest_first = theirs + [pk for pk in nearest_first if pk not in theirs]
    if not nearest_first:
        return Reviewers(None, [])
    chosen = nearest_first[0]
    return Reviewers(organisations[chosen], by_org[chosen])

"""The one permission mechanism: what a signed-in person may see and do, per organisation.

Every view fetches through `get_for_user` (one object) or `organisations_for` (lists). Outside a
person's scope an object does not exist for them (404); inside scope but not allowed is 403.

Roles come from current posts (see domain.md §2):
- officer: 书记/副书记/委员/纪检委员/专兼职党务干部 of an organisation fills in for it;
- reviewer: an officer of an organisation whose tier supervises its subtree (工委, 机关党委)
  reviews the organisations below it, never the ones where they hold an officer post;
- liaison: a 联络员 post on a unit reads it, follows its progress ("liaise") and records
  supervision findings in its subtree;
  assigning a rectification, even on a finding they recorded, is a reviewer's act (§8a);
- member: a 党员 post sees that organisation's published results;
- register: an officer of the 工委 (its whole subtree) or of a unit's 机关纪委 (that unit) reads
  and keeps the accountability register (问责), which does not exist for anyone else (404);
- admin: a superuser configures and exports everything.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from . import frame_sql
from .models import Organisation, Post, Tier, User

Action = Literal[
    "view",  # read the organisation's pages and checklist
    "view_results",  # read published scores and results
    "fill",  # fill in the organisation's checklist
    "review",  # score, reopen, verify (never one's own organisation)
    "supervise",  # record supervision findings
    "liaise",  # a liaison officer's own units: their progress (联系单位进度)
    "assign",  # assign a rectification (a reviewer's act, never a liaison's: domain.md §8a)
    "export",  # export results for the organisation
    "configure",  # years, templates, weights, onboarding
    "register",  # the accountability register (问责): confidential, 404 to everyone else
    "view_evidence",  # download a file: reviewers' own files (reviewers_only) are theirs (§8a)
]

M = TypeVar("M", bound=Model)
_CACHE_ATTR = "_zerenlian_scope"


def organisation_of(obj: Any) -> Organisation:
    """The organisation a permission is decided on: the object itself, or the one it belongs to
    (directly, or through its checklist)."""
    if isinstance(obj, Organisation):
        return obj
    organisation = getattr(obj, "organisation", None)
    if isinstance(organisation, Organisation):
        return organisation
    checklist = getattr(obj, "checklist", None)
    if checklist is not None:
        return organisation_of(checklist)
    raise TypeError(f"{type(obj).__name__} has no organisation to check permissions against")


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    posts: tuple[Post, ...] = ()
    officer_ids: frozenset[int] = frozenset()
    member_ids: frozenset[int] = frozenset()
    review_paths: tuple[str, ...] = ()
    liaison_paths: tuple[str, ...] = ()
    post_org_ids: tuple[int, ...] = field(default=())
    register_paths: tuple[str, ...] = ()
    register_unit_ids: frozenset[int] = frozenset()

    @property
    def is_reviewer(self) -> bool:
        return bool(self.review_paths)

    @property
    def is_officer(self) -> bool:
        return bool(self.officer_ids)

    @property
    def is_liaison(self) -> bool:
        return bool(self.liaison_paths)

    def _under(self, paths: tuple[str, ...], org: Organisation, *, strict: bool) -> bool:
        return any(org.path.startswith(p) and (not strict or org.path != p) for p in paths)

    def can(self, action: Action, obj: Any) -> bool:
        """May this scope do `action` on `obj` (an organisation or a thing that has one)?"""
        org = organisation_of(obj)
        if self.is_admin:
            return True
        reviews = org.pk not in self.officer_ids and self._under(
            self.review_paths, org, strict=True
        )
        liaises = self._under(self.liaison_paths, org, strict=False)
        if action == "fill":
            return org.pk in self.officer_ids
        if action in ("review", "assign"):
            return reviews
        if action == "supervise":
            return reviews or liaises
        if action == "liaise":
            return liaises
        if action == "export":
            return reviews
        if action == "configure":
            return False
        if action == "register":
            return org.unit_id in self.register_unit_ids or self._under(
                self.register_paths, org, strict=False
            )
        if action == "view_evidence":
            # What reviewers attach (a ledger proposal's evidence) never becomes the
            # organisation's own: only reviewers in scope and admins read it (domain.md §8a).
            return self.can("review" if getattr(obj, "reviewers_only", False) else "view", obj)
        # view and view_results
        return (
            org.pk in self.officer_ids
            or org.pk in self.member_ids
            or liaises
            or self._under(self.review_paths, org, strict=False)
        )

    def organisation_filter(self, action: Action = "view") -> Q:
        """A Q on Organisation matching the organisations this scope may `action`."""
        if self.is_admin:
            return Q()
        if action == "register":
            register = Q(pk__in=[])
            for path in self.register_paths:
                register |= Q(path__startswith=path)
            if self.register_unit_ids:
                register |= Q(unit_id__in=self.register_unit_ids)
            return register
        visible = Q(pk__in=self.officer_ids | self.member_ids)
        for path in self.review_paths + self.liaison_paths:
            visible |= Q(path__startswith=path)
        if action in ("view", "view_results"):
            return visible
        if action == "fill":
            return visible & Q(pk__in=self.officer_ids)
        if action == "liaise":
            liaised = Q(pk__in=[])
            for path in self.liaison_paths:
                liaised |= Q(path__startswith=path)
            return liaised
        if action in ("review", "assign", "export", "supervise"):
            condition = Q(pk__in=[])
            for path in self.review_paths:
                condition |= Q(path__startswith=path) & ~Q(path=path)
            reviewable = condition & ~Q(pk__in=self.officer_ids)
            if action == "supervise":
                for path in self.liaison_paths:
                    reviewable |= Q(path__startswith=path)
            return visible & reviewable
        return Q(pk__in=[])

    def may_any(self, action: Action) -> bool:
        """May this scope `action` some organisation at all? Answered from the posts, without a
        query, as `organisation_filter(action)` would match something.

        One deliberate reading: a reviewer post counts for review, export and supervise even
        when nothing below the supervising organisation is left to review (it has no
        organisations below it, or the person is an officer of all of them). Only the tree
        knows that, and asking it would cost every page a query; such a person gets the page
        with an empty choice instead of a 403, as `is_reviewer` pages always have."""
        if self.is_admin:
            return True
        if action in ("view", "view_results"):
            return bool(
                self.officer_ids or self.member_ids or self.review_paths or self.liaison_paths
            )
        if action == "fill":
            return bool(self.officer_ids)
        if action in ("review", "assign", "export"):
            return bool(self.review_paths)
        if action == "supervise":
            return bool(self.review_paths or self.liaison_paths)
        if action == "liaise":
            return bool(self.liaison_paths)
        if action == "register":
            return bool(self.register_paths or self.register_unit_ids)
        return False

    def cache_key(self, action: Action = "view") -> str:
        """A stable string naming what `organisation_filter(action)` covers, built from the same
        paths and ids: people whose posts give the same rule share cached reads."""
        if self.is_admin:
            return "all"

        def rule(
            ids: Iterable[int] = (),
            under: Iterable[str] = (),
            below: Iterable[str] = (),
            unless: Iterable[int] = (),
            units: Iterable[int] = (),
        ) -> str:
            parts = {
                "ids": sorted(ids),
                "under": sorted(under),
                "below": sorted(below),
                "unless": sorted(unless),
                "units": sorted(units),
            }
            return ";".join(f"{name}={','.join(map(str, v))}" for name, v in parts.items() if v)

        if action in ("view", "view_results"):
            return rule(
                ids=self.officer_ids | self.member_ids,
                under=self.review_paths + self.liaison_paths,
            )
        if action == "fill":
            return rule(ids=self.officer_ids)
        if action in ("review", "assign", "export"):
            return rule(below=self.review_paths, unless=self.officer_ids)
        if action == "supervise":
            return rule(below=self.review_paths, unless=self.officer_ids, under=self.liaison_paths)
        if action == "liaise":
            return rule(under=self.liaison_paths)
        if action == "register":
            return rule(under=self.register_paths, units=self.register_unit_ids)
        return ""


def current_posts(user: User | AnonymousUser) -> list[Post]:
    """The person's current posts, each with its organisation and tier, in tree order.

    Read on every page, as fixed SQL (frame_sql): the same read through the ORM,
    `Post.objects.filter(user=user, start_date__lte=today).filter(Q(end_date__isnull=True) |
    Q(end_date__gte=today)).select_related("organisation__tier").order_by("organisation__path",
    "kind")`, spent ten times as long compiling as PostgreSQL spent answering."""
    if not user.is_authenticated:
        return []
    today = frame_sql.date_param(timezone.localdate())
    posts = []
    post_end = len(frame_sql.field_names(Post))
    organisation_end = post_end + len(frame_sql.field_names(Organisation))
    for row in frame_sql.rows(_current_posts_sql(), [user.pk, today, today]):
        post = frame_sql.instance(Post, row[:post_end])
        organisation = frame_sql.instance(Organisation, row[post_end:organisation_end])
        organisation.tier = frame_sql.instance(Tier, row[organisation_end:])
        post.organisation = organisation
        posts.append(post)
    return posts


@functools.cache
def _current_posts_sql() -> str:
    select, column, table = frame_sql.select_list, frame_sql.column, frame_sql.table
    # Identifiers only, quoted, from the models' metadata; the values are parameters.
    return (
        f"SELECT {select(Post, 'p')}, {select(Organisation, 'o')}, {select(Tier, 't')}"  # noqa: S608
        f" FROM {table(Post, 'p')}"
        f" JOIN {table(Organisation, 'o')} ON {column(Organisation, 'id', 'o')}"
        f" = {column(Post, 'organisation', 'p')}"
        f" JOIN {table(Tier, 't')} ON {column(Tier, 'id', 't')}"
        f" = {column(Organisation, 'tier', 'o')}"
        f" WHERE {column(Post, 'user', 'p')} = %s AND {column(Post, 'start_date', 'p')} <= %s"
        f" AND ({column(Post, 'end_date', 'p')} IS NULL OR {column(Post, 'end_date', 'p')} >= %s)"
        f" ORDER BY {column(Organisation, 'path', 'o')}, {column(Post, 'kind', 'p')},"
        f" {column(Post, 'id', 'p')}"
    )


def scope_for(user: User | AnonymousUser) -> Scope:
    """Computed once per user object (one query), so pages keep a fixed query count."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = Scope()
    else:
        posts = current_posts(user)
        officer = [p for p in posts if p.is_officer]
        scope = Scope(
            is_admin=user.is_superuser,
            posts=tuple(posts),
            officer_ids=frozenset(p.organisation_id for p in officer),
            member_ids=frozenset(p.organisation_id for p in posts if p.kind == Post.Kind.MEMBER),
            review_paths=tuple(
                p.organisation.path for p in officer if p.organisation.tier.supervises_subtree
            ),
            liaison_paths=tuple(p.organisation.path for p in posts if p.kind == Post.Kind.LIAISON),
            post_org_ids=tuple(dict.fromkeys(p.organisation_id for p in posts)),
            register_paths=tuple(
                p.organisation.path
                for p in officer
                if p.organisation.tier.kind == Tier.Kind.COMMITTEE
            ),
            register_unit_ids=frozenset(
                p.organisation.unit_id
                for p in officer
                if p.organisation.tier.kind == Tier.Kind.DISCIPLINE_COMMITTEE
                and p.organisation.unit_id is not None
            ),
        )
    if user.is_authenticated:
        setattr(user, _CACHE_ATTR, scope)
    return scope


def forget(user: User) -> None:
    """Drop the cached scope, e.g. after a post changes within one request or test."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def organisations_for(
    user: User | AnonymousUser, action: Action = "view"
) -> QuerySet[Organisation]:
    return Organisation.objects.filter(scope_for(user).organisation_filter(action))


def can(user: User | AnonymousUser, action: Action, obj: Any) -> bool:
    return scope_for(user).can(action, obj)


class Refused(PermissionDenied):
    """A 403 that knows what was refused: `action` on one organisation, or `anywhere` for a page
    meant for people who may do it somewhere. Its English text is for the log line
    (logs.log_refusal); the 403 page says what was refused in Chinese (views/errors.py)."""

    def __init__(self, action: Action, *, anywhere: bool = False) -> None:
        self.action: Action = action
        self.anywhere = anywhere
        super().__init__(f"may not {action}{' anywhere' if anywhere else ''}")


def check(user: User | AnonymousUser, action: Action, obj: Any) -> None:
    """404 outside scope, 403 inside scope without the right to `action`. The register is
    its own scope: whatever is outside it does not exist (404)."""
    scope = scope_for(user)
    outside: Action = "register" if action == "register" else "view"
    # The messages are for the log line (logs.log_refusal); the pages never show them.
    if not scope.can(outside, obj):
        raise Http404(f"outside the scope ({outside})")
    if not scope.can(action, obj):
        raise Refused(action)


def get_for_user(
    user: User | AnonymousUser, queryset: QuerySet[M], *, action: Action, **lookup: Any
) -> M:
    """Fetch one object for `user`; the queryset must select_related its organisation."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("no such object")
    check(user, action, obj)
    return obj


def require_admin(user: User | AnonymousUser) -> None:
    """Configuration pages belong to admins: everybody else gets 403."""
    if not scope_for(user).is_admin:
        raise Refused("configure", anywhere=True)


def require_any(user: User | AnonymousUser, action: Action) -> None:
    """Pages for people who may `action` somewhere (what they review, forms to record in):
    everybody else gets 403, except that the register does not exist for them (404)."""
    if not scope_for(user).may_any(action):
        if action == "register":
            raise Http404("outside the scope (register)")
        raise Refused(action, anywhere=True)


def within(user: User | AnonymousUser, action: Action = "view", *, via: str = "organisation") -> Q:
    """A Q on a model with a foreign key `via` to Organisation: the rows of organisations the
    person may `action`. For an admin it is empty rather than a subquery over every
    organisation, which adds ~30% to the dashboard's completion count over the province's
    233,500 obligations (PostgreSQL, EXPLAIN ANALYZE)."""
    user_scope = scope_for(user)
    if user_scope.is_admin:
        return Q()
    return Q(**{f"{via}__in": Organisation.objects.filter(user_scope.organisation_filter(action))})


def joined(user: User | AnonymousUser, action: Action = "view", *, via: str = "organisation") -> Q:
    """`within` as conditions on the organisation row the query joins anyway (to sort or show
    it) instead of a subquery over the organisations, so PostgreSQL reads them once, not
    twice: the working committee's annual results list (3,000 rows sorted by tier and tree)
    took 4.4 → 3.4 ms. `via` must be a non-null foreign key."""
    return _prefixed(scope_for(user).organisation_filter(action), via)


def _prefixed(condition: Q, via: str) -> Q:
    prefixed = Q()
    prefixed.connector, prefixed.negated = condition.connector, condition.negated
    prefixed.children = [
        _prefixed(child, via) if isinstance(child, Q) else (f"{via}__{child[0]}", child[1])
        for child in condition.children
    ]
    return prefixed


# Person-level rights on rows, as Q objects for lists (work queues) -------------------------------


def by_others(user: User | AnonymousUser, *, via: str) -> Q:
    """Rows another person did (`via` names that person's foreign key): the four-eyes rule, a
    score confirmed and a ledger entry approved by a reviewer other than the one who gave it.
    Rows with nobody recorded count as someone else's."""
    return ~Q(**{via: user.pk})


def named(user: User | AnonymousUser, *, via: str) -> Q:
    """Rows that name the person (`via` a foreign key or many-to-many to User): a rater of a
    report, the person responsible for a rectification."""
    return Q(**{via: user.pk})

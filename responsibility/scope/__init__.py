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
- discipline: an officer of a unit's 机关纪委 (监督责任, issue #20.6) reads the organisations of
  that unit, records supervision findings there and assigns their rectifications, never in the
  机关纪委 itself (its own checklist is scored by the 工委's reviewers);
- key points: a 机关党委's key-points list (工作要点) is read, besides whoever views it, by the
  officers and members of the branches below it, which answer it ("read_key_points");
- admin: a superuser configures and exports everything.

Person-level rights (domain.md: rater, responsible person, sender, owner, self) are actions of the
same mechanism (`PersonAction`), each a `Rule` in `RULES` (`rules.py`): who the object names, which
organisation right reaches it as well, and whether admins may. `can` answers for one object and
`filter_for` filters a list, both from that one rule, read by `person_rules`. What the scope
keeps between reads is in `person_cache`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .. import person_rules
from ..models import Organisation, Post, Tier, User
from ..person_cache import SCOPE_ATTR, coverage_key, current_posts
from ..person_cache import forget as forget
from ..person_rules import Rule
from ..relations import organisation_of, prefixed
from .rules import PERSON_ACTIONS as PERSON_ACTIONS
from .rules import RULES as RULES
from .rules import Action as Action
from .rules import PersonAction as PersonAction

M = TypeVar("M", bound=Model)


def rule_for(action: str, model: type[Model]) -> Rule:
    try:
        return RULES[(action, model._meta.label_lower)]
    except KeyError:
        raise TypeError(f"no {action!r} rule for {model._meta.label}") from None


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    is_admin: bool = False
    posts: tuple[Post, ...] = ()
    officer_ids: frozenset[int] = frozenset()
    lead_ids: frozenset[int] = frozenset()  # where a current post is 书记/副书记
    member_ids: frozenset[int] = frozenset()
    review_paths: tuple[str, ...] = ()
    liaison_paths: tuple[str, ...] = ()
    post_org_ids: tuple[int, ...] = field(default=())
    register_paths: tuple[str, ...] = ()
    register_unit_ids: frozenset[int] = frozenset()
    key_point_ids: frozenset[int] = frozenset()  # the 机关党委 above one's branch posts

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

    def can(self, action: Action | PersonAction, obj: Any) -> bool:
        """May this scope do `action` on `obj` (an organisation or a thing that has one; for a
        person-level action, a thing its `Rule` covers)?"""
        if action in PERSON_ACTIONS:
            return person_rules.allows(self, rule_for(action, type(obj)), obj)
        org = organisation_of(obj)
        if self.is_admin:
            return True
        reviews = org.pk not in self.officer_ids and self._under(
            self.review_paths, org, strict=True
        )
        liaises = self._under(self.liaison_paths, org, strict=False)
        disciplines = org.unit_id in self.register_unit_ids and org.pk not in self.officer_ids
        if action == "fill":
            return org.pk in self.officer_ids
        if action == "lead":
            return org.pk in self.lead_ids
        if action == "read_key_points":
            return org.pk in self.key_point_ids or self.can("view", org)
        if action == "review":
            return reviews
        if action == "assign":
            return reviews or disciplines
        if action == "supervise":
            return reviews or liaises or disciplines
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
            or org.unit_id in self.register_unit_ids
            or self._under(self.review_paths, org, strict=False)
        )

    def person_filter(self, action: PersonAction, model: type[Model]) -> Q:
        """A Q on `model` matching the rows `can(action, row)` allows: the same `Rule`."""
        return person_rules.row_filter(self, rule_for(action, model), model)

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
        visible = Q(pk__in=self._posted_outside_subtrees())
        for path in self.review_paths + self.liaison_paths:
            visible |= Q(path__startswith=path)
        if self.register_unit_ids:
            visible |= Q(unit_id__in=self.register_unit_ids)
        if action in ("view", "view_results"):
            return visible
        if action == "read_key_points":
            return visible | Q(pk__in=self.key_point_ids)
        if action == "fill":
            return visible & Q(pk__in=self.officer_ids)
        if action == "lead":
            return Q(pk__in=self.lead_ids)
        if action == "liaise":
            liaised = Q(pk__in=[])
            for path in self.liaison_paths:
                liaised |= Q(path__startswith=path)
            return liaised
        if action in ("review", "assign", "export", "supervise"):
            condition = Q(pk__in=[])
            for path in self.review_paths:
                condition |= Q(path__startswith=path) & ~Q(path=path)
            if action in ("assign", "supervise") and self.register_unit_ids:
                condition |= Q(unit_id__in=self.register_unit_ids)
            reviewable = condition & ~Q(pk__in=self.officer_ids)
            if action == "supervise":
                for path in self.liaison_paths:
                    reviewable |= Q(path__startswith=path)
            return visible & reviewable
        return Q(pk__in=[])

    def _posted_outside_subtrees(self) -> frozenset[int]:
        """The organisations of one's officer and member posts that no reviewed or liaised
        subtree already covers. A committee's reviewer is an officer of the committee itself;
        naming it beside its subtree's prefix made the condition span two tables, so the
        database joined every result of the year to every organisation before filtering
        (annual results: cost grew with the country, not with the province; #22)."""
        paths = self.review_paths + self.liaison_paths
        return frozenset(
            post.organisation_id
            for post in self.posts
            if (post.is_officer or post.kind == Post.Kind.MEMBER)
            and not any(post.organisation.path.startswith(path) for path in paths)
        )

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
                self.officer_ids
                or self.member_ids
                or self.review_paths
                or self.liaison_paths
                or self.register_unit_ids
            )
        if action == "fill":
            return bool(self.officer_ids)
        if action == "lead":
            return bool(self.lead_ids)
        if action == "read_key_points":
            return bool(self.key_point_ids) or self.may_any("view")
        if action in ("review", "export"):
            return bool(self.review_paths)
        if action == "assign":
            return bool(self.review_paths or self.register_unit_ids)
        if action == "supervise":
            return bool(self.review_paths or self.liaison_paths or self.register_unit_ids)
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
        rule = coverage_key
        if action in ("view", "view_results"):
            return rule(
                ids=self.officer_ids | self.member_ids,
                under=self.review_paths + self.liaison_paths,
                units=self.register_unit_ids,
            )
        if action == "fill":
            return rule(ids=self.officer_ids)
        if action == "lead":
            return rule(ids=self.lead_ids)
        if action == "read_key_points":
            return rule(
                ids=self.officer_ids | self.member_ids | self.key_point_ids,
                under=self.review_paths + self.liaison_paths,
                units=self.register_unit_ids,
            )
        if action in ("review", "export"):
            return rule(below=self.review_paths, unless=self.officer_ids)
        if action == "assign":
            return rule(
                below=self.review_paths, unless=self.officer_ids, units=self.register_unit_ids
            )
        if action == "supervise":
            return rule(
                below=self.review_paths,
                unless=self.officer_ids,
                under=self.liaison_paths,
                units=self.register_unit_ids,
            )
        if action == "liaise":
            return rule(under=self.liaison_paths)
        if action == "register":
            return rule(under=self.register_paths, units=self.register_unit_ids)
        return ""


def scope_for(user: User | AnonymousUser) -> Scope:
    """Computed once per user object (one query), so pages keep a fixed query count."""
    cached: Scope | None = getattr(user, SCOPE_ATTR, None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = Scope()
    else:
        posts = current_posts(user)
        officer = [p for p in posts if p.is_officer]
        scope = Scope(
            user_id=user.pk,
            is_admin=user.is_superuser,
            posts=tuple(posts),
            officer_ids=frozenset(p.organisation_id for p in officer),
            lead_ids=frozenset(p.organisation_id for p in posts if p.kind in Post.LEAD_KINDS),
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
            key_point_ids=frozenset(
                organ
                for p in posts
                if (p.is_officer or p.kind == Post.Kind.MEMBER)
                and p.organisation.tier.kind in (Tier.Kind.BRANCH, Tier.Kind.GENERAL_BRANCH)
                and (organ := _organ_committee_above(p.organisation)) is not None
            ),
        )
    if user.is_authenticated:
        setattr(user, SCOPE_ATTR, scope)
    return scope


def _organ_committee_above(branch: Organisation) -> int | None:
    """The 机关党委 a branch answers to, read from its path without a query: the organisation
    right below the branch's unit (unit → 机关党委 → [党总支 →] 党支部); None for a branch
    directly under its unit."""
    ancestors = branch.ancestor_ids
    if branch.unit_id not in ancestors:
        return None
    below_unit = ancestors.index(branch.unit_id) + 1
    return ancestors[below_unit] if below_unit < len(ancestors) else None


def organisations_for(
    user: User | AnonymousUser, action: Action = "view"
) -> QuerySet[Organisation]:
    return Organisation.objects.filter(scope_for(user).organisation_filter(action))


def can(user: User | AnonymousUser, action: Action | PersonAction, obj: Any) -> bool:
    return scope_for(user).can(action, obj)


def filter_for(
    user: User | AnonymousUser, queryset: QuerySet[M], *, action: PersonAction
) -> QuerySet[M]:
    """The rows of `queryset` on which `user` may do the person-level `action` (`RULES`)."""
    return queryset.filter(scope_for(user).person_filter(action, queryset.model))


class Refused(PermissionDenied):
    """A 403 that knows what was refused: `action` on one organisation, or `anywhere` for a page
    meant for people who may do it somewhere. Its English text is for the log line
    (logs.log_refusal); the 403 page says what was refused in Chinese (views/errors.py)."""

    def __init__(self, action: Action | PersonAction, *, anywhere: bool = False) -> None:
        self.action: Action | PersonAction = action
        self.anywhere = anywhere
        super().__init__(f"may not {action}{' anywhere' if anywhere else ''}")


def check(user: User | AnonymousUser, action: Action | PersonAction, obj: Any) -> None:
    """404 outside scope, 403 inside scope without the right to `action`. The register is
    its own scope: whatever is outside it does not exist (404). A person-level right is refused
    with a 404 unless its rule says which right makes the object exist (`Rule.refuse_inside`)."""
    scope = scope_for(user)
    outside: Action | PersonAction
    if action in PERSON_ACTIONS:
        outside = rule_for(action, type(obj)).refuse_inside or action
    else:
        # The register and the key points reach past what one views: their own right decides.
        outside = action if action in ("register", "read_key_points") else "view"
    # The messages are for the log line (logs.log_refusal); the pages never show them.
    if not scope.can(outside, obj):
        raise Http404(f"outside the scope ({outside})")
    if not scope.can(action, obj):
        raise Refused(action)


def get_for_user(
    user: User | AnonymousUser,
    queryset: QuerySet[M],
    *,
    action: Action | PersonAction,
    **lookup: Any,
) -> M:
    """Fetch one object for `user`; the queryset must select_related its organisation.

    Unordered: `first()` would sort the joined rows of a lookup by primary key, and the sort
    over a select_related's joins cost the scoring page 0.6 ms (bench/README.md)."""
    obj = next(iter(queryset.filter(**lookup).order_by()[:1]), None)
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
    return prefixed(scope_for(user).organisation_filter(action), via)


# Rights that are neither an organisation's nor a person's --------------------------------------


def organisers(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """Where a person may hold trainings (党务知识培训): where they fill in; admins, for any
    supervising organisation or unit (province- and unit-wide sessions, not every branch)."""
    if scope_for(user).is_admin:
        return Organisation.objects.filter(
            Q(tier__supervises_subtree=True) | Q(tier__kind=Tier.Kind.UNIT)
        )
    return organisations_for(user, "fill")


def sees_operations(user: User | AnonymousUser | None) -> bool:
    """Operational details (the health check's component states): Django staff and admins."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or scope_for(user).is_admin

"""Reads of who gets told: an organisation's officers, its supervising chain, its reviewers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from responsibility.models import Organisation, Post, User
from responsibility.selectors import current_post_filter

# --- who gets told -----------------------------------------------------------------------------


def officers_of(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    """Current officers of each organisation, active accounts only: one query."""
    return holders_of(organisation_ids, Post.OFFICER_KINDS)


def leads_of(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    """Current secretaries and deputy secretaries of each organisation (谁来干's escalation):
    one query."""
    return holders_of(organisation_ids, Post.LEAD_KINDS)


def holders_of(organisation_ids: Iterable[int], kinds: Iterable[str]) -> dict[int, list[User]]:
    """Current holders of posts of these kinds in each organisation, each person once, active
    accounts only: one query."""
    by_org: dict[int, list[User]] = defaultdict(list)
    posts = (
        Post.objects.filter(current_post_filter())
        .filter(
            kind__in=list(kinds),
            organisation_id__in=list(organisation_ids),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("organisation_id", "kind", "pk")
    )
    for post in posts:
        if all(user.pk != post.user_id for user in by_org[post.organisation_id]):
            by_org[post.organisation_id].append(post.user)
    return by_org


def supervising_chains(organisations: Iterable[tuple[int, str]]) -> dict[int, list[int]]:
    """{organisation id: its ancestors whose tier supervises the subtree, nearest first}: one
    query.

    The supervising organisations (the 工委 and each unit's 机关党委) are few, so they are all
    loaded and every path is walked in memory.
    """
    supervising = set(
        Organisation.objects.filter(tier__supervises_subtree=True, is_active=True).values_list(
            "pk", flat=True
        )
    )
    return {
        pk: [
            int(part)
            for part in reversed(path.strip("/").split("/")[:-1])
            if part and int(part) in supervising
        ]
        for pk, path in organisations
    }


def supervising_map(organisations: Iterable[tuple[int, str]]) -> dict[int, int]:
    """{organisation id: its nearest ancestor whose tier supervises the subtree}: one query."""
    return {pk: chain[0] for pk, chain in supervising_chains(organisations).items() if chain}


def reviewers_of(organisation: Organisation) -> list[User]:
    """The officers of the organisation that verifies this one's work (2 queries)."""
    supervisor = supervising_map([(organisation.pk, organisation.path)]).get(organisation.pk)
    if supervisor is None:
        return []
    return officers_of([supervisor]).get(supervisor, [])

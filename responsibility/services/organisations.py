"""Writes to the shared core. Each service records who did what in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import F

from .. import scope, work_versions
from ..audit import audit_entry
from ..models import AuditEntry, Organisation, Post, Tier, User


class ConcurrentEditError(Exception):
    """Somebody else saved the record since it was loaded (compare-and-swap failed)."""


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    organisation: Organisation | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = audit_entry(
        actor=actor, action=action, obj=obj, organisation=organisation, changes=changes
    )
    entry.save(force_insert=True)
    return entry


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed, as JSON-friendly strings."""

    def plain(value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        return str(value)

    return {
        key: [plain(before.get(key)), plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    tier: Tier,
    parent: Organisation | None,
    sort_order: int = 0,
) -> Organisation:
    organisation = Organisation.objects.create(
        code=code, name=name, tier=tier, parent=parent, sort_order=sort_order, path=""
    )
    organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
    organisation.depth = parent.depth + 1 if parent else 0
    if tier.kind == Tier.Kind.UNIT:
        organisation.unit = organisation
    elif parent is not None:
        organisation.unit_id = parent.unit_id
    organisation.save(update_fields=["path", "depth", "unit"])
    work_versions.bump(
        Organisation, Tier
    )  # what each scope covers of the tree (selectors.progress)
    audit_record(
        actor=actor,
        action="organisation.create",
        obj=organisation,
        organisation=organisation,
        changes={"code": code, "name": name, "tier": tier.name},
    )
    return organisation


def posts_version_bump(*, users: Iterable[User] | None = None) -> None:
    """Move on the posts version of these people (of everyone when None), so that every
    process reads their current posts again (scope.current_posts). The version on the given
    instances moves too, so that the rest of this request reads the change as well."""
    rows = User.objects.all()
    if users is None:  # the tree or a tier changed (the admin): what every scope covers too
        work_versions.bump(Organisation, Tier)
    if users is not None:
        users = list(users)
        rows = rows.filter(pk__in=[user.pk for user in users])
        for user in users:
            user.posts_version += 1
            scope.forget(user)
    rows.update(posts_version=F("posts_version") + 1)


@transaction.atomic
def post_create(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> Post:
    post = Post.objects.create(
        user=user, organisation=organisation, kind=kind, start_date=start_date, end_date=end_date
    )
    posts_version_bump(users=[user])
    audit_record(
        actor=actor,
        action="post.create",
        obj=post,
        organisation=organisation,
        changes={"user": user.username, "kind": post.get_kind_display()},
    )
    from .personal import personal_duties_for_new_post  # services.personal reads posts

    personal_duties_for_new_post(actor=actor, post=post)
    return post


@transaction.atomic
def post_end(*, actor: User | None, post: Post, end_date: datetime.date) -> Post:
    post.end_date = end_date
    post.save(update_fields=["end_date"])
    from .personal import personal_obligations_retire  # services.personal reads posts

    personal_obligations_retire(post=post)
    # The holder as loaded, else by id: ending a post must not cost a read of the person.
    holder = post.user if Post.user.is_cached(post) else User(pk=post.user_id)
    posts_version_bump(users=[holder])
    audit_record(
        actor=actor,
        action="post.end",
        obj=post,
        organisation=post.organisation,
        changes={"end_date": end_date.isoformat()},
    )
    return post

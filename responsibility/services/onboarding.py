"""Writes of onboarding from Excel: a checked plan (responsibility.onboarding) becomes
organisations, people and posts in one transaction."""

from __future__ import annotations

from django.db import transaction

from ..models import Organisation, User
from ..onboarding.reading import ImportPlan, ImportResult
from .organisations import audit_record, diff, organisation_create, post_create


@transaction.atomic
def onboarding_import(*, actor: User, plan: ImportPlan) -> ImportResult:
    """Write a checked plan: organisations, then people, then posts."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    result = ImportResult(
        organisations_skipped=plan.skipped_organisations, posts_skipped=plan.skipped_posts
    )
    needed = {row.parent_code for row in plan.organisations} | {row.org_code for row in plan.posts}
    by_code = {org.code: org for org in Organisation.objects.filter(code__in=needed)}
    for row in plan.organisations:
        by_code[row.code] = organisation_create(
            actor=actor,
            code=row.code,
            name=row.name,
            tier=row.tier,
            parent=by_code[row.parent_code] if row.parent_code else None,
            sort_order=row.sort_order,
        )
        result.organisations_created += 1

    wanted = {row.username for row in plan.posts}
    users = {user.username: user for user in User.objects.filter(username__in=wanted)}
    for username in sorted(wanted):
        details = plan.people[username]
        user = users.get(username)
        if user is None:
            user = User(
                username=username,
                full_name=details.full_name,
                phone=details.phone,
                email=details.email,
            )
            user.set_unusable_password()
            user.save()
            audit_record(
                actor=actor,
                action="user.create",
                obj=user,
                changes={"username": username, "source": "onboarding"},
            )
            users[username] = user
            result.users_created += 1
            continue
        before = {"full_name": user.full_name, "phone": user.phone, "email": user.email}
        user.full_name = user.full_name or details.full_name
        user.phone = user.phone or details.phone
        user.email = user.email or details.email
        changes = diff(
            before, {"full_name": user.full_name, "phone": user.phone, "email": user.email}
        )
        if changes:
            user.save(update_fields=list(changes))
            audit_record(actor=actor, action="user.update", obj=user, changes=changes)
            result.users_updated += 1

    for post_row in plan.posts:
        post_create(
            actor=actor,
            user=users[post_row.username],
            organisation=by_code[post_row.org_code],
            kind=post_row.kind,
            start_date=post_row.start_date,
            end_date=post_row.end_date,
        )
        result.posts_created += 1
    return result

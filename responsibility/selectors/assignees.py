"""Reads for named assignees (谁来干): whom an organisation's secretary may name."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Organisation, Post, User
from .organisations import current_post_filter


def assignable_people(organisation: Organisation) -> QuerySet[User]:
    """The organisation's people holding a post there today (services.assignees refuses
    anyone else), each once, by name: the assign forms' choices."""
    holders = Post.objects.filter(current_post_filter(), organisation=organisation).values(
        "user_id"
    )
    return User.objects.filter(pk__in=holders, is_active=True).order_by("full_name", "username")

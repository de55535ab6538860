"""Accountability and supervision (督查问责): findings, rectifications, the accountability
register, the in-app inbox, reminder digests and the email outbox, communication; one module
per concern, re-exported here (migration 0001 names `accountability.models._default_offsets`)."""

from .cases import AccountabilityCase
from .communication import Dispatch, LiaisonMeeting, Notice, NoticeRecipient
from .findings import Finding, Rectification, RectificationProgress
from .inbox import (
    Digest,
    DigestItem,
    Notification,
    OutboxMessage,
    ReminderSettings,
    _default_offsets,
    validate_offsets,
)

__all__ = [
    "AccountabilityCase",
    "Digest",
    "DigestItem",
    "Dispatch",
    "Finding",
    "LiaisonMeeting",
    "Notice",
    "NoticeRecipient",
    "Notification",
    "OutboxMessage",
    "Rectification",
    "RectificationProgress",
    "ReminderSettings",
    "_default_offsets",
    "validate_offsets",
]

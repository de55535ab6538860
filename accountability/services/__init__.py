"""Writes for supervision and accountability, one module per concern, re-exported here.

Each service records who did what in the same transaction; email leaves through the database
outbox and is enqueued only after the transaction commits.
"""

from responsibility.services import ConcurrentEditError, ServiceError

from .cases import CaseInput, case_create, case_update
from .communication import (
    dispatch_create,
    meeting_create,
    notice_publish,
    notice_read,
)
from .notifications import (
    Delivery,
    absolute,
    deliver_after_commit,
    inbox_version_bump,
    notification_read,
    notifications_read_all,
    notify,
    outbox_add,
    outbox_deliver,
    outbox_flush,
)
from .supervision import (
    existing_for,
    finding_create,
    rectification_create,
    rectification_progress_add,
    rectification_submit,
    rectification_update,
    rectification_verify,
)

__all__ = [
    "CaseInput",
    "ConcurrentEditError",
    "Delivery",
    "ServiceError",
    "absolute",
    "case_create",
    "case_update",
    "deliver_after_commit",
    "dispatch_create",
    "existing_for",
    "finding_create",
    "inbox_version_bump",
    "meeting_create",
    "notice_publish",
    "notice_read",
    "notification_read",
    "notifications_read_all",
    "notify",
    "outbox_add",
    "outbox_deliver",
    "outbox_flush",
    "rectification_create",
    "rectification_progress_add",
    "rectification_submit",
    "rectification_update",
    "rectification_verify",
]

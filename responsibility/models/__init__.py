"""Models of the shared core, one module per concern."""

from .checklists import Checklist, ChecklistItem, Frequency, Obligation, TemplateItem, Year
from .organisations import AuditEntry, Organisation, Post, Tier, User
from .quality import QualityFlag
from .records import Evidence, MeetingRecord, Opinion, ReopenRequest
from .versions import WorkVersion

__all__ = [
    "AuditEntry",
    "Checklist",
    "ChecklistItem",
    "Evidence",
    "Frequency",
    "MeetingRecord",
    "Obligation",
    "Opinion",
    "Organisation",
    "Post",
    "QualityFlag",
    "ReopenRequest",
    "TemplateItem",
    "Tier",
    "User",
    "WorkVersion",
    "Year",
]

"""Models of the shared core, one module per concern."""

from .attendance import MeetingAttendance
from .checklists import Checklist, ChecklistItem, Frequency, Obligation, TemplateItem, Year
from .organisations import AuditEntry, Organisation, Post, Tier, User
from .personal import LeaderLink, PersonalDuty, PersonalDutyTemplate, PersonalObligation
from .quality import QualityFlag
from .records import EntryReview, Evidence, MeetingRecord, Opinion, ReopenRequest
from .versions import WorkVersion

__all__ = [
    "AuditEntry",
    "Checklist",
    "ChecklistItem",
    "EntryReview",
    "Evidence",
    "Frequency",
    "LeaderLink",
    "MeetingAttendance",
    "MeetingRecord",
    "Obligation",
    "Opinion",
    "Organisation",
    "PersonalDuty",
    "PersonalDutyTemplate",
    "PersonalObligation",
    "Post",
    "QualityFlag",
    "ReopenRequest",
    "TemplateItem",
    "Tier",
    "User",
    "WorkVersion",
    "Year",
]

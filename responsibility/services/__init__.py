"""Writes of the shared core; one module per concern, re-exported here."""

from ..errors import ServiceError
from .assignees import checklist_item_assign, obligation_assign, obligation_unassign
from .attendance import (
    MAKEUP_DAYS,
    AttendanceLine,
    makeup_complete,
    meeting_attendance_record,
    quorate,
)
from .checklist_excel import checklist_import, template_import
from .checklists import (
    checklist_item_create,
    checklist_item_update,
    obligations_dispatch,
    opinion_acknowledge,
    opinion_submit,
)
from .entry_reviews import EntryChangedError, entry_review_decide
from .key_points import checklist_item_key_point_set
from .obligations import (
    EntryClosedError,
    EvidenceRejected,
    MeetingInput,
    evidence_check,
    evidence_upload,
    obligation_detach_evidence,
    obligation_fill,
    obligation_reopen,
    occurrence_record,
)
from .onboarding import onboarding_import
from .organisations import (
    ConcurrentEditError,
    audit_record,
    diff,
    organisation_create,
    post_create,
    post_end,
    posts_version_bump,
)
from .personal import (
    personal_duties_create,
    personal_obligation_detach_evidence,
    personal_obligation_fill,
    personal_obligation_reopen,
    personal_obligations_generate,
)
from .quality import quality_flag_dismiss, quality_flags_compute, quality_flags_refresh
from .reopen_requests import reopen_request_create, reopen_request_decide
from .years import (
    checklists_create,
    default_templates_load,
    obligations_generate,
    year_activate,
    year_close,
    year_create,
)

__all__ = [
    "MAKEUP_DAYS",
    "AttendanceLine",
    "ConcurrentEditError",
    "EntryChangedError",
    "EntryClosedError",
    "EvidenceRejected",
    "MeetingInput",
    "ServiceError",
    "audit_record",
    "checklist_import",
    "checklist_item_assign",
    "checklist_item_create",
    "checklist_item_key_point_set",
    "checklist_item_update",
    "checklists_create",
    "default_templates_load",
    "diff",
    "entry_review_decide",
    "evidence_check",
    "evidence_upload",
    "makeup_complete",
    "meeting_attendance_record",
    "obligation_assign",
    "obligation_detach_evidence",
    "obligation_fill",
    "obligation_reopen",
    "obligation_unassign",
    "obligations_dispatch",
    "obligations_generate",
    "occurrence_record",
    "onboarding_import",
    "opinion_acknowledge",
    "opinion_submit",
    "organisation_create",
    "personal_duties_create",
    "personal_obligation_detach_evidence",
    "personal_obligation_fill",
    "personal_obligation_reopen",
    "personal_obligations_generate",
    "post_create",
    "post_end",
    "posts_version_bump",
    "quality_flag_dismiss",
    "quality_flags_compute",
    "quality_flags_refresh",
    "quorate",
    "reopen_request_create",
    "reopen_request_decide",
    "template_import",
    "year_activate",
    "year_close",
    "year_create",
]

"""Writes for assessment, one module per concern, re-exported here. Scoring rules are in
scoring.py; these functions record decisions."""

from .backbone import backbone_propose, backbone_select, backbone_withdraw
from .cadres import (
    rotation_add,
    rotation_record,
    training_attendance_add,
    training_create,
)
from .exports import EXPORT_RESUME_AFTER, EXPORT_RESUME_BATCH, export_job_start, export_jobs_resume
from .ledger import ledger_decide, ledger_propose
from .people import (
    person_grade_cap_add,
    person_grade_cap_remove,
    person_rating_save,
    person_results_mark_stale,
    rating_open,
)
from .reports import (
    comment_add,
    meeting_close,
    report_draft,
    report_raters_set,
    report_save,
    report_sections_write,
    vote_cast,
)
from .reviews import (
    TRANSITIONS,
    ScoreInput,
    review_may,
    review_refusal,
    review_scores_save,
    review_self_assess,
    review_start,
    review_transition,
    round_create,
)
from .schemes import (
    NOT_SCORING,
    WEIGHT_FIELDS,
    AssessmentError,
    PreviewRecord,
    grade_cap_add,
    grade_cap_remove,
    results_mark_stale,
    scheme_create,
    scheme_update,
)

__all__ = [
    "EXPORT_RESUME_AFTER",
    "EXPORT_RESUME_BATCH",
    "NOT_SCORING",
    "TRANSITIONS",
    "WEIGHT_FIELDS",
    "AssessmentError",
    "PreviewRecord",
    "ScoreInput",
    "backbone_propose",
    "backbone_select",
    "backbone_withdraw",
    "comment_add",
    "export_job_start",
    "export_jobs_resume",
    "grade_cap_add",
    "grade_cap_remove",
    "ledger_decide",
    "ledger_propose",
    "meeting_close",
    "person_grade_cap_add",
    "person_grade_cap_remove",
    "person_rating_save",
    "person_results_mark_stale",
    "rating_open",
    "report_draft",
    "report_raters_set",
    "report_save",
    "report_sections_write",
    "results_mark_stale",
    "review_may",
    "review_refusal",
    "review_scores_save",
    "review_self_assess",
    "review_start",
    "review_transition",
    "rotation_add",
    "rotation_record",
    "round_create",
    "scheme_create",
    "scheme_update",
    "training_attendance_add",
    "training_create",
    "vote_cast",
]

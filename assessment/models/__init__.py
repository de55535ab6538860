"""Assessment (考核评价): schemes, quarterly reviews, ledger, year-end reports, votes, results,
party-affairs cadres; one module per concern, re-exported here."""

from .backbone import BackboneCandidate
from .cadres import Rotation, Training, TrainingAttendance
from .people import PersonGradeCap, PersonRating, PersonResult
from .reports import DutyReport, DutyReportSection, ReviewComment, Vote
from .results import AnnualResult, ExportJob, GradeCap
from .reviews import ItemScore, LedgerEntry, OrganisationReview, ReviewRound
from .schemes import (
    GRADE_ORDER,
    PERSON_FIELDS,
    Grade,
    Scheme,
    SchemePreview,
    pct_field,
    worse_grade,
)

__all__ = [
    "GRADE_ORDER",
    "PERSON_FIELDS",
    "AnnualResult",
    "BackboneCandidate",
    "DutyReport",
    "DutyReportSection",
    "ExportJob",
    "Grade",
    "GradeCap",
    "ItemScore",
    "LedgerEntry",
    "OrganisationReview",
    "PersonGradeCap",
    "PersonRating",
    "PersonResult",
    "ReviewComment",
    "ReviewRound",
    "Rotation",
    "Scheme",
    "SchemePreview",
    "Training",
    "TrainingAttendance",
    "Vote",
    "pct_field",
    "worse_grade",
]

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AnnualResult,
    BackboneCandidate,
    DutyReport,
    DutyReportSection,
    ExportJob,
    GradeCap,
    ItemScore,
    LedgerEntry,
    OrganisationReview,
    PersonGradeCap,
    PersonRating,
    PersonResult,
    ReviewComment,
    ReviewRound,
    Rotation,
    Scheme,
    SchemePreview,
    Training,
    TrainingAttendance,
    Vote,
)


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["year", "weight_process", "weight_quarterly", "weight_year_end", "good_min"]
    search_fields = ["year__year"]
    readonly_fields = ["version"]


@admin.register(SchemePreview)
class SchemePreviewAdmin(admin.ModelAdmin):
    """A record of what a saved scheme change did: read-only, as the audit trail is."""

    list_display = ["scheme", "scheme_version", "created_by", "created_at", "was_shown"]
    list_select_related = ["scheme__year", "created_by"]
    search_fields = ["scheme__year__year"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ["year", "quarter", "opens_on", "closes_on", "allow_self_assessment"]
    list_filter = ["year", "quarter"]
    search_fields = ["year__year"]


class ItemScoreInline(admin.TabularInline):
    model = ItemScore
    extra = 0
    raw_id_fields = ["item"]
    readonly_fields = ["version"]


@admin.register(OrganisationReview)
class OrganisationReviewAdmin(admin.ModelAdmin):
    list_display = ["organisation", "round", "status", "scored_by", "confirmed_by", "published_at"]
    list_filter = ["status", "round"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "round__year", "scored_by", "confirmed_by"]
    raw_id_fields = ["organisation", "scored_by", "confirmed_by"]
    inlines = [ItemScoreInline]
    readonly_fields = ["version"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "kind", "points", "status", "proposed_by", "decided_by"]
    list_filter = ["kind", "status", "year"]
    search_fields = ["organisation__name", "reason"]
    list_select_related = ["organisation", "year", "proposed_by", "decided_by"]
    raw_id_fields = ["organisation", "evidence", "proposed_by", "decided_by"]


class ReviewCommentInline(admin.TabularInline):
    model = ReviewComment
    extra = 0
    raw_id_fields = ["author"]


@admin.register(DutyReport)
class DutyReportAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "submitted_by", "submitted_at", "meeting_closed_at"]
    list_filter = ["year"]
    search_fields = ["organisation__name", "text"]
    list_select_related = ["organisation", "year", "submitted_by"]
    raw_id_fields = ["organisation", "submitted_by"]
    filter_horizontal = ["raters", "attachments"]
    inlines = [ReviewCommentInline]
    readonly_fields = ["version"]


@admin.register(GradeCap)
class GradeCapAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "max_grade", "source", "created_at"]
    list_filter = ["max_grade", "year"]
    search_fields = ["organisation__name", "reason", "source"]
    raw_id_fields = ["organisation", "created_by"]


@admin.register(AnnualResult)
class AnnualResultAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "year",
        "version",
        "composite",
        "grade",
        "rank_in_tier",
        "is_current",
        "published_at",
    ]
    list_filter = ["year", "grade", "is_current"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "year"]
    raw_id_fields = ["organisation"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # results change only through computation, which keeps versions


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "requested_by", "year", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["requested_by__username"]
    raw_id_fields = ["requested_by"]


class AttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "topic", "organiser", "hours", "is_party_knowledge"]
    list_filter = ["is_party_knowledge"]
    search_fields = ["topic", "organiser__name"]
    raw_id_fields = ["organiser", "created_by"]
    inlines = [AttendanceInline]
    date_hierarchy = "held_on"


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = ["person", "moved_on", "from_post", "to_post"]
    search_fields = ["person__username", "person__full_name", "from_post", "to_post"]
    raw_id_fields = ["person", "recorded_by", "from_post_link", "to_post_link"]


@admin.register(BackboneCandidate)
class BackboneCandidateAdmin(admin.ModelAdmin):
    list_display = ["person", "organisation", "state", "proposed_on", "decided_on"]
    list_filter = ["state"]
    search_fields = ["person__username", "person__full_name", "organisation__name", "reason"]
    raw_id_fields = ["person", "organisation", "proposed_by", "decided_by", "post"]
    readonly_fields = ["version"]


@admin.register(ItemScore)
class ItemScoreAdmin(admin.ModelAdmin):
    list_display = ["review", "item", "score", "max_points", "reason"]
    search_fields = ["item__ref", "reason", "review__organisation__name"]
    raw_id_fields = ["review", "item"]
    readonly_fields = ["version"]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Votes are anonymous in results: the admin shows tallies' raw rows without the rater."""

    list_display = ["report", "choice", "cast_at"]
    list_filter = ["choice"]
    search_fields = ["report__organisation__name"]
    exclude = ["rater"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    list_display = ["report", "author", "created_at"]
    search_fields = ["text", "report__organisation__name"]
    raw_id_fields = ["report", "author"]


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(admin.ModelAdmin):
    list_display = ["training", "person", "hours"]
    search_fields = ["person__username", "person__full_name", "training__topic"]
    raw_id_fields = ["training", "person"]


@admin.register(DutyReportSection)
class DutyReportSectionAdmin(admin.ModelAdmin):
    list_display = ["report", "title", "sort_order"]
    search_fields = ["report__organisation__name", "title", "text"]
    list_select_related = ["report__organisation", "report__year"]
    raw_id_fields = ["report"]


@admin.register(PersonGradeCap)
class PersonGradeCapAdmin(admin.ModelAdmin):
    list_display = ["person", "year", "max_grade", "source", "created_at"]
    list_filter = ["max_grade", "year"]
    search_fields = ["person__username", "person__full_name", "source"]
    raw_id_fields = ["person", "organisation", "created_by"]


@admin.register(PersonRating)
class PersonRatingAdmin(admin.ModelAdmin):
    list_display = ["report", "person", "rated_at"]
    search_fields = ["person__username", "person__full_name"]
    raw_id_fields = ["report", "person", "rater"]


@admin.register(PersonResult)
class PersonResultAdmin(admin.ModelAdmin):
    list_display = ["person", "year", "version", "composite", "grade", "is_current", "published_at"]
    list_filter = ["year", "grade", "is_current"]
    search_fields = ["person__username", "person__full_name"]
    list_select_related = ["person", "year"]
    raw_id_fields = ["person", "organisation"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # results change only through computation, which keeps versions

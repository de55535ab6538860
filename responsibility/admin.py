from typing import Any, cast

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    AuditEntry,
    Checklist,
    ChecklistItem,
    EntryReview,
    Evidence,
    LeaderLink,
    MeetingAttendance,
    MeetingRecord,
    Obligation,
    Opinion,
    Organisation,
    PersonalDuty,
    PersonalDutyTemplate,
    PersonalObligation,
    Post,
    QualityFlag,
    ReopenRequest,
    TemplateItem,
    Tier,
    User,
    WorkVersion,
    Year,
)


class PostsChangeAdmin(admin.ModelAdmin):
    """An admin whose edits may change anyone's current posts (a post, an organisation's place
    or unit, a tier's powers): every save or delete moves everyone's posts version on
    (services.posts_version_bump), so no process keeps serving a scope built on the old rows.
    Such edits are rare; one UPDATE of the people table is cheap beside a stale permission."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.posts_version_bump()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        services.posts_version_bump()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        services.posts_version_bump()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        services.posts_version_bump()


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "phone", "email", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "phone", "email"]
    list_filter = ["is_active", "is_superuser", "is_staff"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("个人信息（补充）"), {"fields": ("full_name", "phone", "birth_date")}),
    )


@admin.register(Tier)
class TierAdmin(PostsChangeAdmin):
    list_display = ["name", "kind", "responsibility", "supervises_subtree", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "responsibility"]
    list_filter = ["supervises_subtree", "has_checklist"]


@admin.register(Organisation)
class OrganisationAdmin(PostsChangeAdmin):
    list_display = ["name", "code", "tier", "parent", "unit", "is_active"]
    list_filter = ["tier", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["tier", "parent", "unit"]
    readonly_fields = ["path", "depth", "unit"]
    autocomplete_fields = ["parent"]
    inlines = [PostInline]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # New organisations go through the service so path, depth and unit are set.
        created = services.organisation_create(
            # The admin site serves signed-in staff only.
            actor=cast(User, request.user),
            code=obj.code,
            name=obj.name,
            tier=obj.tier,
            parent=obj.parent,
            sort_order=obj.sort_order,
        )
        obj.pk = created.pk
        obj.path, obj.depth, obj.unit_id = created.path, created.depth, created.unit_id


@admin.register(Post)
class PostAdmin(PostsChangeAdmin):
    list_display = ["user", "organisation", "kind", "division", "start_date", "end_date"]
    list_filter = ["kind", "organisation__tier"]
    search_fields = ["user__username", "user__full_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    date_hierarchy = "start_date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action_display", "object_type", "object_repr", "organisation"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor__username", "actor__full_name"]
    list_select_related = ["actor", "organisation"]
    date_hierarchy = "at"

    @admin.display(description=_("操作"), ordering="action")
    def action_display(self, entry: AuditEntry) -> str:
        return entry.action_label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkVersion)
class WorkVersionAdmin(admin.ModelAdmin):
    """Read-only: the services move these numbers (responsibility/work_versions.py)."""

    list_display = ["label", "version"]
    search_fields = ["label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Year)
class YearAdmin(admin.ModelAdmin):
    list_display = ["year", "status", "entry_grace_days", "activated_at"]
    list_filter = ["status"]
    search_fields = ["year"]


@admin.register(TemplateItem)
class TemplateItemAdmin(admin.ModelAdmin):
    list_display = ["ref", "tier", "group", "content", "points", "frequency", "is_active"]
    list_filter = ["tier", "group", "frequency", "is_active"]
    search_fields = ["ref", "content", "source"]
    list_select_related = ["tier"]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "locked_at", "created_at"]
    list_filter = ["year"]
    search_fields = ["organisation__name", "organisation__code"]
    list_select_related = ["organisation", "year"]
    raw_id_fields = ["organisation"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["ref", "checklist", "group", "content", "points", "frequency"]
    list_filter = ["group", "frequency", "checklist__year"]
    search_fields = ["ref", "content", "checklist__organisation__name"]
    list_select_related = ["checklist__organisation", "checklist__year"]
    raw_id_fields = ["checklist", "template_item", "parent_item"]
    readonly_fields = ["version"]


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin):
    list_display = ["item", "organisation", "period_label", "due_date", "status", "is_late"]
    list_filter = ["status", "is_late", "year"]
    search_fields = ["item__ref", "item__content", "organisation__name"]
    list_select_related = ["item", "organisation"]
    raw_id_fields = ["item", "organisation", "updated_by"]
    filter_horizontal = ["evidence"]
    readonly_fields = ["version", "is_late"]
    date_hierarchy = "due_date"


@admin.register(PersonalDutyTemplate)
class PersonalDutyTemplateAdmin(admin.ModelAdmin):
    """Where admins edit the shipped personal duties (个人履责模板); a year's activation copies
    the active ones to each holder of the post (services.personal)."""

    list_display = ["ref", "tier", "post_kind", "content", "frequency", "due_days", "is_active"]
    list_filter = ["tier", "post_kind", "frequency", "is_active"]
    search_fields = ["ref", "content", "source"]
    list_select_related = ["tier"]


@admin.register(PersonalDuty)
class PersonalDutyAdmin(admin.ModelAdmin):
    list_display = ["ref", "person", "organisation", "year", "content", "frequency", "is_active"]
    list_filter = ["year", "frequency", "is_active"]
    search_fields = ["ref", "content", "person__username", "person__full_name"]
    list_select_related = ["person", "organisation", "year"]
    raw_id_fields = ["person", "post", "organisation", "template"]
    readonly_fields = ["version"]


@admin.register(PersonalObligation)
class PersonalObligationAdmin(admin.ModelAdmin):
    list_display = ["duty", "person", "period_label", "due_date", "status", "is_late"]
    list_filter = ["status", "is_late", "year"]
    search_fields = ["duty__ref", "duty__content", "person__username", "person__full_name"]
    list_select_related = ["duty", "person"]
    raw_id_fields = ["duty", "person", "organisation", "updated_by"]
    filter_horizontal = ["evidence"]
    readonly_fields = ["version", "is_late"]
    date_hierarchy = "due_date"


@admin.register(LeaderLink)
class LeaderLinkAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "organisation", "department", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["person__username", "person__full_name", "organisation__name", "department"]
    list_select_related = ["person", "organisation"]
    raw_id_fields = ["person", "organisation"]
    readonly_fields = ["version"]


@admin.register(MeetingRecord)
class MeetingRecordAdmin(admin.ModelAdmin):
    list_display = ["obligation", "held_on", "topic", "attended_count", "expected_count"]
    search_fields = ["topic", "obligation__organisation__name"]
    raw_id_fields = ["obligation"]
    date_hierarchy = "held_on"


@admin.register(MeetingAttendance)
class MeetingAttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "person", "status", "makeup_due", "makeup_done_at"]
    list_filter = ["status"]
    search_fields = ["person__username", "person__full_name", "organisation__name"]
    raw_id_fields = ["meeting", "organisation", "person", "makeup_evidence", "makeup_by"]
    readonly_fields = ["version"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "organisation",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["content_type"]
    search_fields = ["original_name", "sha256", "organisation__name"]
    list_select_related = ["organisation", "uploaded_by"]
    raw_id_fields = ["organisation", "uploaded_by"]
    readonly_fields = ["sha256", "size", "content_type"]


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "submitted_by", "submitted_at", "acknowledged_at"]
    list_filter = ["year"]
    search_fields = ["organisation__name", "content"]
    list_select_related = ["organisation", "year", "submitted_by"]
    raw_id_fields = ["organisation", "submitted_by", "acknowledged_by"]


@admin.register(ReopenRequest)
class ReopenRequestAdmin(admin.ModelAdmin):
    list_display = ["obligation", "organisation", "requested_by", "requested_at", "state"]
    list_filter = ["state"]
    search_fields = ["organisation__name", "reason"]
    list_select_related = ["obligation__item", "organisation", "requested_by"]
    raw_id_fields = ["obligation", "organisation", "requested_by", "decided_by"]


@admin.register(EntryReview)
class EntryReviewAdmin(admin.ModelAdmin):
    list_display = ["obligation", "organisation", "decision", "reviewed_by", "reviewed_at"]
    list_filter = ["decision", "sampled"]
    search_fields = ["organisation__name", "reason"]
    list_select_related = ["obligation__item", "organisation", "reviewed_by"]
    raw_id_fields = ["obligation", "organisation", "reviewed_by"]


@admin.register(QualityFlag)
class QualityFlagAdmin(admin.ModelAdmin):
    list_display = ["kind", "obligation", "organisation", "computed_at", "dismissed_at"]
    list_filter = ["kind", "year"]
    search_fields = ["organisation__name", "dismissal_reason"]
    list_select_related = ["obligation__item", "organisation"]
    raw_id_fields = [
        "obligation",
        "organisation",
        "other_obligation",
        "evidence",
        "dismissed_by",
    ]
    # Flags are computed (services.quality) and dismissed on the reviewers' page, audited.
    readonly_fields = ["computed_at", "dismissed_by", "dismissed_at", "dismissal_reason"]


# django-axes ships no zh-hans catalogue, and its AppConfig has no verbose_name to translate (the
# admin would show "Axes"); settings list the app itself, so the admin's names are set here.
AXES_NAMES = {
    "": _("登录防护"),
    "accessattempt": _("登录失败计数"),
    "accessattemptexpiration": _("登录失败计数有效期"),
    "accessfailurelog": _("登录失败日志"),
    "accesslog": _("登录日志"),
}


def _name_axes() -> None:
    config = apps.get_app_config("axes")
    config.verbose_name = AXES_NAMES[""]
    for model in config.get_models():
        # Every installed model has a model_name; the stubs allow None before class creation.
        name = AXES_NAMES[str(model._meta.model_name)]
        model._meta.verbose_name = model._meta.verbose_name_plural = name


_name_axes()

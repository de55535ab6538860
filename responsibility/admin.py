from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AuditEntry, Organisation, Post, Tier, User


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
        *BaseUserAdmin.fieldsets,
        (_("个人信息（补充）"), {"fields": ("full_name", "phone", "birth_date")}),
    )


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "responsibility", "supervises_subtree", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "responsibility"]
    list_filter = ["supervises_subtree", "has_checklist"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "tier", "parent", "unit", "is_active"]
    list_filter = ["tier", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["tier", "parent", "unit"]
    readonly_fields = ["path", "depth", "unit"]
    autocomplete_fields = ["parent"]
    inlines = [PostInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if change:
            super().save_model(request, obj, form, change)
            return
        # New organisations go through the service so path, depth and unit are set.
        created = services.organisation_create(
            actor=request.user,
            code=obj.code,
            name=obj.name,
            tier=obj.tier,
            parent=obj.parent,
            sort_order=obj.sort_order,
        )
        obj.pk = created.pk
        obj.path, obj.depth, obj.unit_id = created.path, created.depth, created.unit_id


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "kind", "start_date", "end_date"]
    list_filter = ["kind", "organisation__tier"]
    search_fields = ["user__username", "user__full_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
    date_hierarchy = "start_date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr", "organisation"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor__username", "actor__full_name"]
    list_select_related = ["actor", "organisation"]
    date_hierarchy = "at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

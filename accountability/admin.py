from django.contrib import admin

from .models import (
    AccountabilityCase,
    Digest,
    DigestItem,
    Finding,
    Notification,
    OutboxMessage,
    Rectification,
    ReminderSettings,
)


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["year", "due_offsets", "remind_overdue", "escalation_days"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["found_on", "organisation", "severity", "recorded_by"]
    list_filter = ["severity"]
    raw_id_fields = ["organisation", "recorded_by", "evidence"]


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ["pk", "organisation", "source_type", "state", "deadline"]
    list_filter = ["state", "source_type"]
    raw_id_fields = ["organisation", "responsible_person", "created_by", "closed_by"]
    readonly_fields = ["version"]


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(admin.ModelAdmin):
    list_display = ["decided_on", "organisation", "person", "form"]
    raw_id_fields = ["organisation", "person", "created_by", "findings", "rectifications"]


class DigestItemInline(admin.TabularInline):
    model = DigestItem
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["date", "recipient", "channel", "sent_at"]
    list_filter = ["date", "channel"]
    raw_id_fields = ["recipient"]
    inlines = [DigestItemInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "title", "read_at"]
    raw_id_fields = ["recipient", "digest"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]

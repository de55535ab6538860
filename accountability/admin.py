from django.contrib import admin

from .models import (
    AccountabilityCase,
    Digest,
    DigestItem,
    Dispatch,
    Finding,
    LiaisonMeeting,
    Notice,
    NoticeRecipient,
    Notification,
    OutboxMessage,
    Rectification,
    RectificationProgress,
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


@admin.register(RectificationProgress)
class RectificationProgressAdmin(admin.ModelAdmin):
    list_display = ["rectification", "created_at"]
    raw_id_fields = ["rectification"]


@admin.register(DigestItem)
class DigestItemAdmin(admin.ModelAdmin):
    list_display = ["digest", "organisation"]
    raw_id_fields = ["digest", "organisation"]


class NoticeRecipientInline(admin.TabularInline):
    model = NoticeRecipient
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "sender", "created_at"]
    search_fields = ["title"]
    raw_id_fields = ["sender"]
    inlines = [NoticeRecipientInline]


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ["ref", "title", "sender", "created_at"]
    search_fields = ["ref", "title"]
    raw_id_fields = ["sender"]


@admin.register(LiaisonMeeting)
class LiaisonMeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "organisation"]
    list_filter = ["held_on"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation"]


@admin.register(NoticeRecipient)
class NoticeRecipientAdmin(admin.ModelAdmin):
    list_display = ["notice", "organisation", "first_read_at"]
    search_fields = ["notice__title", "organisation__name"]
    raw_id_fields = ["notice", "organisation"]

from django.urls import path

from .views import (
    assignees,
    attendance,
    checklist_excel,
    checklists,
    entry_reviews,
    floor,
    key_points,
    occurrences,
    onboarding,
    organisations,
    personal,
    quality,
    reopen_requests,
)

urlpatterns = [
    path("", organisations.home, name="home"),
    path("work/", checklists.my_work, name="my_work"),
    path("organisations/", organisations.organisation_tree, name="organisation_tree"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/switch/", organisations.organisation_switch, name="organisation_switch"),
    path(
        "organisations/<int:pk>/checklist/<int:year>/",
        checklists.checklist_detail,
        name="checklist_detail",
    ),
    path(
        "organisations/<int:pk>/checklist/<int:year>/items/new/",
        checklists.checklist_item_create,
        name="checklist_item_create",
    ),
    path("checklist-items/<int:pk>/", checklists.checklist_item_edit, name="checklist_item_edit"),
    path(
        "checklist-items/<int:pk>/key-point/",
        key_points.checklist_item_key_point,
        name="checklist_item_key_point",
    ),
    path(
        "organisations/<int:pk>/key-points/<int:year>/",
        key_points.key_point_list,
        name="key_point_list",
    ),
    path(
        "organisations/<int:pk>/opinion/<int:year>/", checklists.opinion_edit, name="opinion_edit"
    ),
    path(
        "checklist-items/<int:pk>/occurrences/new/",
        occurrences.occurrence_create,
        name="occurrence_create",
    ),
    path("obligations/<int:pk>/", checklists.obligation_detail, name="obligation_detail"),
    path("obligations/<int:pk>/reopen/", checklists.obligation_reopen, name="obligation_reopen"),
    path("obligations/<int:pk>/assign/", assignees.obligation_assign, name="obligation_assign"),
    path(
        "checklist-items/<int:pk>/assign/",
        assignees.checklist_item_assign,
        name="checklist_item_assign",
    ),
    path(
        "obligations/<int:pk>/reopen-request/",
        reopen_requests.reopen_request_create,
        name="reopen_request_create",
    ),
    path(
        "reopen-requests/<int:pk>/decide/",
        reopen_requests.reopen_request_decide,
        name="reopen_request_decide",
    ),
    path(
        "obligations/<int:pk>/evidence/<int:evidence_pk>/detach/",
        checklists.obligation_detach_evidence,
        name="obligation_detach_evidence",
    ),
    path("evidence/<int:pk>/", checklists.evidence_download, name="evidence_download"),
    # People's own duties (个人履责, #19.1)
    path("work/duties/", personal.my_duties, name="my_duties"),
    path("people/<int:pk>/duties/", personal.person_duties, name="person_duties"),
    path("people/<int:pk>/links/new/", personal.leader_link_create, name="leader_link_create"),
    path("leader-links/<int:pk>/end/", personal.leader_link_end, name="leader_link_end"),
    path("personal-duties/<int:pk>/edit/", personal.personal_duty_edit, name="personal_duty_edit"),
    path(
        "personal-obligations/<int:pk>/",
        personal.personal_obligation_detail,
        name="personal_obligation_detail",
    ),
    path(
        "personal-obligations/<int:pk>/reopen/",
        personal.personal_obligation_reopen,
        name="personal_obligation_reopen",
    ),
    path(
        "personal-obligations/<int:pk>/evidence/<int:evidence_pk>/detach/",
        personal.personal_obligation_detach_evidence,
        name="personal_obligation_detach_evidence",
    ),
    path(
        "organisations/<int:pk>/quality/<int:year>/",
        quality.quality_flag_list,
        name="quality_flag_list",
    ),
    path(
        "quality-flags/<int:pk>/dismiss/", quality.quality_flag_dismiss, name="quality_flag_dismiss"
    ),
    path("progress/", checklists.progress_overview, name="progress_overview"),
    path("floor/", floor.floor, name="floor"),
    path("opinions/", checklists.opinion_list, name="opinion_list"),
    path(
        "opinions/<int:pk>/acknowledge/",
        checklists.opinion_acknowledge,
        name="opinion_acknowledge",
    ),
    path("years/", checklists.year_list, name="year_list"),
    path("years/<int:year>/<slug:action>/", checklists.year_action, name="year_action"),
    path("onboarding/", onboarding.onboarding_import, name="onboarding_import"),
    path(
        "onboarding/template.xlsx",
        onboarding.onboarding_template,
        name="onboarding_template",
    ),
    path(
        "templates/<slug:tier_kind>/import/",
        checklist_excel.template_import,
        name="checklist_template_import",
    ),
    path(
        "organisations/<int:pk>/checklist/<int:year>/import/",
        checklist_excel.checklist_import,
        name="checklist_import",
    ),
    path(
        "organisations/<int:pk>/checklist/<int:year>/export.xlsx",
        checklist_excel.checklist_export,
        name="checklist_export",
    ),
    path(
        "checklists/import-template.xlsx",
        checklist_excel.import_template,
        name="checklist_import_template",
    ),
    # Per-entry review (履责记实逐条审核, #20.2)
    path("obligations/<int:pk>/review/", entry_reviews.entry_review, name="entry_review"),
    path("entry-reviews/sample/", entry_reviews.entry_sample, name="entry_sample"),
    # Named attendance (#20.1): a meeting's roster, its sign-in sheet, 补课, a person's meetings.
    path(
        "obligations/<int:pk>/attendance/",
        attendance.meeting_attendance,
        name="meeting_attendance",
    ),
    path(
        "obligations/<int:pk>/attendance/import/",
        attendance.meeting_attendance_import,
        name="meeting_attendance_import",
    ),
    path("attendance/<int:pk>/makeup/", attendance.makeup_complete, name="makeup_complete"),
    path("people/<int:pk>/meetings/", attendance.person_meetings, name="person_meetings"),
]

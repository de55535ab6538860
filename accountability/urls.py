from django.urls import path

from .views import cases, communication, findings, inbox, rectifications, worklist

urlpatterns = [
    path("todo/", worklist.work_queue, name="work_queue"),
    path("findings/", findings.finding_list, name="finding_list"),
    path("findings/new/", findings.finding_create, name="finding_create"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("rectifications/", rectifications.rectification_list, name="rectification_list"),
    path(
        "rectifications/export.xlsx",
        rectifications.rectification_export,
        name="rectification_export",
    ),
    path(
        "rectifications/new/",
        rectifications.rectification_from_source,
        name="rectification_from_source",
    ),
    path(
        "rectifications/<int:pk>/",
        rectifications.rectification_detail,
        name="rectification_detail",
    ),
    path(
        "rectifications/<int:pk>/edit/",
        rectifications.rectification_edit,
        name="rectification_edit",
    ),
    path(
        "rectifications/<int:pk>/progress/",
        rectifications.rectification_progress,
        name="rectification_progress",
    ),
    path(
        "rectifications/<int:pk>/submit/",
        rectifications.rectification_submit,
        name="rectification_submit",
    ),
    path(
        "rectifications/<int:pk>/verify/",
        rectifications.rectification_verify,
        name="rectification_verify",
    ),
    path("organisations/<int:pk>/record/", inbox.supervision_record, name="supervision_record"),
    path("inbox/", inbox.notification_list, name="notification_list"),
    path("inbox/<int:pk>/", inbox.notification_open, name="notification_open"),
    path("inbox/read-all/", inbox.notification_read_all, name="notification_read_all"),
    path("accountability/", cases.case_list, name="case_list"),
    path("accountability/new/", cases.case_create, name="case_create"),
    path("accountability/<int:pk>/", cases.case_detail, name="case_detail"),
    path("accountability/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("accountability/<int:pk>/document/", cases.case_document, name="case_document"),
]

urlpatterns += [
    path("notices/", communication.notice_list, name="notice_list"),
    path("notices/new/", communication.notice_create, name="notice_create"),
    path("notices/<int:pk>/", communication.notice_detail, name="notice_detail"),
    path(
        "notices/<int:pk>/files/<int:evidence_pk>/",
        communication.notice_attachment,
        name="notice_attachment",
    ),
    path("dispatches/", communication.dispatch_list, name="dispatch_list"),
    path("dispatches/new/", communication.dispatch_create, name="dispatch_create"),
    path("dispatches/<int:pk>/", communication.dispatch_detail, name="dispatch_detail"),
    path("liaison/meetings/", communication.meeting_list, name="meeting_list"),
    path("liaison/meetings/new/", communication.meeting_create, name="meeting_create"),
    path("liaison/meetings/<int:pk>/", communication.meeting_detail, name="meeting_detail"),
    path("liaison/progress/", communication.liaison_progress, name="liaison_progress"),
]

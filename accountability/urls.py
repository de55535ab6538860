from django.urls import path

from .views import cases, findings, inbox, rectifications

urlpatterns = [
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

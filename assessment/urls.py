from django.urls import path

from .views import cadre_record, cadres, dashboard, reports, results, reviews

urlpatterns = [
    path("rounds/", reviews.round_list, name="round_list"),
    path("rounds/<int:pk>/", reviews.review_round_detail, name="review_round_detail"),
    path("rounds/<int:pk>/start/<int:organisation_pk>/", reviews.review_start, name="review_start"),
    path("reviews/<int:pk>/", reviews.review_score, name="review_score"),
    path("reviews/<int:pk>/self/", reviews.review_self_assess, name="review_self_assess"),
    path(
        "reviews/<int:pk>/items/<int:item_pk>/evidence/",
        reviews.review_item_evidence,
        name="review_item_evidence",
    ),
    path("reviews/<int:pk>/<slug:action>/", reviews.review_transition, name="review_transition"),
    path(
        "organisations/<int:pk>/scores/<int:year>/",
        reviews.organisation_scores,
        name="organisation_scores",
    ),
    path("ledger/", reviews.ledger_list, name="ledger_list"),
    path("organisations/<int:pk>/ledger/new/", reviews.ledger_propose, name="ledger_propose"),
    path("ledger/<int:pk>/decide/", reviews.ledger_decide, name="ledger_decide"),
    path("organisations/<int:pk>/report/<int:year>/", reports.report_edit, name="report_edit"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/vote/", reports.report_vote, name="report_vote"),
    path("reports/<int:pk>/comment/", reports.report_comment, name="report_comment"),
    path("reports/<int:pk>/close/", reports.report_close, name="report_close"),
    path(
        "organisations/<int:pk>/report/<int:year>/draft/",
        reports.report_draft,
        name="report_draft",
    ),
    path("reports/<int:pk>/docx/", reports.report_docx, name="report_docx"),
    path("results/<int:year>/", results.result_list, name="result_list"),
    path("results/<int:year>/refresh/", results.results_refresh, name="results_refresh"),
    path("results/detail/<int:pk>/", results.result_detail, name="result_detail"),
    path("scheme/<int:year>/", results.scheme_edit, name="scheme_edit"),
    path("results/<int:year>/export.xlsx", results.results_export, name="results_export"),
    path("exports/<int:pk>/", results.export_job, name="export_job"),
    path("exports/<int:pk>/download/", results.export_job_download, name="export_job_download"),
    path("dashboard/", dashboard.dashboard, name="assessment_dashboard"),
    path("cadres/<int:year>/", dashboard.cadre_records, name="cadre_records"),
    path("trainings/", cadres.training_list, name="training_list"),
    path("trainings/<int:pk>/", cadres.training_detail, name="training_detail"),
    path("trainings/<int:pk>/import/", cadres.training_import, name="training_import"),
    path("people/<int:pk>/", cadre_record.person_record, name="person_record"),
    path("people/<int:pk>/sheet/", cadre_record.person_sheet, name="person_sheet"),
    path(
        "people/<int:pk>/sheet.xlsx", cadre_record.person_sheet_export, name="person_sheet_export"
    ),
    path(
        "cadres/<int:year>/sheets.xlsx",
        cadre_record.cadre_sheets_export,
        name="cadre_sheets_export",
    ),
    path("cadres/backbones/", cadre_record.backbone_pool, name="backbone_pool"),
    path("cadres/backbones/<int:pk>/", cadre_record.backbone_candidate, name="backbone_candidate"),
    path("cadres/young/<int:year>/", cadres.young_cadres, name="young_cadres"),
    path("cadres/<int:year>/export.xlsx", cadres.cadre_export, name="cadre_export"),
]

from django.urls import path

from . import views, views_cadres, views_dashboard

urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:pk>/", views.review_round_detail, name="review_round_detail"),
    path("rounds/<int:pk>/start/<int:organisation_pk>/", views.review_start, name="review_start"),
    path("reviews/<int:pk>/", views.review_score, name="review_score"),
    path("reviews/<int:pk>/self/", views.review_self_assess, name="review_self_assess"),
    path("reviews/<int:pk>/<slug:action>/", views.review_transition, name="review_transition"),
    path(
        "organisations/<int:pk>/scores/<int:year>/",
        views.organisation_scores,
        name="organisation_scores",
    ),
    path("ledger/", views.ledger_list, name="ledger_list"),
    path("organisations/<int:pk>/ledger/new/", views.ledger_propose, name="ledger_propose"),
    path("ledger/<int:pk>/decide/", views.ledger_decide, name="ledger_decide"),
    path("organisations/<int:pk>/report/<int:year>/", views.report_edit, name="report_edit"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/vote/", views.report_vote, name="report_vote"),
    path("reports/<int:pk>/comment/", views.report_comment, name="report_comment"),
    path("reports/<int:pk>/close/", views.report_close, name="report_close"),
    path("results/<int:year>/", views.result_list, name="result_list"),
    path("results/detail/<int:pk>/", views.result_detail, name="result_detail"),
    path("scheme/<int:year>/", views.scheme_edit, name="scheme_edit"),
    path("results/<int:year>/export.xlsx", views.results_export, name="results_export"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export_job_download"),
    path("dashboard/", views_dashboard.dashboard, name="assessment_dashboard"),
    path("cadres/<int:year>/", views_dashboard.cadre_records, name="cadre_records"),
    path("trainings/", views_cadres.training_list, name="training_list"),
    path("trainings/<int:pk>/", views_cadres.training_detail, name="training_detail"),
    path("trainings/<int:pk>/import/", views_cadres.training_import, name="training_import"),
    path("people/<int:pk>/", views_cadres.person_record, name="person_record"),
    path("cadres/young/<int:year>/", views_cadres.young_cadres, name="young_cadres"),
]

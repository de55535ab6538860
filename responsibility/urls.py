from django.urls import path

from . import onboarding_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisation_tree, name="organisation_tree"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/switch/", views.organisation_switch, name="organisation_switch"),
    path("onboarding/", onboarding_views.onboarding_import, name="onboarding_import"),
    path(
        "onboarding/template.xlsx",
        onboarding_views.onboarding_template,
        name="onboarding_template",
    ),
]

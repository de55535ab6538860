from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from responsibility.forms import LoginForm
from responsibility.health import healthz, healthz_full

admin.site.site_header = _("责任链 管理后台")
admin.site.site_title = _("责任链")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/full", healthz_full, name="healthz_full"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("responsibility.urls")),
    path("assessment/", include("assessment.urls")),
    path("supervision/", include("accountability.urls")),
]

handler403 = "responsibility.views.errors.permission_denied"

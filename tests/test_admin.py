"""Every model of the three apps is in the Django admin, and its pages open for an admin."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

APPS = ("responsibility", "assessment", "accountability")


def test_it_registers_every_model() -> None:
    missing = [
        model._meta.label
        for name in APPS
        for model in apps.get_app_config(name).get_models()
        if model not in admin.site._registry
    ]
    assert not missing, f"models without an admin: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [m for name in APPS for m in apps.get_app_config(name).get_models()],
    ids=lambda m: m._meta.label,
)
def test_it_opens_each_changelist_and_search(model, active_world, as_user) -> None:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    client = as_user(active_world.admin)
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "甲"}).status_code == 200


CJK = re.compile(r"[\u4e00-\u9fff]")
# Apps with no models and no page in the admin, named only by their package: nobody reads them.
UNNAMED_APPS = {"crispy_forms", "crispy_bootstrap5", "django_htmx"}


def test_it_names_every_app_and_admin_model_in_chinese() -> None:
    with translation.override("zh-hans"):
        english_apps = {
            config.label
            for config in apps.get_app_configs()
            if not CJK.search(str(config.verbose_name))
        }
        english_models = [
            f"{model._meta.label}: {model._meta.verbose_name} / {model._meta.verbose_name_plural}"
            for model in admin.site._registry
            if not (
                CJK.search(str(model._meta.verbose_name))
                and CJK.search(str(model._meta.verbose_name_plural))
            )
        ]
    assert english_apps == UNNAMED_APPS
    assert not [m for m in admin.site._registry if m._meta.app_label in UNNAMED_APPS]
    assert not english_models


@pytest.mark.django_db
def test_it_shows_the_admin_index_in_chinese(active_world, as_user) -> None:
    page = as_user(active_world.admin).get(reverse("admin:index")).content.decode()
    assert "登录防护" in page
    assert "登录失败日志" in page
    assert not re.search(r"\bAxes\b|[Aa]ccess (attempt|log|failure)", page)

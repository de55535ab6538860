"""Every model of the three apps is in the Django admin, and its pages open for an admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

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

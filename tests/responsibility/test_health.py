import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_reports_the_database_without_login(client, settings) -> None:
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200
    assert body["database"]["status"] == "ok"
    assert body["redis"]["status"] == "not_configured"
    assert body["celery"]["status"] == "eager"


@pytest.mark.django_db
def test_it_reports_an_unreachable_redis(client, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"]["status"] == "error"
    assert response.json()["celery"]["status"] == "error"

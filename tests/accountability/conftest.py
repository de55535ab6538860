import pytest

from config.celery import app as celery_app
from responsibility import queue


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in-process here, whatever REDIS_URL says, unless a test starts real workers;
    the broker cool-down starts fresh for every test."""
    if request.node.get_closest_marker("celery_live"):
        yield
        return
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    queue.reset()
    yield
    celery_app.conf.task_always_eager = eager
    queue.reset()

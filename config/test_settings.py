"""Settings for the test suite: production settings plus a throwaway key."""

import os
from urllib.parse import urlsplit

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Tests change data between two views of a dashboard; the cache has its own test.
os.environ.setdefault("DASHBOARD_CACHE_SECONDS", "0")
# Pages' query counts are counted cold: the person cache has its own tests
# (tests/responsibility/test_person_cache.py), and tests/conftest.py empties it between tests.
os.environ.setdefault("PERSON_CACHE_SECONDS", "0")
# Likewise the work queue: tests/accountability/test_worklist_cache.py turns it on.
os.environ.setdefault("WORK_QUEUE_CACHE_SECONDS", "0")
# Each test process keeps its own cache (and database sessions), whatever REDIS_URL says: query
# counts must not depend on a shared Redis. The shared cache is tested with real servers
# (tests/production/test_two_servers.py).
os.environ.setdefault("CACHE_URL", "")
# Under pytest-xdist each test process publishes its Celery tasks to a Redis database of its own
# (13 for gw0, 12 for gw1, …), never 14 or 15: tests that start real workers empty and consume
# those (tests/production/stack.py, tests/accountability/test_celery_live.py), and a worker must
# not run a task that another process's test queued against another test database.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _redis = urlsplit(os.environ["REDIS_URL"])
    os.environ["REDIS_URL"] = _redis._replace(path=f"/{13 - int(_worker[2:]) % 14}").geturl()

from .settings import *  # noqa: E402, F403

# Production's hasher (PBKDF2) is slow by design, about half a second a sign-in here; a test
# that signs someone in is not about that. Tests of hashing and throttling are marked
# `real_password_hasher` (tests/conftest.py) and get production's hashers back.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

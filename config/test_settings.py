"""Settings for the test suite: production settings plus a throwaway key."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Tests change data between two views of a dashboard; the cache has its own test.
os.environ.setdefault("DASHBOARD_CACHE_SECONDS", "0")
# Each test process keeps its own cache (and database sessions), whatever REDIS_URL says: query
# counts must not depend on a shared Redis. The shared cache is tested with real servers
# (tests/production/test_two_servers.py).
os.environ.setdefault("CACHE_URL", "")

from .settings import *  # noqa: F403

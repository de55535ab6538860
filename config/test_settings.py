"""Settings for the test suite: production settings plus a throwaway key."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Tests change data between two views of a dashboard; the cache has its own test.
os.environ.setdefault("DASHBOARD_CACHE_SECONDS", "0")

from .settings import *  # noqa: F403

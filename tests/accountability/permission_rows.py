"""Permission-matrix rows for this app's URLs (collected by tests/test_permissions.py)."""

from tests.permissions_support import Row

ROWS: list[Row] = []

"""The product started as an operator starts it (tests/production/stack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.production.stack import Stack, demo_stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/production/" in str(item.path):
            item.add_marker(pytest.mark.production)


@pytest.fixture(autouse=True)
def _plain_settings() -> None:
    """Overrides the suite's autouse fixture: these tests configure their own processes."""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One demo installation per module: migrated, static collected, demo seeded."""
    root: Path = tmp_path_factory.mktemp("stack")
    with demo_stack(root) as installation:
        yield installation

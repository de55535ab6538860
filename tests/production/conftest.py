"""The product started as an operator starts it (tests/production/stack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.production.stack import Installed, Stack, demo_stack, installed_demo


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/production/" in str(item.path):
            item.add_marker(pytest.mark.production)


@pytest.fixture(autouse=True)
def _plain_settings() -> None:
    """Overrides the suite's autouse fixture: these tests configure their own processes."""


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """The install steps, run once per test process: they take most of a stack's start-up, and
    what they leave is only ever copied, never changed."""
    with installed_demo(tmp_path_factory.mktemp("installed")) as done:
        yield done


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, installed: Installed) -> Iterator[Stack]:
    """One demo installation per module (migrated, static collected, demo seeded): its own
    database, media, mail and processes."""
    root: Path = tmp_path_factory.mktemp("stack")
    with demo_stack(root, installed) as installation:
        yield installation

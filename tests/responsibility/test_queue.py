"""Every task is sent through responsibility.queue.enqueue: with a hung broker a direct
`delay()` or `apply_async()` would hold the page for the broker's timeouts and lose the work."""

from __future__ import annotations

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
APPS = ("accountability", "assessment", "config", "responsibility")
DIRECT = re.compile(r"\.(delay|apply_async)\(")


def test_no_task_is_sent_outside_the_fail_soft_enqueue() -> None:
    found = [
        f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}"
        for app in APPS
        for path in sorted((BASE_DIR / app).rglob("*.py"))
        if path != BASE_DIR / "responsibility" / "queue.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if DIRECT.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == []

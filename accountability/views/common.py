"""Small helpers shared by the pages."""

from __future__ import annotations


def to_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None

"""The canary crawl (tests/canary.py): every persona crawls every page and export, and each
confidential marker appears only for the audiences domain.md §8a allows."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.canary import CANARY_PERSONAS, build, crawl
from tests.factories import World


@pytest.mark.django_db
def test_it_shows_each_confidential_marker_only_to_its_audience(
    active_world: World, as_user: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    canary = build(active_world)
    seen_by: dict[str, dict[str, list[str]]] = {m.text: {} for m in canary.markers}
    pages: dict[str, int] = {}
    for persona in CANARY_PERSONAS:
        user = canary.persona(persona)
        result = crawl(
            as_user(user),
            canary.start_urls,
            canary.markers,
            is_admin=bool(user and user.is_superuser),
        )
        pages[persona] = result.pages
        for text, urls in result.seen.items():
            seen_by[text][persona] = urls
    leaks = [
        f"{marker.what} ({marker.text}) seen by {persona} at {urls[:3]}"
        for marker in canary.markers
        for persona, urls in seen_by[marker.text].items()
        if persona not in marker.allowed
    ]
    unreached = [
        f"{marker.what} ({marker.text})"
        for marker in canary.markers
        if not set(seen_by[marker.text]) & marker.allowed
    ]
    with capsys.disabled():
        print(f"\ncanary crawl: {time.monotonic() - started:.1f} s, pages per persona {pages}")
    assert not leaks, "Confidential markers outside their audience:\n" + "\n".join(leaks)
    assert not unreached, "Markers no allowed persona reached (crawl too shallow):\n" + "\n".join(
        unreached
    )

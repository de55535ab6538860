"""Links for the rows of long pages, worked out once a page rather than once a row."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

SENTINEL = 918273645


def pk_url(name: str, *after: object, before: tuple[object, ...] = ()) -> Callable[[int], str]:
    """`reverse(name, args=[*before, pk, *after])` for many pks at the cost of one reverse
    (~45 µs each; a branch's checklist links ~80 obligations)."""
    url = reverse(name, args=[*before, SENTINEL, *after])
    if url.count(str(SENTINEL)) != 1:
        raise ValueError(f"{name} does not take its pk as one path segment: {url}")
    head, rest = url.split(str(SENTINEL))
    return lambda pk: f"{head}{pk}{rest}"

"""Numbers from the query string, read one way on every page.

A filter value that is not a plain number in range (“²” and “١٢” pass `str.isdigit()` and fail
`int()`; twenty digits overflow the database's integer; NUL, NaN, “-1”) is treated as absent:
the page shows its unfiltered default, as for an empty select (tests/test_fuzz.py).
"""

from __future__ import annotations

from django.http import HttpRequest

# Ids, years, page numbers and day counts all fit PostgreSQL's 4-byte integer.
MAX_INT = 2**31 - 1


def number(value: object, *, minimum: int = 1, maximum: int = MAX_INT) -> int | None:
    """`value` as an int if it is ASCII digits within [minimum, maximum], else None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    parsed = int(value)
    return parsed if minimum <= parsed <= maximum else None


def query_number(
    request: HttpRequest, name: str, *, minimum: int = 1, maximum: int = MAX_INT
) -> int | None:
    return number(request.GET.get(name), minimum=minimum, maximum=maximum)

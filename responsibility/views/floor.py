"""The benchmark's floor page (bench/README.md): what any page costs before it does its job.

Session, user, scope, navigation and base.html, plus one scoped query of 50 organisations. The
benchmark reports each main page's saturated throughput as a ratio to this page's.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from .. import selectors
from ..http import AuthenticatedHttpRequest

FLOOR_ROWS = 50


@login_required
def floor(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = list(selectors.organisations(request.user)[:FLOOR_ROWS])
    return render(request, "responsibility/floor.html", {"rows": rows})

"""The work queue (我的待办): everyone's landing page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from responsibility import selectors as core
from responsibility.http import AuthenticatedHttpRequest

from ..selectors import worklist


@login_required
def work_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "accountability/work_queue.html",
        {
            "queue": worklist.work_queue(request.user, today=today),
            "today": today,
            "year": core.current_year_for(request),
        },
    )

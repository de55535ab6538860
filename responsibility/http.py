"""The request type of a view behind ``@login_required``.

django-stubs types ``HttpRequest.user`` as ``User | AnonymousUser``; behind ``login_required`` it
is always the signed-in ``User``, so those views take this narrower type (the recipe in
django-stubs' README, "How do I annotate cases where request.user is authenticated?").
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from responsibility.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    # django_htmx's middleware sets it on every request (its documented typing recipe).
    htmx: HtmxDetails

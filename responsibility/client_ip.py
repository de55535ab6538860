"""The client's address, for login throttling and the audit trail (settings: PROXY_COUNT)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind PROXY_COUNT reverse proxies the address the outermost one saw.

    Each proxy appends the address it received from to X-Forwarded-For, so that address is the
    PROXY_COUNT-th entry from the right; entries further left come from the client and can be
    forged. Set as AXES_CLIENT_IP_CALLABLE: django-axes reads PROXY_COUNT only through
    django-ipware, which is not installed (and trusts the leftmost entry).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote  # not through the expected proxies: the direct peer is all we know
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote

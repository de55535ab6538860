"""What the bad-input batteries share: hostile values, Chinese error fragments, and `state()`.

Each refused case must say what is wrong in Chinese and change nothing: `state()` compares every
row a form could touch, and the files under MEDIA_ROOT, before and after. Markup typed into any
text field must come back escaped on the next page that shows it. Each app's battery lives in
tests/<app>/test_bad_input.py; a new form gets a parametrised table there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from responsibility.models import (
    AuditEntry,
    ChecklistItem,
    Evidence,
    MeetingRecord,
    Obligation,
    Opinion,
    Organisation,
    Post,
    User,
    Year,
)

MARKUP = "<script>alert(1)</script><b>x</b>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"
SHORT_MARKUP = "<b>x</b>"  # for fields shorter than MARKUP
SHORT_ESCAPED = "&lt;b&gt;x&lt;/b&gt;"
FILE_MARKUP = "<img src=x onerror=alert(1)>.pdf"  # Django drops what precedes a "/" in names
FILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;.pdf"
LONG = "长" * 10_001
MISSING = object()

REQUIRED = "这个字段是必填项"
NOT_A_DATE = "输入一个有效的日期"
NOT_AN_INTEGER = "输入整数"
NOT_A_CHOICE = "选择一个有效的选项"
TOO_LONG = "不超过"


def state() -> dict[str, Any]:
    """Everything a refused form must leave alone."""
    media = Path(settings.MEDIA_ROOT)
    return {
        "obligations": list(
            Obligation.objects.order_by("pk").values_list(
                "pk",
                "status",
                "completed_on",
                "description",
                "na_reason",
                "is_late",
                "reopened_until",
                "version",
            )
        ),
        "meetings": list(MeetingRecord.objects.order_by("pk").values()),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "sha256")),
        "attached": list(Obligation.evidence.through.objects.order_by("pk").values_list()),
        "items": list(ChecklistItem.objects.order_by("pk").values()),
        "opinions": list(Opinion.objects.order_by("pk").values()),
        "years": list(Year.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "full_name")),
        "posts": list(Post.objects.order_by("pk").values()),
        # Sign-ins write auth.* entries; everything else counts as a change.
        "audit": AuditEntry.objects.exclude(action__startswith="auth.").count(),
        "files": sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
        if media.exists()
        else [],
    }


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_version(html: str) -> str:
    """The version a re-shown form will submit (its hidden `version` input)."""
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the form carries no version"
    return found.group(1)


def text_of(response) -> str:
    return response.content.decode()


def with_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The posted fields; a browser always sends the CSRF field, so a POST is never empty."""
    data = {"csrfmiddlewaretoken": "x", **base}
    for key, value in overrides.items():
        if value is MISSING:
            data.pop(key, None)
        else:
            data[key] = value() if callable(value) else value
    return data


def assert_escaped(html: str, escaped: str = ESCAPED, raw: str = MARKUP) -> None:
    assert raw not in html
    assert escaped in html


def upload(name: str, content: bytes) -> Callable[[], SimpleUploadedFile]:
    return lambda: SimpleUploadedFile(name, content)

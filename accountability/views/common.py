"""Small helpers shared by the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CONFLICT_MESSAGE = _("该记录已被他人修改。您填写的内容仍保留在下方，请核对最新内容后重新提交。")


def to_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None

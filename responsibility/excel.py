"""Reading cells of uploaded workbooks the way real offices fill them, for every importer.

Full-width and zero-width spaces, codes stored as numbers (1001.0), required-field marks in
headers: all normalised here so each importer only decides what a column means.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

EDGE_SPACE_RE = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")
ALL_SPACE_RE = re.compile(r"[\s\u200b\ufeff]+")
HEADER_NOISE_RE = re.compile(r"[*＊]|[（(](必填|选填)[)）]")


@dataclass(frozen=True)
class RowError:
    """One problem of an upload, named the way a person finds it in Excel."""

    sheet: str
    row: int | None  # as Excel shows it; None for problems with the file or a whole sheet
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.sheet}：{self.message}"
        return _("%(sheet)s 第%(row)s行「%(column)s」：%(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole numbers lose their ".0" (1001.0 → "1001")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return EDGE_SPACE_RE.sub("", str(value))


def cell_header(value: Any) -> str:
    """Header cells compare without any spaces, asterisks or a (必填)/(选填) note."""
    return HEADER_NOISE_RE.sub("", ALL_SPACE_RE.sub("", cell_text(value)))


def read_upload(uploaded: IO[bytes] | bytes) -> bytes:
    """The upload's bytes, at most one byte past the import limit (so size can be checked)."""
    if isinstance(uploaded, bytes):
        return uploaded
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    return uploaded.read(settings.IMPORT_MAX_BYTES + 1)

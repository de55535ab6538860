"""Quality flags (质量提示, issue #20.3): the checks' thresholds and their pure logic.

Five checks look at a year's records (the queries are in `checks`, set-based: a handful of
queries per check at any size, never one per obligation):

- same file (`SAME_FILE`): one evidence file (same SHA-256) proves obligations of different
  periods or of different organisations. One meeting proving two items of the same period in
  the same organisation (the committee meeting that was also the themed party day) is normal.
- meeting date (`MEETING_DATE`): a meeting record dated outside its obligation's period: a
  March meeting cannot be June's, and one held in April means March had none.
- similar text (`SIMILAR_TEXT`): an obligation's description or a meeting's minutes nearly the
  same as another record's of a different period or organisation. Texts are normalised
  (`normalise`: NFKC, no whitespace or punctuation, lower case); those shorter than
  `MIN_TEXT_CHARS` are stock phrases ("按要求完成，材料已归档。") and never compared. Two texts
  are near-identical when the Jaccard similarity of their character `SHINGLE`-grams is at least
  `SIMILARITY` (0.85: a copy with the date, the count or a name changed stays above it; two
  records written to the same outline by different people fall well below, around 0.4–0.6).
  Only candidates are compared: texts sharing a normalised prefix or suffix of `KEY_CHARS`
  characters (a copy keeps its opening or its ending), each with at most `WINDOW` earlier
  texts of its group, so the work grows linearly with the records.
- attendance (`ATTENDANCE`): a meeting's attended count is larger than the organisation's roster
  on the meeting date (people with a post there then). `roster` in `checks` is the one place
  that counts the roster; named attendance can replace the claimed count there later.
- backdated (`BACKDATED`): `BURST_MIN` or more completions saved by one person on one day within
  `LAST_DAYS` days before their due date, each dated at least `BACKDATE_DAYS` days before it
  was saved: the "everything done in March, all typed in on the last evening" pattern. The save
  time is the obligation's last update (`updated_at`).

A flag found again keeps its id and its dismissal; a flag no longer found is removed unless a
reviewer dismissed it (the dismissal and its reason stay on record).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

MIN_TEXT_CHARS = 40
SHINGLE = 3
SIMILARITY = 0.85
KEY_CHARS = 12
WINDOW = 20
BACKDATE_DAYS = 7
LAST_DAYS = 2
BURST_MIN = 5
# One file reused across hundreds of records is a template or a logo, not evidence reuse to
# weigh pair by pair: each obligation is still flagged, against the earliest other one.

_STRIP = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Finding:
    """One flag as a check found it: `other` is the other obligation's id or 0."""

    kind: str
    obligation_id: int
    organisation_id: int
    other: int = 0
    evidence_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.kind, self.obligation_id, self.other)


@dataclass(frozen=True)
class Record:
    """What the pairing checks compare: an obligation's period and organisation."""

    obligation_id: int
    organisation_id: int
    period_start: Any
    period_end: Any

    def differs(self, other: Record) -> bool:
        """Different organisation, or a different period: reuse there is worth a look."""
        return self.organisation_id != other.organisation_id or (
            self.period_start,
            self.period_end,
        ) != (other.period_start, other.period_end)


def normalise(text: str) -> str:
    """Compatibility forms folded (full-width digits, letters), whitespace and punctuation
    dropped, lower case: a copied text with the spacing or punctuation touched still matches."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text)).lower()


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    if len(text) <= size:
        return frozenset([text])
    return frozenset(text[i : i + size] for i in range(len(text) - size + 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def pair_first_other(records: list[Record]) -> Iterator[tuple[Record, Record]]:
    """Each record of a group (records sharing one file or one text) with the earliest other
    record that `differs` from it: every reused record is flagged once, naming one other,
    and a file shared by hundreds costs hundreds of flags, not their square."""
    ordered = sorted(records, key=lambda r: r.obligation_id)
    for record in ordered:
        other = next((o for o in ordered if o is not record and record.differs(o)), None)
        if other is not None:
            yield record, other


@dataclass
class Text:
    record: Record
    source: str  # the field compared: "description" or "minutes"
    normalised: str
    shingles: frozenset[str] = field(default_factory=frozenset)


def similar_pairs(texts: Iterable[Text]) -> Iterator[tuple[Text, Text, float]]:
    """Pairs of near-identical texts (see the module's docstring), each text with the most
    similar earlier candidate that `differs` from it. Linear in the texts: candidates share a
    prefix or suffix key, and each is compared with at most `WINDOW` of its group."""
    groups: dict[tuple[str, str], list[Text]] = {}
    for text in sorted(texts, key=lambda t: (t.record.obligation_id, t.source)):
        if len(text.normalised) < MIN_TEXT_CHARS:
            continue
        text.shingles = shingles(text.normalised)
        best: tuple[Text, float] | None = None
        seen: set[int] = set()
        for key in (("head", text.normalised[:KEY_CHARS]), ("tail", text.normalised[-KEY_CHARS:])):
            group = groups.setdefault(key, [])
            for earlier in group[-WINDOW:]:
                if id(earlier) in seen or not text.record.differs(earlier.record):
                    continue
                seen.add(id(earlier))
                shorter, longer = sorted((len(text.normalised), len(earlier.normalised)))
                if shorter < SIMILARITY * longer:
                    continue  # Jaccard cannot reach the threshold: skip the set work
                score = similarity(text.shingles, earlier.shingles)
                if score >= SIMILARITY and (best is None or score > best[1]):
                    best = (earlier, score)
            group.append(text)
        if best is not None:
            yield text, best[0], best[1]

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
  Only candidates are compared: the same normalised text (by hash), else texts sharing at
  least `MIN_SHARED` of `SEGMENTS` slices in the same place, from the start or from the end
  (see `similar_pairs`), each slice read `WINDOW` texts back, so the work grows linearly with
  the records. Digits are
  dropped with the punctuation: a copy with the date changed is the same text.
- attendance (`ATTENDANCE`): a meeting's attended count is larger than the organisation's roster
  on the meeting date (people with a post there then). `roster` in `checks` is the one place
  that counts the roster; named attendance can replace the claimed count there later.
- backdated (`BACKDATED`): `BURST_MIN` or more completions saved by one person on one day within
  `LAST_DAYS` days before their due date, each dated at least `BACKDATE_DAYS` days before it
  was saved: the "everything done weeks ago, all typed in on the last evening" pattern. Four is
  a branch's whole deadline under the default templates (its monthly meetings and a quarterly
  one fall due together); two weeks between the date claimed and the save is more than the
  paperwork of a meeting takes. Saved after the due date, a completion is marked late anyway
  (services.obligation_fill), so only the saves before it are looked at. The save time is the
  obligation's last update (`updated_at`).

A flag found again keeps its id and its dismissal; a flag no longer found is removed unless a
reviewer dismissed it (the dismissal and its reason stay on record).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

MIN_TEXT_CHARS = 40
SHINGLE = 3
SIMILARITY = 0.85
WINDOW = 8
SEGMENTS = 4
MIN_SHARED = 2
BACKDATE_DAYS = 14
LAST_DAYS = 2
BURST_MIN = 4
# One file reused across hundreds of records is a template or a logo, not evidence reuse to
# weigh pair by pair: each obligation is still flagged, against the earliest other one.

_STRIP = re.compile(r"[\W_\d]+", re.UNICODE)


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
    """Compatibility forms folded (full-width digits, letters), whitespace, punctuation and
    digits dropped, lower case: a copy with the spacing, the punctuation, a date or a count
    changed still matches (a text that differs from another only in its numbers is a copy)."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text)).lower()


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    if len(text) <= size:
        return frozenset([text])
    return frozenset(text[i : i + size] for i in range(len(text) - size + 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


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
    similar earlier candidate that `differs` from it.

    The same normalised text is found by its hash. Otherwise the candidates are texts sharing
    at least `MIN_SHARED` of the `SEGMENTS` equal slices taken from the start or from the end,
    in the same place (a copy with a date, a name or a phrase changed keeps most slices whole;
    two texts sharing one slice share a stock phrase). Each slice's list is read `WINDOW`
    entries back at most, so the work grows linearly with the records; each candidate is
    then measured (Jaccard of shingles against `SIMILARITY`)."""
    kept = sorted(
        (t for t in texts if len(t.normalised) >= MIN_TEXT_CHARS),
        key=lambda t: (t.record.obligation_id, t.source),
    )
    same: dict[str, Text] = {}
    index: dict[tuple[int, str], list[Text]] = defaultdict(list)
    for text in kept:
        first = same.setdefault(text.normalised, text)
        if first is not text:
            if text.record.differs(first.record):
                yield text, first, 1.0
            continue
        body = text.normalised
        size = len(body)
        step = size // SEGMENTS
        # The slices from the start and from the end (a copy with a few characters put in
        # front or behind keeps the other side's slices in place).
        keys = [(n, body[n * step : (n + 1) * step]) for n in range(SEGMENTS)]
        keys += [(-1 - n, body[size - (n + 1) * step : size - n * step]) for n in range(SEGMENTS)]
        shared: dict[int, int] = defaultdict(int)
        candidates: dict[int, Text] = {}
        for key in keys:
            bucket = index[key]
            for earlier in bucket[-WINDOW:]:
                shared[id(earlier)] += 1
                candidates[id(earlier)] = earlier
            bucket.append(text)
        best: tuple[Text, float] | None = None
        for ident, count in shared.items():
            earlier = candidates[ident]
            other = len(earlier.normalised)
            if count < MIN_SHARED or min(size, other) < SIMILARITY * max(size, other):
                continue  # one slice in common is a shared phrase; or the lengths differ
            if not text.record.differs(earlier.record):
                continue
            if not text.shingles:
                text.shingles = shingles(body)
            if not earlier.shingles:
                earlier.shingles = shingles(earlier.normalised)
            score = similarity(text.shingles, earlier.shingles)
            if score >= SIMILARITY and (best is None or score > best[1]):
                best = (earlier, score)
        if best is not None:
            yield text, best[0], best[1]

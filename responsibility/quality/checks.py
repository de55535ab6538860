"""The five checks as queries: each reads a year's records (or only those touching `focus`,
a set of obligation ids, when one obligation was saved) and returns `Finding`s. Set-based: a
fixed number of queries per check, grouped in the database where SQL can (by SHA-256, by saver
and day), the rest in one pass over the rows read (see the package's docstring)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterator

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length, TruncDate
from django.utils import timezone

from ..models import MeetingRecord, Obligation, Post, QualityFlag, Year
from . import (
    BACKDATE_DAYS,
    BURST_MIN,
    LAST_DAYS,
    MIN_TEXT_CHARS,
    Finding,
    Record,
    Text,
    normalise,
    pair_first_other,
    similar_pairs,
)

Kind = QualityFlag.Kind
Focus = Collection[int] | None
LINKS = Obligation.evidence.through


def all_findings(year: Year, focus: Focus = None) -> list[Finding]:
    return [
        *same_file(year, focus),
        *meeting_date(year, focus),
        *similar_text(year, focus),
        *attendance(year, focus),
        *backdated(year, focus),
    ]


def _record(row: dict[str, object], prefix: str = "") -> Record:
    return Record(
        obligation_id=int(row[f"{prefix}id"]),  # type: ignore[call-overload]
        organisation_id=int(row[f"{prefix}organisation_id"]),  # type: ignore[call-overload]
        period_start=row[f"{prefix}period_start"],
        period_end=row[f"{prefix}period_end"],
    )


def same_file(year: Year, focus: Focus = None) -> Iterator[Finding]:
    """Files (by SHA-256) attached to two or more obligations, grouped in the database; then
    each obligation of a group paired with the earliest other of another period or
    organisation. Reviewers' own files (reviewers_only) are not the organisation's evidence."""
    links = LINKS.objects.filter(obligation__year=year, evidence__reviewers_only=False)
    shared = (
        links.values("evidence__sha256")
        .annotate(n=Count("obligation_id", distinct=True))
        .filter(n__gt=1)
    )
    if focus is not None:
        shared = shared.filter(
            evidence__sha256__in=LINKS.objects.filter(obligation_id__in=focus).values(
                "evidence__sha256"
            )
        )
    rows = links.filter(evidence__sha256__in=shared.values("evidence__sha256")).values(
        "evidence_id",
        "evidence__sha256",
        "obligation__id",
        "obligation__organisation_id",
        "obligation__period_start",
        "obligation__period_end",
    )
    groups: dict[str, dict[int, tuple[Record, int]]] = defaultdict(dict)
    for row in rows:
        record = _record(row, "obligation__")
        groups[row["evidence__sha256"]].setdefault(
            record.obligation_id, (record, row["evidence_id"])
        )
    for sha256, members in groups.items():
        for record, other in pair_first_other([r for r, _e in members.values()]):
            if focus is not None and not {record.obligation_id, other.obligation_id} & set(focus):
                continue
            yield Finding(
                Kind.SAME_FILE,
                record.obligation_id,
                record.organisation_id,
                other=other.obligation_id,
                evidence_id=members[record.obligation_id][1],
                detail={"sha256": sha256, "uses": len(members)},
            )


def meeting_date(year: Year, focus: Focus = None) -> Iterator[Finding]:
    """Meeting records dated before their obligation's period starts or after it ends."""
    meetings = MeetingRecord.objects.filter(obligation__year=year).filter(
        Q(held_on__lt=F("obligation__period_start")) | Q(held_on__gt=F("obligation__period_end"))
    )
    if focus is not None:
        meetings = meetings.filter(obligation_id__in=focus)
    for row in meetings.values(
        "obligation_id",
        "held_on",
        "obligation__organisation_id",
        "obligation__period_start",
        "obligation__period_end",
    ):
        yield Finding(
            Kind.MEETING_DATE,
            row["obligation_id"],
            row["obligation__organisation_id"],
            detail={
                "held_on": row["held_on"].isoformat(),
                "period_start": row["obligation__period_start"].isoformat(),
                "period_end": row["obligation__period_end"].isoformat(),
            },
        )


def _texts(year: Year, focus: Focus) -> list[Text]:
    """Descriptions and minutes long enough to compare (the length filter in the database
    keeps the stock phrases of most records out of Python). With a focus, the candidates are
    the texts sharing the focus texts' first or last characters, as stored."""
    obligations = Obligation.objects.filter(year=year).annotate(n=Length("description"))
    meetings = MeetingRecord.objects.filter(obligation__year=year).annotate(n=Length("minutes"))
    obligations = obligations.filter(n__gte=MIN_TEXT_CHARS)
    meetings = meetings.filter(n__gte=MIN_TEXT_CHARS)
    if focus is not None:
        own_descriptions = list(
            obligations.filter(pk__in=focus).values_list("description", flat=True)
        )
        own_minutes = list(
            meetings.filter(obligation_id__in=focus).values_list("minutes", flat=True)
        )
        near = Q(pk__in=focus)
        for text in own_descriptions:
            near |= Q(description__startswith=text[:8]) | Q(description__endswith=text[-8:])
        obligations = obligations.filter(near)
        near = Q(obligation_id__in=focus)
        for text in own_minutes:
            near |= Q(minutes__startswith=text[:8]) | Q(minutes__endswith=text[-8:])
        meetings = meetings.filter(near)
    texts = [
        Text(_record(row), "description", normalise(row["description"]))
        for row in obligations.values(
            "id", "organisation_id", "period_start", "period_end", "description"
        )
    ]
    texts += [
        Text(_record(row, "obligation__"), "minutes", normalise(row["minutes"]))
        for row in meetings.values(
            "obligation__id",
            "obligation__organisation_id",
            "obligation__period_start",
            "obligation__period_end",
            "minutes",
        )
    ]
    return texts


def similar_text(year: Year, focus: Focus = None) -> Iterator[Finding]:
    """Near-identical descriptions or minutes of different periods or organisations; both
    records of a pair are flagged, each naming the other."""
    for text, other, score in similar_pairs(_texts(year, focus)):
        if focus is not None and not {
            text.record.obligation_id,
            other.record.obligation_id,
        } & set(focus):
            continue
        for mine, theirs in ((text, other), (other, text)):
            yield Finding(
                Kind.SIMILAR_TEXT,
                mine.record.obligation_id,
                mine.record.organisation_id,
                other=theirs.record.obligation_id,
                detail={
                    "field": mine.source,
                    "other_field": theirs.source,
                    "similarity": round(score, 2),
                },
            )


def roster(held_on: str = "held_on", organisation: str = "obligation__organisation") -> Subquery:
    """The number of people with a post in the meeting's organisation on its date: the roster a
    meeting's attendance is checked against. (Named attendance, when it comes, gives the claimed
    side; this stays the roster.)"""
    posts = (
        Post.objects.filter(organisation=OuterRef(organisation))
        .filter(
            Q(start_date__lte=OuterRef(held_on))
            & (Q(end_date__isnull=True) | Q(end_date__gte=OuterRef(held_on)))
        )
        .order_by()
        .values("organisation")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    return Subquery(posts, output_field=IntegerField())


def attendance(year: Year, focus: Focus = None) -> Iterator[Finding]:
    """Meetings claiming more attendees than the organisation had people with posts that day.
    An organisation with no posts recorded has no roster to check against: not flagged."""
    meetings = (
        MeetingRecord.objects.filter(obligation__year=year)
        .annotate(roster=Coalesce(roster(), 0))
        .filter(roster__gt=0, attended_count__gt=F("roster"))
    )
    if focus is not None:
        meetings = meetings.filter(obligation_id__in=focus)
    for row in meetings.values(
        "obligation_id",
        "obligation__organisation_id",
        "held_on",
        "attended_count",
        "expected_count",
        "roster",
    ):
        yield Finding(
            Kind.ATTENDANCE,
            row["obligation_id"],
            row["obligation__organisation_id"],
            detail={
                "held_on": row["held_on"].isoformat(),
                "attended": row["attended_count"],
                "expected": row["expected_count"],
                "roster": row["roster"],
            },
        )


def backdated(year: Year, focus: Focus = None) -> Iterator[Finding]:
    """Sittings (one saver, one local day) with `BURST_MIN` or more completions saved within
    `LAST_DAYS` before their due date and dated `BACKDATE_DAYS` or more before the save."""
    saved = TruncDate("updated_at", tzinfo=timezone.get_current_timezone())
    candidates = (
        Obligation.objects.filter(
            year=year,
            status=Obligation.Status.DONE,
            updated_by__isnull=False,
            completed_on__isnull=False,
        )
        .annotate(saved=saved)
        .filter(
            saved__lte=F("due_date"),
            saved__gte=F("due_date") - datetime.timedelta(days=LAST_DAYS),
            completed_on__lte=F("saved") - datetime.timedelta(days=BACKDATE_DAYS),
        )
    )
    sittings = (
        candidates.order_by()
        .values("updated_by_id", "saved")
        .annotate(n=Count("id"))
        .filter(n__gte=BURST_MIN)
    )
    if focus is not None:
        sittings = sittings.filter(
            updated_by_id__in=Obligation.objects.filter(pk__in=focus).values("updated_by_id")
        )
    wanted = {(row["updated_by_id"], row["saved"]): row["n"] for row in sittings}
    if not wanted:
        return
    rows = candidates.filter(updated_by_id__in={by for by, _day in wanted}).values(
        "id", "organisation_id", "updated_by_id", "saved", "completed_on", "due_date"
    )
    by_sitting: dict[tuple[int, datetime.date], list[dict[str, object]]] = defaultdict(list)
    for row in rows.order_by("id"):
        sitting = (row["updated_by_id"], row["saved"])
        if sitting in wanted:
            by_sitting[sitting].append(row)
    for (_by, day), members in by_sitting.items():
        first, second = members[0]["id"], members[1]["id"]
        for row in members:
            yield Finding(
                Kind.BACKDATED,
                int(row["id"]),  # type: ignore[call-overload]
                int(row["organisation_id"]),  # type: ignore[call-overload]
                other=int(second if row["id"] == first else first),  # type: ignore[call-overload]
                detail={
                    "saved_on": day.isoformat(),
                    "count": len(members),
                    "completed_on": row["completed_on"].isoformat(),  # type: ignore[attr-defined]
                    "due_date": row["due_date"].isoformat(),  # type: ignore[attr-defined]
                },
            )

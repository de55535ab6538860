"""Sections of a person's cadre record that higher apps contribute (issue #19.4).

The cadre record (`selectors.cadre_record`) shows what assessment holds; accountability's cases
against a person belong on it too, but assessment never imports accountability (the dependency
direction is responsibility ← assessment ← accountability). So, as with `report_drafts` and
`exports.EXTRA_SHEETS`, accountability registers a source in its AppConfig.ready, and the record
calls every registered source once per page, for all the people it shows.

A source answers for a viewer: it returns a section only for the people whose section that
viewer may see, applying its own confidentiality rules (the accountability register's audience,
domain.md §8a). A person left out gets no section at all, not an empty one, so that its absence
says nothing. A source costs a fixed number of queries, whatever the number of people.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from responsibility.models import User


@dataclass(frozen=True)
class RecordLine:
    on: datetime.date | None
    title: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class RecordSection:
    key: str
    title: str
    lines: tuple[RecordLine, ...]


# people, viewer → person id → that person's section
SectionSource = Callable[[Sequence[User], User], dict[int, RecordSection]]

SECTION_SOURCES: list[SectionSource] = []


def register(source: SectionSource) -> None:
    if source not in SECTION_SOURCES:
        SECTION_SOURCES.append(source)


def sections_for(people: Sequence[User], viewer: User) -> dict[int, list[RecordSection]]:
    sections: dict[int, list[RecordSection]] = {person.pk: [] for person in people}
    for source in SECTION_SOURCES:
        for person_id, section in source(people, viewer).items():
            if person_id in sections:
                sections[person_id].append(section)
    return sections

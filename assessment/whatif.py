"""What if (试算): a draft scheme against the year's data, before it is saved (issue #20.7).

Both sides are `results.compute`, the code a real recompute runs, on one load of the year's
data: under the saved scheme (what a recompute would give now) and under the draft. Nothing is
written; the difference is the preview: each organisation whose grade or rank in its tier would
change, with the cause. Saving the scheme records the preview it was saved on
(`services.scheme_update(preview=...)`, a `SchemePreview` row).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from responsibility.models import Organisation, Year

from . import results
from .models import Grade, Scheme
from .services import WEIGHT_FIELDS, PreviewRecord

# The start of the note results._rank_and_apply_quota gives a grade the quota lowered.
QUOTA_NOTE = "超出“好”等次比例"


@dataclass(frozen=True)
class Change:
    """One organisation whose grade or rank would change under the draft."""

    organisation_id: int
    organisation: str
    unit: str
    tier: str
    composite_before: Decimal
    composite_after: Decimal
    grade_before: str  # Grade values; the labels are the *_label fields
    grade_after: str
    grade_before_label: str
    grade_after_label: str
    rank_before: int
    rank_after: int
    causes: tuple[str, ...]

    @property
    def grade_changed(self) -> bool:
        return self.grade_before != self.grade_after

    def as_json(self) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "organisation": self.organisation,
            "composite": [str(self.composite_before), str(self.composite_after)],
            "grade": [self.grade_before, self.grade_after],
            "rank": [self.rank_before, self.rank_after],
            "causes": list(self.causes),
        }


@dataclass(frozen=True)
class Preview:
    year: Year
    draft: dict[str, Any]  # the draft's editable fields, as JSON
    changes: list[Change]  # grade changes first, then by tier and rank
    organisations: int  # how many were computed
    notes: list[str]

    @property
    def grade_changes(self) -> int:
        return sum(1 for change in self.changes if change.grade_changed)

    @property
    def digest(self) -> str:
        """Names what the admin was shown: the draft and its table (a hidden field carries it
        to the save, which records whether the saved preview is the one on the screen)."""
        payload = json.dumps(
            {"draft": self.draft, "changes": [c.as_json() for c in self.changes]},
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def record(self) -> PreviewRecord:
        return {
            "draft": self.draft,
            "changes": [change.as_json() for change in self.changes],
            "organisations": self.organisations,
            "digest": self.digest,
        }


def draft_of(scheme: Scheme, fields: Mapping[str, Any]) -> Scheme:
    """An unsaved copy of `scheme` with the form's values: computed on, never saved."""
    values = {name: getattr(scheme, name) for name in Scheme.EDITABLE_FIELDS} | dict(fields)
    return Scheme(pk=scheme.pk, year_id=scheme.year_id, version=scheme.version, **values)


def _as_json(scheme: Scheme) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in Scheme.EDITABLE_FIELDS:
        value = getattr(scheme, name)
        if isinstance(value, Decimal):
            value = f"{value.normalize():f}"
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[name] = value
    return out


def scheme_preview(
    year: Year, draft: Scheme, *, saved: Scheme | None = None, as_of: datetime.date | None = None
) -> Preview:
    """The organisations whose grade or rank `draft` would change, against a recompute under
    the saved scheme on the same data and date. Reads only, in 7 queries whatever the year's
    size: the organisations and their 5 inputs (one server-side cursor for the obligations),
    loaded once for both schemes, and the moved organisations' names."""
    as_of = as_of or results.default_as_of(year)
    data = results.load_year(year)
    saved, before = results.compute(year, as_of=as_of, scheme=saved, data=data)
    _draft, after = results.compute(year, as_of=as_of, scheme=draft, data=data)
    old = {row.organisation_id: row.values for row in before}
    moved = {
        row.organisation_id: (old[row.organisation_id], row.values)
        for row in after
        if old[row.organisation_id]["grade"] != row.values["grade"]
        or old[row.organisation_id]["rank_in_tier"] != row.values["rank_in_tier"]
    }
    names = (
        Organisation.objects.filter(pk__in=list(moved))
        .select_related("tier", "unit")
        .only("name", "path", "tier__name", "tier__sort_order", "unit__name")
    )
    changes = [
        Change(
            organisation_id=org.pk,
            organisation=org.name,
            unit=org.unit.name if org.unit else "",
            tier=org.tier.name,
            composite_before=was["composite"],
            composite_after=now["composite"],
            grade_before=was["grade"],
            grade_after=now["grade"],
            grade_before_label=str(Grade(was["grade"]).label),
            grade_after_label=str(Grade(now["grade"]).label),
            rank_before=was["rank_in_tier"],
            rank_after=now["rank_in_tier"],
            causes=tuple(_causes(was, now, saved, draft)),
        )
        for org in names
        for was, now in [moved[org.pk]]
    ]
    changes.sort(key=lambda c: (not c.grade_changed, c.tier, c.rank_after, c.organisation_id))
    notes = []
    if draft.accountability_cap != saved.accountability_cap:
        notes.append(_("被问责时最高等次的修改只适用于此后登记的问责案件，已有的等次限制不变。"))
    return Preview(
        year=year,
        draft=_as_json(draft),
        changes=changes,
        organisations=len(after),
        notes=notes,
    )


def _causes(
    was: Mapping[str, Any], now: Mapping[str, Any], saved: Scheme, draft: Scheme
) -> list[str]:
    """Why this organisation moves, in the words of the scheme page, most direct first."""
    causes = []
    if was["process_score"] != now["process_score"]:
        causes.append(
            _("过程监督得分 %(a)s → %(b)s（逾期、无佐证扣减比例）")
            % {"a": was["process_score"], "b": now["process_score"]}
        )
    if was["year_end_score"] != now["year_end_score"]:
        causes.append(
            _("年底述职得分 %(a)s → %(b)s（评议票折算）")
            % {"a": was["year_end_score"], "b": now["year_end_score"]}
        )
    if was["composite"] != now["composite"]:
        weights = any(getattr(saved, name) != getattr(draft, name) for name in WEIGHT_FIELDS)
        causes.append(
            (_("综合得分 %(a)s → %(b)s（权重）") if weights else _("综合得分 %(a)s → %(b)s"))
            % {"a": was["composite"], "b": now["composite"]}
        )
    if was["grade"] != now["grade"]:
        quota_before = QUOTA_NOTE in was["grade_note"]
        quota_after = QUOTA_NOTE in now["grade_note"]
        if quota_before != quota_after:
            causes.append(_("“好”等次比例上限"))
        old_band = results.rules_from(saved).grade_for(now["composite"])
        new_band = results.rules_from(draft).grade_for(now["composite"])
        if old_band != new_band:
            causes.append(_("等次分数线"))
    if not causes:
        causes.append(_("同层级其他组织得分变化，排名随之变化"))
    return causes

"""The shipped default checklist templates per tier: loading and checking the data file.

The items live in data/default_templates.toml, edited as data. Migration 0004 keeps a frozen copy
of what it shipped, so a change to the file reaches existing databases only through a new data
migration (tests/responsibility/test_default_templates.py holds the database to the file).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypedDict, cast

from .model_fields import concrete_field
from .models import TemplateItem

DATA_FILE = Path(__file__).resolve().parent / "data" / "default_templates.toml"

# An item in the file carries every editable field but sort_order, which is its position.
FIELDS = tuple(name for name in TemplateItem.EDITABLE_FIELDS if name != "sort_order")


class DefaultItem(TypedDict):
    ref: str  # reference number, e.g. "ZB-2-03" (unique within the tier)
    group: str  # one of GROUPS
    content: str  # the duty, Chinese, concise but specific
    standard: str  # what "done" means / how it is checked (Chinese)
    points: str  # decimal as string, e.g. "6" or "2.5"
    frequency: str  # one of FREQUENCIES
    required_count: int  # how many times per period (usually 1)
    due_days: int  # days after the period ends that it is due ("once": from the year start)
    evidence: str  # expected evidence types, Chinese, separated by "、"
    responsible_post: str  # one of RESPONSIBLE_POSTS
    is_meeting: bool  # True for duties satisfied by a meeting (attendance/quorum expected)
    deduction_rule: str  # Chinese scoring rule text, e.g. "每少开1次扣0.5分，扣完为止"
    source: str  # regulation article or practice source, Chinese


Templates = dict[str, list[DefaultItem]]

GROUPS = [
    "政治建设",
    "思想建设",
    "组织建设",
    "作风建设",
    "纪律建设",
    "党建与业务融合",
    "党务干部队伍建设",
]
FREQUENCIES = ["once", "monthly", "quarterly", "half_yearly", "yearly", "per_term"]
RESPONSIBLE_POSTS = [
    "secretary",
    "deputy_secretary",
    "committee_member",
    "discipline_member",
    "cadre_full_time",
    "cadre_part_time",
]

# The model's limits: what the database and the forms would refuse, the file may not hold.
_MAX_LEN = {
    name: length for name in FIELDS if (length := concrete_field(TemplateItem, name).max_length)
}
_REQUIRED_GROUPS = set(GROUPS[:6])  # the five constructions plus 党建与业务融合
_TIERS_WITH_CADRE_GROUP = ("organ_committee", "branch")
# The tiers with a shipped list: the 机关纪委's 监督责任 list came with migration 0017 (#20.6).
TIERS = ("party_group", "organ_committee", "discipline_committee", "branch")


def load() -> Templates:
    """The items of each tier kind, in their order, as the data file has them."""
    with DATA_FILE.open("rb") as data:
        return cast(Templates, tomllib.load(data))


def check(templates: Templates | None = None) -> None:
    """Raise if a tier's points do not sum to 100 or a field is out of its vocabulary."""
    templates = load() if templates is None else templates
    if set(templates) != set(TIERS):
        raise ValueError(f"unexpected tiers: {sorted(templates)}")
    fields = set(FIELDS)
    for tier, items in templates.items():
        if not 14 <= len(items) <= 22:
            raise ValueError(f"{tier}: {len(items)} items, expected 14-22")
        total = Decimal(0)
        refs: set[str] = set()
        for item in items:
            ref = item["ref"]
            where = f"{tier} {ref}"
            if set(item) != fields:
                raise ValueError(f"{where}: fields differ: {sorted(set(item) ^ fields)}")
            if ref in refs:
                raise ValueError(f"{where}: duplicate ref")
            refs.add(ref)
            if item["group"] not in GROUPS:
                raise ValueError(f"{where}: unknown group {item['group']!r}")
            if item["frequency"] not in FREQUENCIES:
                raise ValueError(f"{where}: unknown frequency {item['frequency']!r}")
            if item["responsible_post"] not in RESPONSIBLE_POSTS:
                raise ValueError(f"{where}: unknown post {item['responsible_post']!r}")
            if item["required_count"] < 1:
                raise ValueError(f"{where}: required_count must be >= 1")
            if item["due_days"] < 0:
                raise ValueError(f"{where}: due_days must be >= 0")
            try:
                points = Decimal(item["points"])
            except InvalidOperation as exc:
                raise ValueError(f"{where}: points {item['points']!r} is not a decimal") from exc
            if not points.is_finite() or points <= 0 or points != points.quantize(Decimal("0.01")):
                raise ValueError(f"{where}: points must be > 0 with at most 2 decimals")
            total += points
            for name in ("content", "standard", "evidence", "deduction_rule", "source"):
                if not str(item.get(name, "")).strip():
                    raise ValueError(f"{where}: {name} is empty")
            for name, limit in _MAX_LEN.items():
                if len(str(item.get(name, ""))) > limit:
                    raise ValueError(f"{where}: {name} longer than {limit} characters")
        if total != Decimal(100):
            raise ValueError(f"{tier}: points sum to {total}, expected 100")
        groups = {item["group"] for item in items}
        required = set(_REQUIRED_GROUPS)
        if tier in _TIERS_WITH_CADRE_GROUP:
            required.add("党务干部队伍建设")
        if missing := required - groups:
            raise ValueError(f"{tier}: groups not covered: {sorted(missing)}")

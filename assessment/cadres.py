"""Party-affairs cadres (专兼职党务干部, domain.md §8): training, rotation, young cadres' hours.

Reads and writes for this concern live together here because they are small; the views call
these functions exactly as they call services and selectors.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import scope
from responsibility.excel import (
    ImportRefused,
    RowError,
    cell_header,
    cell_text,
    form_errors,
    open_workbook,
    quoted,
    rounded_number,
    sheet_rows,
)
from responsibility.models import Organisation, Post, User, Year
from responsibility.selectors import current_post_filter
from responsibility.services import ServiceError, audit_record

from .forms import AttendanceRowForm
from .models import AnnualResult, Rotation, Training, TrainingAttendance

CADRE_KINDS = Post.OFFICER_KINDS_IN_ORDER
# A training belongs to an assessment year (young cadres' hours count per calendar year of
# held_on). Plausible dates run from 1 January of the year before the earliest assessment year
# (or before this year) to 31 December of the year after the latest one (or after this year): a
# late annual return and a session planned ahead pass; 0001-01-01 and 9999-12-31 do not.
TRAINING_YEARS_MARGIN = 1


def training_date_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    this_year = (today or timezone.localdate()).year
    span = Year.objects.aggregate(first=Min("year"), last=Max("year"))
    first = min(span["first"] or this_year, this_year) - TRAINING_YEARS_MARGIN
    last = max(span["last"] or this_year, this_year) + TRAINING_YEARS_MARGIN
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


# --- writes ------------------------------------------------------------------------------------


@transaction.atomic
def training_create(
    *,
    actor: User,
    organiser: Organisation,
    held_on: datetime.date,
    topic: str,
    hours: Decimal,
    is_party_knowledge: bool = True,
) -> Training:
    first, last = training_date_window()
    if not first <= held_on <= last:
        raise ServiceError(
            _("培训日期须在 %(first)s 至 %(last)s 之间（各考核年度及其前后一年）。")
            % {"first": first.isoformat(), "last": last.isoformat()}
        )
    training = Training.objects.create(
        organiser=organiser,
        held_on=held_on,
        topic=topic,
        hours=hours,
        is_party_knowledge=is_party_knowledge,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="training.create",
        obj=training,
        organisation=organiser,
        changes={"topic": topic, "held_on": held_on.isoformat(), "hours": str(hours)},
    )
    return training


@transaction.atomic
def training_attendance_add(
    *, actor: User, training: Training, attendees: Iterable[tuple[User, Decimal | None]]
) -> int:
    """Record who attended (hours default to the session's); a person already listed is kept."""
    rows = [
        TrainingAttendance(training=training, person=person, hours=hours or training.hours)
        for person, hours in attendees
    ]
    existing = set(training.attendance.values_list("person_id", flat=True))
    new = [row for row in rows if row.person_id not in existing]
    TrainingAttendance.objects.bulk_create(new)
    if new:
        audit_record(
            actor=actor,
            action="training.attendance",
            obj=training,
            organisation=training.organiser,
            changes={"added": [row.person.username for row in new]},
        )
    return len(new)


@transaction.atomic
def rotation_add(
    *,
    actor: User,
    person: User,
    moved_on: datetime.date,
    from_post: str,
    to_post: str,
    note: str = "",
) -> Rotation:
    if moved_on > timezone.localdate():
        raise ServiceError(_("交流日期不能晚于今天。"))
    rotation = Rotation.objects.create(
        person=person,
        moved_on=moved_on,
        from_post=from_post,
        to_post=to_post,
        note=note,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="rotation.add",
        obj=rotation,
        changes={"person": person.username, "from": from_post, "to": to_post},
    )
    return rotation


# --- reads -------------------------------------------------------------------------------------


def trainings(user: User) -> QuerySet[Training]:
    return (
        Training.objects.filter(organiser__in=scope.organisations_for(user))
        .select_related("organiser", "created_by")
        .annotate(attendees=Count("attendance"))
    )


def attendance_candidates(training: Training) -> list[User]:
    """People with a current post in the organiser's subtree: who may attend its sessions."""
    posts = (
        Post.objects.filter(organisation__path__startswith=training.organiser.path)
        .filter(current_post_filter())
        .select_related("user")
        .order_by("organisation__path", "user__username")
    )
    return list({p.user_id: p.user for p in posts}.values())


@dataclass(frozen=True)
class CandidateGroup:
    """The people of one organisation who may attend a training (the attendance picker)."""

    organisation: Organisation
    people: list[User]


def attendance_groups(training: Training) -> list[CandidateGroup]:
    """`attendance_candidates` grouped by organisation in tree order, people by name within it;
    a person with posts in two organisations is listed once, under the first. One query."""
    posts = (
        Post.objects.filter(organisation__path__startswith=training.organiser.path)
        .filter(current_post_filter())
        .select_related("user", "organisation")
        .order_by("organisation__path", "user__full_name", "user__username")
    )
    groups: dict[int, CandidateGroup] = {}
    seen: set[int] = set()
    for post in posts:
        if post.user_id in seen:
            continue
        seen.add(post.user_id)
        group = groups.setdefault(
            post.organisation_id, CandidateGroup(organisation=post.organisation, people=[])
        )
        group.people.append(post.user)
    return list(groups.values())


@dataclass
class Profile:
    person: User
    posts: list[Post]
    attendance: list[TrainingAttendance]
    rotations: list[Rotation]
    hours_by_year: dict[int, Decimal]
    results: list[AnnualResult]
    full_time_since: datetime.date | None
    part_time_since: datetime.date | None


def profile(person: User, viewer: User) -> Profile:
    """The person's cadre record as `viewer` may see it: their posts, training and rotations,
    and the published results of their organisations that the viewer may read (all of them for
    the person themself; scope's "view_person" decides whether the record opens at all)."""
    posts = list(
        Post.objects.filter(user=person)
        .select_related("organisation__tier", "organisation__unit")
        .order_by("-start_date")
    )
    attendance = list(
        TrainingAttendance.objects.filter(person=person)
        .select_related("training__organiser")
        .order_by("-training__held_on")
    )
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for row in attendance:
        hours[row.training.held_on.year] += row.hours
    organisation_ids = {p.organisation_id for p in posts}
    results = AnnualResult.objects.filter(
        organisation_id__in=organisation_ids, is_current=True, published_at__isnull=False
    )
    if not scope.can(viewer, "own", person):
        results = results.filter(organisation__in=scope.organisations_for(viewer, "view_results"))
    results = list(
        results.select_related("organisation", "year").order_by("-year__year", "organisation__path")
    )

    def since(kind: str) -> datetime.date | None:
        dates = [p.start_date for p in posts if p.kind == kind and p.is_current()]
        return min(dates) if dates else None

    return Profile(
        person=person,
        posts=posts,
        attendance=attendance,
        rotations=list(Rotation.objects.filter(person=person).select_related("recorded_by")),
        hours_by_year=dict(sorted(hours.items(), reverse=True)),
        results=results,
        full_time_since=since(Post.Kind.CADRE_FULL_TIME),
        part_time_since=since(Post.Kind.CADRE_PART_TIME),
    )


@dataclass
class UnitYoungCadres:
    unit: Organisation
    people: int = 0
    hours: Decimal = Decimal(0)
    trained: int = 0
    names: list[str] = field(default_factory=list)

    @property
    def average(self) -> Decimal:
        return (self.hours / self.people).quantize(Decimal("0.1")) if self.people else Decimal(0)


def young_cadres(
    user: User, year: int, today: datetime.date | None = None
) -> list[UnitYoungCadres]:
    """Young cadres (under the configured age) per unit and their party-knowledge hours."""
    today = today or timezone.localdate()
    limit = settings.YOUNG_CADRE_MAX_AGE
    try:
        born_after = today.replace(year=today.year - limit)
    except ValueError:  # 29 February, and the earlier year has none
        born_after = today.replace(year=today.year - limit, day=28)
    posts = (
        Post.objects.filter(
            organisation__in=scope.organisations_for(user, "review"),
            kind__in=CADRE_KINDS,
            user__birth_date__gt=born_after,
        )
        .filter(current_post_filter())
        .select_related("user", "organisation__unit")
    )
    units: dict[int, UnitYoungCadres] = {}
    people: dict[int, int] = {}
    for post in posts:
        unit = post.organisation.unit
        if unit is None or post.user_id in people:
            continue
        row = units.setdefault(unit.pk, UnitYoungCadres(unit=unit))
        row.people += 1
        row.names.append(post.user.display_name)
        people[post.user_id] = unit.pk
    hours = (
        TrainingAttendance.objects.filter(
            person_id__in=people,
            training__held_on__year=year,
            training__is_party_knowledge=True,
        )
        .values("person_id")
        .annotate(total=Sum("hours"))
    )
    for entry in hours:
        row = units[people[entry["person_id"]]]
        row.hours += entry["total"]
        row.trained += 1
    return sorted(units.values(), key=lambda r: r.unit.path)


# --- attendance from Excel -----------------------------------------------------------------------

ATTENDANCE_SHEET = "参训人员"


MAX_ATTENDANCE_ROWS = 10_000  # a province-wide session has a few thousand attendees
ATTENDANCE_HEADERS = {"username": "用户名", "hours": "学时"}


@dataclass
class AttendancePlan:
    rows: list[tuple[User, Decimal | None]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    already: set[int] = field(default_factory=set)  # people the training lists already (kept)

    @property
    def new_count(self) -> int:
        return sum(1 for person, _hours in self.rows if person.pk not in self.already)


def attendance_from_excel(training: Training, uploaded: IO[bytes]) -> AttendancePlan:
    """Read 用户名 / 学时 rows; every problem is named by row and column, nothing is written.

    The first sheet is read through the shared safe reader (bomb, formulas, caps); the header
    is its first row. Each row goes through AttendanceRowForm, 学时 rounded to one decimal.
    """
    plan = AttendancePlan()
    try:
        with open_workbook(uploaded) as workbook:
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            rows = (
                []
                if sheet is None
                else [values for _n, values in sheet_rows(sheet, max_rows=MAX_ATTENDANCE_ROWS + 1)]
            )
    except ImportRefused as refused:
        plan.errors.append(refused.error)
        return plan
    header = [cell_header(value) for value in rows[0]] if rows else []
    if "用户名" not in header:
        plan.errors.append(
            RowError(ATTENDANCE_SHEET, 1, "用户名", _("缺少必需的列「用户名」（表头应在第1行）。"))
        )
        return plan
    name_at = header.index("用户名")
    hours_at = header.index("学时") if "学时" in header else None
    candidates = {u.username: u for u in attendance_candidates(training)}
    seen: dict[str, int] = {}
    for number, values in enumerate(rows[1:], start=2):
        raw_name = values[name_at] if name_at < len(values) else None
        raw_hours = values[hours_at] if hours_at is not None and hours_at < len(values) else None
        username = cell_text(raw_name)
        if not username and not cell_text(raw_hours):
            continue
        if not username:
            plan.errors.append(RowError(ATTENDANCE_SHEET, number, "用户名", _("用户名不能为空。")))
            continue
        form = AttendanceRowForm(
            {
                "username": username,
                "hours": rounded_number(raw_hours, 1) if raw_hours is not None else "",
            }
        )
        if not form.is_valid():
            plan.errors.extend(
                form_errors(form, sheet=ATTENDANCE_SHEET, row=number, headers=ATTENDANCE_HEADERS)
            )
            continue
        if username in seen:
            plan.errors.append(
                RowError(
                    ATTENDANCE_SHEET,
                    number,
                    "用户名",
                    _("与第%(row)d行重复。") % {"row": seen[username]},
                )
            )
            continue
        seen[username] = number
        person = candidates.get(username)
        if person is None:
            plan.errors.append(
                RowError(
                    ATTENDANCE_SHEET,
                    number,
                    "用户名",
                    _("找不到用户“%(name)s”，或其不在主办组织范围内。")
                    % {"name": quoted(username)},
                )
            )
            continue
        plan.rows.append((person, form.cleaned_data["hours"]))
    if len(plan.rows) > MAX_ATTENDANCE_ROWS:
        plan.errors.append(
            RowError(
                ATTENDANCE_SHEET,
                None,
                "",
                _("数据超过 %(count)d 行，请拆分后分批导入。") % {"count": MAX_ATTENDANCE_ROWS},
            )
        )
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(ATTENDANCE_SHEET, None, "", _("文件中没有参训人员。")))
    plan.already = set(training.attendance.values_list("person_id", flat=True))
    return plan

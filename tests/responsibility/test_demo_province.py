"""The province-scale demo (`seed_demo --scale province`) at a small size: same code, PostgreSQL."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from responsibility import periods
from responsibility.demo import PEOPLE
from responsibility.demo_province import ProvinceError, ProvinceSize, seed_province
from responsibility.models import (
    ChecklistItem,
    Evidence,
    MeetingRecord,
    Obligation,
    Organisation,
    Post,
    User,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres(reason="the province seed is PostgreSQL"),
]

SMALL = ProvinceSize(units=4, branches=20, people=200)
TODAY = datetime.date(2026, 6, 15)


def test_it_seeds_a_small_province_with_the_demo_personas() -> None:
    context = seed_province(SMALL, today=TODAY)
    assert Organisation.objects.count() == 1 + 4 * 4 + 20
    assert Organisation.objects.filter(tier__kind="branch").count() == 20
    assert User.objects.count() == 200
    for username, _name, posts, _superuser in PEOPLE:
        for code, kind in posts:
            assert Post.objects.filter(user__username=username, organisation__code=code, kind=kind)
    officer = Organisation.objects.get(code="CZT-ZB1")
    assert officer.path == f"{officer.parent.path}{officer.pk}/"
    assert officer.unit.code == "CZT"
    year = context.year
    assert year.status == "active"
    expected = sum(
        len(periods.periods(frequency, year.year))
        for frequency in ChecklistItem.objects.filter(checklist__year=year).values_list(
            "frequency", flat=True
        )
    )
    assert context.counts["obligations"] == expected == Obligation.objects.count()


def test_it_fills_in_like_a_real_year() -> None:
    seed_province(SMALL, today=TODAY)
    past = Obligation.objects.filter(due_date__lt=TODAY)
    assert past.filter(status="not_started").exists()  # missing: red on the pages
    assert past.filter(status="done", is_late=True, completed_on__gt=F("due_date")).exists()
    assert past.filter(status="done", is_late=False).count() > past.count() // 2
    assert not Obligation.objects.filter(status="done", completed_on__gt=TODAY).exists()
    assert Obligation.objects.filter(due_date__gte=TODAY, status="in_progress").exists()
    assert not Obligation.objects.filter(due_date__lt=TODAY, status="done", version=1).exists()
    assert all(m.has_quorum for m in MeetingRecord.objects.all())
    evidence = Evidence.objects.all()
    assert evidence.count() > 0
    paths = set(evidence.values_list("file", flat=True))
    assert len(paths) == 3
    assert all(default_storage.exists(path) for path in paths)
    linked = Obligation.evidence.through.objects.all()
    assert not linked.exclude(evidence__organisation_id=F("obligation__organisation_id")).exists()


def test_it_refuses_a_database_that_has_organisations() -> None:
    seed_province(SMALL, today=TODAY)
    with pytest.raises(ProvinceError, match="already has"):
        seed_province(SMALL, today=TODAY)
    with pytest.raises(CommandError, match="already has"):
        call_command("seed_demo", "--scale", "province")

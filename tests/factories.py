"""Factories and a two-unit world shared by the tests."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import factory
from django.contrib.auth.hashers import get_hasher, make_password

from responsibility import services
from responsibility.models import Evidence, Organisation, Post, Tier, User, Year

PASSWORD = "Test-pass-2026"


@functools.cache
def _password_hash_by(algorithm: str) -> str:
    return make_password(PASSWORD, hasher=algorithm)


def password_hash() -> str:
    """PASSWORD hashed by the hasher in use, once per hasher: the real one is slow by design."""
    return _password_hash_by(get_hasher().algorithm)


START = datetime.date(2024, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    password = factory.LazyFunction(password_hash)


def org(code: str, kind: str, parent: Organisation | None, name: str | None = None) -> Organisation:
    return services.organisation_create(
        actor=None,
        code=code,
        name=name or code,
        tier=Tier.objects.get(kind=kind),
        parent=parent,
    )


def post(user: User, organisation: Organisation, kind: str) -> Post:
    return services.post_create(
        actor=None, user=user, organisation=organisation, kind=kind, start_date=START
    )


@dataclass
class World:
    committee: Organisation
    unit_a: Organisation
    party_group_a: Organisation
    organ_a: Organisation
    branch_a: Organisation
    branch_a2: Organisation
    unit_b: Organisation
    organ_b: Organisation
    branch_b: Organisation
    admin: User
    wc_reviewer: User
    unit_a_reviewer: User
    officer_a: User
    officer_b: User
    liaison: User
    member: User
    year: Year | None = None

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = [
    "anonymous",
    "admin",
    "wc_reviewer",
    "unit_a_reviewer",
    "officer_a",
    "officer_b",
    "liaison",
    "member",
]


def make_world(extra_branches: int = 0) -> World:
    committee = org("GW", Tier.Kind.COMMITTEE, None, "省委省级机关工委")
    unit_a = org("A", Tier.Kind.UNIT, committee, "甲厅")
    party_group_a = org("A-DZ", Tier.Kind.PARTY_GROUP, unit_a, "甲厅党组")
    organ_a = org("A-JGDW", Tier.Kind.ORGAN_COMMITTEE, unit_a, "甲厅机关党委")
    branch_a = org("A-ZB1", Tier.Kind.BRANCH, organ_a, "甲厅第一党支部")
    branch_a2 = org("A-ZB2", Tier.Kind.BRANCH, organ_a, "甲厅第二党支部")
    unit_b = org("B", Tier.Kind.UNIT, committee, "乙厅")
    org("B-DZ", Tier.Kind.PARTY_GROUP, unit_b, "乙厅党组")
    organ_b = org("B-JGDW", Tier.Kind.ORGAN_COMMITTEE, unit_b, "乙厅机关党委")
    branch_b = org("B-ZB1", Tier.Kind.BRANCH, organ_b, "乙厅第一党支部")
    for number in range(extra_branches):
        extra = org(f"A-X{number}", Tier.Kind.BRANCH, organ_a, f"甲厅扩展党支部{number}")
        post(UserFactory(), extra, Post.Kind.MEMBER)

    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    wc_reviewer = UserFactory(username="wc_reviewer")
    post(wc_reviewer, committee, Post.Kind.CADRE_FULL_TIME)
    unit_a_reviewer = UserFactory(username="unit_a_reviewer")
    post(unit_a_reviewer, organ_a, Post.Kind.DEPUTY_SECRETARY)
    officer_a = UserFactory(username="officer_a")
    post(officer_a, branch_a, Post.Kind.SECRETARY)
    officer_b = UserFactory(username="officer_b")
    post(officer_b, branch_b, Post.Kind.SECRETARY)
    liaison = UserFactory(username="liaison")
    post(liaison, unit_a, Post.Kind.LIAISON)
    member = UserFactory(username="member")
    post(member, branch_a, Post.Kind.MEMBER)
    return World(
        committee=committee,
        unit_a=unit_a,
        party_group_a=party_group_a,
        organ_a=organ_a,
        branch_a=branch_a,
        branch_a2=branch_a2,
        unit_b=unit_b,
        organ_b=organ_b,
        branch_b=branch_b,
        admin=admin,
        wc_reviewer=wc_reviewer,
        unit_a_reviewer=unit_a_reviewer,
        officer_a=officer_a,
        officer_b=officer_b,
        liaison=liaison,
        member=member,
    )


YEAR = 2026


def activate_year(world: World, year: int = YEAR) -> Year:
    """Create and start a year: checklists from the default templates, obligations generated."""
    year_obj = services.year_create(actor=None, year=year)
    services.year_activate(actor=None, year=year_obj)
    return Year.objects.get(pk=year_obj.pk)


def make_evidence(organisation: Organisation, name: str = "记录.pdf") -> Evidence:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
    return services.evidence_upload(actor=None, organisation=organisation, upload=upload)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 64

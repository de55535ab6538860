"""A canary crawl: confidential values carry unique markers; every persona crawls every page.

`build(world)` seeds the world so that each confidential value (domain.md §8a) carries a marker
string, each tagged with the personas allowed to see it. `crawl(client)` starts from the landing
page and the GET rows of the permission matrix, follows same-site links breadth-first and reads
every HTML page, download header and xlsx cell, recording where each marker appeared. A new page
or field is covered without a new test: it is reached through the navigation or the matrix, and
whatever it shows is searched for every marker.
"""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accountability import reminders
from accountability import services as accountability_services
from accountability.models import AccountabilityCase
from assessment import person_results, results
from assessment import services as assessment_services
from assessment.models import DutyReport, ItemScore, ReviewRound, Scheme
from responsibility import services as core_services
from responsibility.models import ChecklistItem, Obligation, Organisation, Post, Tier, User
from tests.factories import PDF_BYTES, PERSONAS, UserFactory, World, org, post
from tests.permissions_support import Row
from tests.test_permissions import ROWS

# The 机关纪委 of unit A keeps the register for unit A only (domain.md §8a). The permission
# matrix's personas stay as they are; the crawl adds this one.
CANARY_PERSONAS = [*PERSONAS, "discipline_a"]

MAX_PAGES = 300
# Pages of one shape (a URL pattern and its query keys) a persona opens at most: a branch has a
# hundred obligations with the same page, and the bound is better spent on other pages.
SHAPE_LIMIT = 15
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SKIPPED_PREFIXES = ("/logout", "/static/", "/i18n/", "/accounts/logout")

ADMIN = frozenset({"admin"})
REGISTER_A = frozenset({"admin", "wc_reviewer", "discipline_a"})
REVIEWERS_A = frozenset({"admin", "wc_reviewer", "unit_a_reviewer"})
UNIT_B = frozenset({"admin", "wc_reviewer", "officer_b"})

CASE_DATE = datetime.date(2026, 3, 17)


@dataclass(frozen=True)
class Marker:
    text: str
    allowed: frozenset[str]
    what: str


@dataclass
class CanaryWorld:
    world: World
    discipline_a: User
    markers: list[Marker] = field(default_factory=list)
    start_urls: list[str] = field(default_factory=list)

    def persona(self, name: str) -> User | None:
        if name == "discipline_a":
            return self.discipline_a
        return self.world.persona(name)

    def mark(self, text: str, allowed: Iterable[str], what: str) -> str:
        self.markers.append(Marker(text, frozenset(allowed), what))
        return text


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _row_url(row: Row, world: World) -> str | None:
    """The row's URL in this world; a row whose objects cannot be made again here is skipped."""
    try:
        with transaction.atomic():
            url = reverse(row.name, args=row.args(world))
    except Exception:  # a factory's unique constraint: the object already exists
        return None
    if row.data:
        url += "?" + urlencode(dict(row.data))
    return url


def build(world: World) -> CanaryWorld:
    """Seed `active_world` with markers (after the matrix's objects, which publish the year)."""
    # Other units' names: renamed before anything renders (navigation caches names).
    Organisation.objects.filter(pk=world.branch_b.pk).update(name="乙厅CANARY-B-BRANCH-5d21支部")
    discipline = org("A-JW", Tier.Kind.DISCIPLINE_COMMITTEE, world.unit_a, "甲厅机关纪委")
    discipline_a = UserFactory(username="discipline_a", full_name="甲厅纪委干部")
    post(discipline_a, discipline, Post.Kind.SECRETARY)
    canary = CanaryWorld(world=world, discipline_a=discipline_a)
    canary.mark("CANARY-B-BRANCH-5d21", UNIT_B, "unit B's branch name")

    # The matrix's GET rows, reversed once here: their factories build objects (and publish).
    urls = [_row_url(row, world) for row in ROWS if row.method == "get"]
    canary.start_urls = ["/", *dict.fromkeys(u for u in urls if u)]

    year = world.year
    # Unit B's obligations and evidence.
    item_b = ChecklistItem.objects.filter(checklist__organisation=world.branch_b).first()
    ChecklistItem.objects.filter(pk=item_b.pk).update(content="CANARY-B-ITEM-91c4 学习制度")
    canary.mark("CANARY-B-ITEM-91c4", UNIT_B, "unit B's obligation")
    obligation_b = Obligation.objects.filter(organisation=world.branch_b).order_by("due_date")[0]
    evidence_b = core_services.evidence_upload(
        actor=world.officer_b, organisation=world.branch_b, upload=_pdf("CANARY-B-EVID-3e8a.pdf")
    )
    obligation_b.evidence.add(evidence_b)
    canary.mark("CANARY-B-EVID-3e8a", UNIT_B, "unit B's evidence")
    accountability_services.rectification_create(
        actor=world.admin,
        source=accountability_services_source(world),
        organisation=world.branch_b,
        problem="CANARY-B-RECT-77ab 记录缺失",
        deadline=datetime.date(2026, 12, 10),
        responsible_person=None,
        today=datetime.date(2026, 11, 1),
    )
    canary.mark("CANARY-B-RECT-77ab", UNIT_B, "unit B's rectification")

    # The register: a person-targeted 诫勉 on branch A, with a document.
    # The person holds no post: a member's name is on their organisation's pages by right; the
    # marker checks that nothing about the case names them.
    person = UserFactory(username="canary_person", full_name="CANARY-PERSON-c0de")
    canary.mark("CANARY-PERSON-c0de", REGISTER_A, "register: the person held accountable")
    # Every grade is "好" before the cap, so the case's cap changes branch A's grade.
    Scheme.objects.filter(year=year).update(
        good_min=Decimal(0), fairly_good_min=Decimal(0), average_min=Decimal(0)
    )
    accountability_services.case_create(
        actor=world.admin,
        data=accountability_services.CaseInput(
            year=year,
            target_type=AccountabilityCase.TargetType.PERSON,
            organisation=world.branch_a,
            person=person,
            form=AccountabilityCase.Form.ADMONISH,
            reason="CANARY-CASE-REASON-7f3a",
            decided_on=CASE_DATE,
        ),
        upload=_pdf("CANARY-CASE-DOC-19bb.pdf"),
    )
    canary.mark("CANARY-CASE-REASON-7f3a", REGISTER_A, "register: the case's reason")
    canary.mark("CANARY-CASE-DOC-19bb", REGISTER_A, "register: the decision document")
    canary.mark("诫勉", REGISTER_A, "register: the case's form")
    canary.mark(f"{CASE_DATE:%Y-%m-%d}", REGISTER_A, "register: the case's date")
    canary.mark("被问责", REGISTER_A, "register: the cap's reason names the case")
    # A case against a post-holder caps their own result too (个人抓党建考核, issue #19.3): their
    # result page, the person results list and the workbook show the capped grade with the
    # neutral note; the reason, form and date stay the register's (the markers above).
    # The same case is on officer A's cadre record and reference sheet (#19.4), which admins,
    # the reviewers of branch A and officer A themself open: only the register's audience among
    # them may read it there.
    accountability_services.case_create(
        actor=world.admin,
        data=accountability_services.CaseInput(
            year=year,
            target_type=AccountabilityCase.TargetType.PERSON,
            organisation=world.branch_a,
            person=world.officer_a,
            form=AccountabilityCase.Form.ADMONISH,
            reason="CANARY-CASE-REASON-7f3a（个人）CANARY-RECORD-CASE-2c9d",
            decided_on=CASE_DATE,
        ),
    )
    canary.mark("CANARY-RECORD-CASE-2c9d", REGISTER_A, "register: a case on a cadre record")

    # Reviewer-only ledger evidence: one pending proposal, one approved.
    pending = assessment_services.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=year,
        kind="deduction",
        points=Decimal(1),
        reason="CANARY-LEDGER-PENDING-4b10",
        upload=_pdf("CANARY-LEDGER-EVID-P-a1a1.pdf"),
    )
    canary.mark("CANARY-LEDGER-PENDING-4b10", REVIEWERS_A, "unpublished: a pending deduction")
    canary.mark("CANARY-LEDGER-EVID-P-a1a1", REVIEWERS_A, "ledger evidence (pending)")
    approved = assessment_services.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=year,
        kind="bonus",
        points=Decimal(2),
        reason="推广经验",
        upload=_pdf("CANARY-LEDGER-EVID-A-b2b2.pdf"),
    )
    assessment_services.ledger_decide(actor=world.unit_a_reviewer, entry=approved, approve=True)
    canary.mark("CANARY-LEDGER-EVID-A-b2b2", REVIEWERS_A, "ledger evidence (approved)")
    assert pending.pk

    # Ballots: the member votes 差, officer A votes 好; each sees only their own.
    report = DutyReport.objects.filter(organisation=world.branch_a, year=year).first()
    if report is None:
        report = DutyReport.objects.create(organisation=world.branch_a, year=year, text="述职")
    DutyReport.objects.filter(pk=report.pk).update(submitted_at=timezone.now())
    report.refresh_from_db()
    report.raters.add(world.member, world.officer_a)
    assessment_services.vote_cast(actor=world.member, report=report, choice="poor")
    assessment_services.vote_cast(actor=world.officer_a, report=report, choice="good")
    canary.mark("您已投“差”", {"member"}, "ballot: the member's vote")
    canary.mark("您已投“好”", {"officer_a"}, "ballot: officer A's vote")

    # Results with the cap, published; then an unpublished recomputation with its reason.
    results.results_compute(actor=None, year=year, reason="方案调整")
    person_results.person_results_compute(actor=None, year=year, reason="方案调整")
    results.results_publish(actor=None, year=year)
    # Straight to the model: the round's date rules are not what this test is about.
    review_round, _created = ReviewRound.objects.get_or_create(
        year=year,
        quarter=4,
        defaults={"opens_on": datetime.date(2026, 11, 1), "closes_on": datetime.date(2026, 12, 31)},
    )
    review = assessment_services.review_start(
        actor=None, review_round=review_round, organisation=world.branch_a2
    )
    ItemScore.objects.filter(pk=review.scores.first().pk).update(
        score=Decimal(0), reason="CANARY-UNPUB-SCORE-5e5e"
    )
    canary.mark("CANARY-UNPUB-SCORE-5e5e", REVIEWERS_A, "unpublished quarterly score")
    # A new unpublished version of branch A2's result only (its ledger changed), with a reason.
    bonus = assessment_services.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a2,
        year=year,
        kind="deduction",
        points=Decimal(3),
        reason="台账不全",
    )
    assessment_services.ledger_decide(actor=world.unit_a_reviewer, entry=bonus, approve=True)
    results.results_compute(actor=None, year=year, reason="CANARY-UNPUB-RESULT-6f6f")
    canary.mark("CANARY-UNPUB-RESULT-6f6f", REVIEWERS_A, "unpublished result")

    # A second case, registered after publication, marks branch A's published result 待更新:
    # everyone who reads the result sees the neutral mark; its detail names the case.
    accountability_services.case_create(
        actor=world.admin,
        data=accountability_services.CaseInput(
            year=year,
            target_type=AccountabilityCase.TargetType.ORGANISATION,
            organisation=world.branch_a,
            person=None,
            form=AccountabilityCase.Form.INSPECTION,
            reason="CANARY-CASE-REASON-7f3a（补登）",
            decided_on=CASE_DATE,
        ),
    )
    canary.mark("新增：不高于", REGISTER_A, "register: the 待更新 mark's detail names the case")

    # Other people's inbox, and the reminders' digests.
    accountability_services.notify(
        recipients=[world.officer_a], title="CANARY-INBOX-A-8c8c", body="内容", url="/work/"
    )
    # The Django admin shows every notification to a superuser.
    canary.mark("CANARY-INBOX-A-8c8c", {"officer_a", "admin"}, "officer A's inbox")
    reminders.run(datetime.date(2026, 12, 6), deliver=False)
    return canary


def accountability_services_source(world: World) -> Any:
    from tests.accountability.support import manual_source

    return manual_source(world, world.branch_b)


# --- the crawl ---------------------------------------------------------------------------------


class LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _text_of(response: Any) -> str:
    """Everything the response shows: headers (a download's file name), HTML, every xlsx cell."""
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith(XLSX):
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=False)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        book.close()
        return headers + "\n" + "\n".join(cells)
    if content_type.startswith(("text/", "application/json")):
        return headers + "\n" + body.decode("utf-8", "replace")
    return headers


@dataclass
class CrawlResult:
    pages: int = 0
    visited: list[str] = field(default_factory=list)
    seen: dict[str, list[str]] = field(default_factory=dict)  # marker text → URLs


def _allowed_link(href: str, is_admin: bool) -> str | None:
    parts = urlsplit(href)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    if parts.path.startswith("/admin/") and (
        not is_admin or "/delete/" in parts.path or "/history/" in parts.path
    ):
        return None
    if "logout" in parts.path:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(key for key, _value in parse_qsl(parts.query, keep_blank_values=True))
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(
    client: Client, start: list[str], markers: list[Marker], *, is_admin: bool
) -> CrawlResult:
    """Breadth-first over same-site links; the Django admin's pages wait behind the product's."""
    result = CrawlResult()
    queue: deque[str] = deque(start)
    later: deque[str] = deque()
    queued = set(start)
    shapes: Counter[str] = Counter()
    while (queue or later) and result.pages < MAX_PAGES:
        url = queue.popleft() if queue else later.popleft()
        with transaction.atomic():  # a failing page must not poison the next request
            response = client.get(url)
        result.pages += 1
        result.visited.append(url)
        if response.status_code in (301, 302):
            links = [response["Location"]]
            text = ""
        elif response.status_code != 200:
            continue
        else:
            text = _text_of(response)
            links = []
            if response.get("Content-Type", "").startswith("text/html"):
                finder = LinkFinder()
                finder.feed(text)
                links = finder.links
        for marker in markers:
            if marker.text in text:
                result.seen.setdefault(marker.text, []).append(url)
        for href in links:
            link = _allowed_link(urljoin(url, href), is_admin)
            if link and link not in queued and shapes[_shape(link)] < SHAPE_LIMIT:
                queued.add(link)
                shapes[_shape(link)] += 1
                (later if link.startswith("/admin/") else queue).append(link)
    return result

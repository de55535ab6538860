"""Security guarantees through the test client: CSP and local assets on every main page, the
audit trail of sign-ins, refusals and exports, CSRF refusals, and sign-out ending the session.

`manage.py check --deploy` is in tests/test_settings.py and login throttling in
tests/responsibility/test_accounts.py; this file adds what they do not cover.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from assessment import results
from assessment import services as assessment_services
from assessment.models import (
    AnnualResult,
    BackboneCandidate,
    DutyReport,
    ItemScore,
    LedgerEntry,
    OrganisationReview,
    ReviewComment,
    ReviewRound,
    Rotation,
    Scheme,
    Training,
    TrainingAttendance,
    Vote,
)
from responsibility import audit
from responsibility.models import (
    AuditEntry,
    Checklist,
    ChecklistItem,
    Evidence,
    Obligation,
    Opinion,
    Organisation,
    Post,
    User,
    Year,
)
from tests.browser.pages import MAIN_PAGES, Site, build_site
from tests.factories import PASSWORD, World, make_evidence

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
ASSET_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "form": ("action",),
}


class PageScan(HTMLParser):
    """What the CSP would refuse or what would leave the intranet."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.inline_styles = 0
        self.handlers: list[str] = []
        self.external: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            # A JSON data island (json_script) is data the CSP never runs, not inline code.
            self._in_script = "src" not in values and values.get("type") != "application/json"
        if tag == "style":
            self.inline_styles += 1
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        for name in ASSET_ATTRIBUTES.get(tag, ()):
            value = values.get(name) or ""
            if EXTERNAL.match(value):
                self.external.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data.strip()[:80])


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def site(db) -> Site:
    return build_site()


# Content-Security-Policy and local assets ------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_a_strict_csp_and_no_inline_script_on_every_main_page(site: Site) -> None:
    problems = []
    for page in MAIN_PAGES:
        user = site.world.persona(page.persona) if page.persona else None
        response = client_for(user).get(page.path(site))
        assert response["Content-Type"].startswith("text/html"), page.name
        policy = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy.replace(
            "style-src-attr 'unsafe-inline'", ""
        ):
            problems.append(f"{page.name}: weak or missing CSP {policy!r}")
        scan = PageScan()
        scan.feed(response.content.decode())
        for kind, found in (
            ("inline <script>", scan.inline_scripts),
            ("inline <style>", ["<style>"] * scan.inline_styles),
            ("event handler attribute", scan.handlers),
            ("external asset", scan.external),
        ):
            problems += [f"{page.name}: {kind} {item}" for item in found]
    assert not problems, "\n".join(problems)


def test_it_ships_stylesheets_that_load_nothing_from_outside() -> None:
    outside = re.compile(r"(url\(\s*['\"]?|@import\s+['\"]?)(https?:)?//", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "static").rglob("*.css")
        if outside.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders


@pytest.mark.django_db
def test_it_answers_a_failed_csrf_check_with_a_chinese_page_under_the_csp(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer_a)
    response = client.post(reverse("organisation_switch"), {"organisation": "1"})
    text = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in text
    assert "Content-Security-Policy" in response.headers
    scan = PageScan()
    scan.feed(text)
    assert (scan.inline_scripts, scan.inline_styles, scan.external) == ([], 0, [])


# Audit trail: sign-in, failed sign-in, sign-out ------------------------------------------------


def sign_in(client: Client, username: str, password: str, ip: str = "10.1.2.3"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Mozilla/5.0 (测试浏览器)",
    )


@pytest.mark.django_db
def test_it_audits_a_sign_in_with_address_and_browser(world: World) -> None:
    response = sign_in(Client(), "officer_a", PASSWORD)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor == world.officer_a
    assert (entry.object_type, entry.object_id) == ("responsibility.user", str(world.officer_a.pk))
    assert entry.changes["ip"] == "10.1.2.3"
    assert "测试浏览器" in entry.changes["user_agent"]


@pytest.mark.django_db
def test_it_audits_a_failed_sign_in_without_the_password(world: World) -> None:
    sign_in(Client(), "officer_a", "Guessed-Wrong-1")
    sign_in(Client(), "nobody", "Guessed-Wrong-2")
    entries = AuditEntry.objects.filter(action="auth.login_failed").order_by("pk")
    assert [(e.actor, e.object_repr, e.changes["ip"]) for e in entries] == [
        (None, "officer_a", "10.1.2.3"),
        (None, "nobody", "10.1.2.3"),
    ]
    stored = str([(e.object_repr, e.changes) for e in AuditEntry.objects.all()])
    assert "Guessed-Wrong" not in stored


@pytest.mark.django_db
def test_it_audits_sign_out_and_the_old_session_no_longer_works(world: World) -> None:
    client = Client()
    assert sign_in(client, "officer_a", PASSWORD).status_code == 302
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("my_work")).status_code == 200

    client.post(reverse("logout"))

    assert AuditEntry.objects.filter(action="auth.logout", actor=world.officer_a).count() == 1
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(reverse("my_work"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.real_password_hasher
def test_it_locks_by_username_and_address_and_audits_the_lockout(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(Client(), "officer_a", "wrong", ip="10.0.0.8")
    locked = sign_in(Client(), "officer_a", PASSWORD, ip="10.0.0.8")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # The same person from another address is not locked out.
    assert sign_in(Client(), "officer_a", PASSWORD, ip="10.0.0.9").status_code == 302
    last_failure = AuditEntry.objects.filter(action="auth.login_failed").order_by("pk").last()
    assert last_failure.changes.get("locked_out") is True


# Audit trail: refusals -------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_audits_a_forbidden_page(world: World) -> None:
    response = client_for(world.officer_a).get(reverse("year_list"))
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.actor == world.officer_a
    assert entry.changes["status"] == 403
    assert entry.changes["path"] == reverse("year_list")
    assert entry.changes["method"] == "GET"


@pytest.mark.django_db
def test_it_audits_an_object_outside_the_scope(active_world: World) -> None:
    obligation = Obligation.objects.filter(organisation=active_world.branch_a).first()
    response = client_for(active_world.officer_b).post(
        obligation.get_absolute_url(), {"status": "done"}
    )
    assert response.status_code == 404
    entry = AuditEntry.objects.get(action="access.denied")
    assert (entry.actor, entry.changes["status"], entry.changes["method"]) == (
        active_world.officer_b,
        404,
        "POST",
    )
    assert entry.object_repr == obligation.get_absolute_url()


@pytest.mark.django_db
def test_it_does_not_audit_plain_not_found_or_anonymous_visitors(active_world: World) -> None:
    client = client_for(active_world.officer_a)
    assert client.get("/no-such-page/").status_code == 404
    missing_year = reverse("checklist_detail", args=[active_world.branch_a.pk, 1999])
    assert client.get(missing_year).status_code == 404
    assert Client().get(reverse("year_list")).status_code == 302
    assert not AuditEntry.objects.filter(action="access.denied").exists()


# Audit trail: exports --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_offers_a_hook_that_audits_exports(active_world: World) -> None:
    checklist = Checklist.objects.get(organisation=active_world.branch_a)
    request = RequestFactory().get(
        "/organisations/1/checklist/2026/export.xlsx", REMOTE_ADDR="10.9.8.7"
    )
    request.user = active_world.unit_a_reviewer
    audit.record_export(request, "责任清单.xlsx", obj=checklist, organisation=active_world.branch_a)
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == active_world.unit_a_reviewer
    assert entry.organisation == active_world.branch_a
    assert (entry.object_type, entry.object_id) == ("responsibility.checklist", str(checklist.pk))
    assert entry.object_repr == "责任清单.xlsx"
    assert entry.changes["ip"] == "10.9.8.7"
    assert entry.changes["path"].endswith("export.xlsx")


# CSRF ------------------------------------------------------------------------------------------


def snapshot() -> dict[str, int | list[tuple[int, str, int]]]:
    counts: dict[str, int | list[tuple[int, str, int]]] = {
        model.__name__: model.objects.count()
        for model in (
            AuditEntry,
            ChecklistItem,
            Evidence,
            Opinion,
            Organisation,
            Post,
            User,
            Year,
        )
    }
    counts["obligations"] = list(
        Obligation.objects.order_by("pk").values_list("pk", "status", "version")
    )
    counts.update(assessment_snapshot())
    return counts


def assessment_snapshot() -> dict[str, int | list[tuple[object, ...]]]:
    counts: dict[str, int | list[tuple[object, ...]]] = {
        model.__name__: model.objects.count()
        for model in (
            AnnualResult,
            ItemScore,
            ReviewComment,
            ReviewRound,
            Rotation,
            Scheme,
            Training,
            TrainingAttendance,
            Vote,
        )
    }
    counts["reviews"] = list(
        OrganisationReview.objects.order_by("pk").values_list("pk", "status", "version")
    )
    counts["ledger"] = list(LedgerEntry.objects.order_by("pk").values_list("pk", "status"))
    counts["reports"] = list(
        DutyReport.objects.order_by("pk").values_list(
            "pk", "version", "submitted_at", "meeting_closed_at"
        )
    )
    counts["raters"] = DutyReport.raters.through.objects.count()
    return counts


CSRF_CASES = [
    # (persona, url name, args from the world, data)
    ("officer_a", "obligation_detail", lambda w: [open_obligation(w).pk], {"status": "done"}),
    ("unit_a_reviewer", "obligation_reopen", lambda w: [open_obligation(w).pk], {"reason": "补录"}),
    (
        "officer_a",
        "obligation_detach_evidence",
        lambda w: [open_obligation(w).pk, attached(w).pk],
        {},
    ),
    ("officer_a", "opinion_edit", lambda w: [w.branch_a.pk, w.year.year], {"content": "建议"}),
    ("unit_a_reviewer", "checklist_item_edit", lambda w: [first_item(w).pk], {"ref": "X"}),
    ("admin", "year_list", lambda w: [], {"year": "2030", "entry_grace_days": "5"}),
    ("admin", "year_action", lambda w: [w.year.year, "close"], {}),
    ("admin", "onboarding_import", lambda w: [], {}),
    ("officer_a", "organisation_switch", lambda w: [], {"organisation": "0"}),
    ("officer_a", "password_change", lambda w: [], {"old_password": PASSWORD}),
    ("officer_a", "logout", lambda w: [], {}),
    (None, "login", lambda w: [], {"username": "officer_a", "password": PASSWORD}),
]


def open_obligation(world: World) -> Obligation:
    return Obligation.objects.filter(organisation=world.branch_a).order_by("-due_date").first()


def first_item(world: World) -> ChecklistItem:
    return ChecklistItem.objects.filter(checklist__organisation=world.branch_a).first()


def attached(world: World) -> Evidence:
    evidence = make_evidence(world.branch_a)
    open_obligation(world).evidence.add(evidence)
    return evidence


# Assessment forms: every POST the app accepts.
CSRF_CASES += [
    (
        "admin",
        "round_list",
        lambda w: [],
        {"quarter": "3", "opens_on": "2026-09-01", "closes_on": "2026-09-30"},
    ),
    ("unit_a_reviewer", "review_start", lambda w: [assessing(w).round.pk, w.branch_a2.pk], {}),
    ("unit_a_reviewer", "review_score", lambda w: [assessing(w).review.pk], {"version": "1"}),
    ("officer_a", "review_self_assess", lambda w: [assessing(w).review.pk], {"text": "自评"}),
    ("wc_reviewer", "review_transition", lambda w: [assessing(w).submitted.pk, "confirm"], {}),
    (
        "wc_reviewer",
        "review_transition",
        lambda w: [assessing(w).submitted.pk, "return"],
        {"comment": "请补充理由"},
    ),
    (
        "unit_a_reviewer",
        "ledger_propose",
        lambda w: [w.branch_a.pk],
        {"kind": "bonus", "points": "2", "reason": "获省级表彰"},
    ),
    (
        "unit_a_reviewer",
        "ledger_decide",
        lambda w: [assessing(w).ledger.pk],
        {"decision": "approve"},
    ),
    (
        "officer_a",
        "report_edit",
        lambda w: [w.branch_a.pk, w.year.year],
        {"text": "述职报告", "submit": "1"},
    ),
    ("unit_a_reviewer", "report_detail", lambda w: [assessing(w).report.pk], {"raters": []}),
    ("unit_a_reviewer", "report_vote", lambda w: [assessing(w).report.pk], {"choice": "good"}),
    ("unit_a_reviewer", "report_comment", lambda w: [assessing(w).report.pk], {"comment": "好"}),
    ("unit_a_reviewer", "report_close", lambda w: [assessing(w).report.pk], {}),
    ("admin", "result_list", lambda w: [w.year.year], {"compute": "1"}),
    ("admin", "result_list", lambda w: [w.year.year], {"publish": "1"}),
    (
        "admin",
        "scheme_edit",
        lambda w: [w.year.year],
        {"version": "1", "weight_process": "100", "weight_quarterly": "0", "weight_year_end": "0"},
    ),
    (
        "officer_a",
        "training_list",
        lambda w: [],
        {"organiser": "1", "held_on": "2026-03-01", "topic": "培训", "hours": "2"},
    ),
    (
        "officer_a",
        "training_detail",
        lambda w: [assessing(w).training.pk],
        {"people": ["1"]},
    ),
    ("officer_a", "training_import", lambda w: [assessing(w).training.pk], {}),
    (
        "unit_a_reviewer",
        "person_record",
        lambda w: [w.officer_a.pk],
        {"moved_on": "2026-01-05", "from_post": "1", "organisation": "1", "kind": "secretary"},
    ),
    ("unit_a_reviewer", "backbone_pool", lambda w: [], {"person": "1", "reason": "业务骨干"}),
    (
        "unit_a_reviewer",
        "backbone_candidate",
        lambda w: [candidate_of(w).pk],
        {"decision": "withdraw", "on": "2026-07-01", "reason": "撤回", "version": "1"},
    ),
]


def candidate_of(world: World) -> BackboneCandidate:
    from tests.assessment.permission_rows import candidate_of as make

    return make(world)


@dataclass
class Assessing:
    """What the assessment POSTs act on, in the 2026 world (built once per world)."""

    round: ReviewRound
    review: OrganisationReview
    submitted: OrganisationReview
    ledger: LedgerEntry
    report: DutyReport
    training: Training


def assessing(world: World) -> Assessing:
    if not hasattr(world, "assessing"):
        world.assessing = _assessing(world)  # type: ignore[attr-defined]
    return world.assessing  # type: ignore[attr-defined]


def _assessing(world: World) -> Assessing:
    review_round = assessment_services.round_create(
        actor=world.admin,
        year=world.year,
        quarter=2,
        opens_on=datetime.date(2026, 6, 20),
        closes_on=datetime.date(2026, 7, 20),
    )
    review = assessment_services.review_start(
        actor=world.unit_a_reviewer, review_round=review_round, organisation=world.branch_a
    )
    submitted = assessment_services.review_start(
        actor=world.unit_a_reviewer, review_round=review_round, organisation=world.branch_a2
    )
    submitted = assessment_services.review_transition(
        actor=world.unit_a_reviewer, review=submitted, action="submit"
    )
    ledger = assessment_services.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=world.year,
        kind="deduction",
        points=Decimal(1),
        reason="材料报送不及时",
    )
    report = assessment_services.report_save(
        actor=world.officer_a,
        organisation=world.branch_a,
        year=world.year,
        text="述职报告",
        version=None,
        submit=True,
    )
    assessment_services.report_raters_set(
        actor=world.unit_a_reviewer, report=report, raters=[world.unit_a_reviewer]
    )
    results.results_compute(actor=None, year=world.year)
    training = assessment_services.training_create(
        actor=world.officer_a,
        organiser=world.branch_a,
        held_on=datetime.date(2026, 3, 1),
        topic="支部工作条例培训",
        hours=Decimal(2),
    )
    return Assessing(
        round=review_round,
        review=review,
        submitted=submitted,
        ledger=ledger,
        report=report,
        training=training,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "name", "args", "data"),
    CSRF_CASES,
    ids=[case[1] for case in CSRF_CASES],
)
def test_it_refuses_posts_without_a_csrf_token(
    active_world: World, persona: str | None, name: str, args, data: dict[str, str]
) -> None:
    client = Client(enforce_csrf_checks=True)
    if persona is not None:
        client.force_login(active_world.persona(persona))
    url = reverse(name, args=args(active_world))
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    assert snapshot() == before
    if persona is not None:  # still signed in: the refused sign-out did not happen either
        assert client.get(reverse("organisation_tree")).status_code == 200

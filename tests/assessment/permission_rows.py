"""Permission-matrix rows for the assessment URLs (collected by tests/test_permissions.py)."""

import datetime

from django.utils import timezone

from assessment import exports, person_results, results, services
from assessment.models import (
    AnnualResult,
    BackboneCandidate,
    DutyReport,
    ExportJob,
    LedgerEntry,
    OrganisationReview,
    PersonResult,
    ReviewRound,
    Training,
)
from tests.factories import World
from tests.permissions_support import (
    A_BRANCH_VIEWERS,
    A_REVIEWERS,
    ADMIN_ONLY,
    ALL_IN,
    REVIEWERS_ONLY,
    Row,
    statuses,
)

A_REVIEWERS_POST = A_REVIEWERS | {"admin": 302, "wc_reviewer": 302, "unit_a_reviewer": 302}
A_FILLERS = statuses(403, officer_b=404, admin=200, officer_a=200)
# The scheme form's defaults (domain.md §5), posted to preview them.
SCHEME_DEFAULTS = {
    "weight_process": "30",
    "weight_quarterly": "30",
    "weight_year_end": "40",
    "good_min": "90",
    "fairly_good_min": "80",
    "average_min": "60",
    "good_quota_percent": "",
    "vote_good": "100",
    "vote_fairly_good": "80",
    "vote_average": "60",
    "vote_poor": "40",
    "late_deduction_percent": "50",
    "no_evidence_deduction_percent": "20",
    "accountability_cap": "average",
    "report_deadline": "",
    "person_weight_duties": "30",
    "person_weight_org_lead": "40",
    "person_weight_org_member": "20",
    "person_weight_training": "10",
    "person_weight_rating": "20",
    "person_rectification_deduction": "2",
    "training_hours_required": "16",
    "person_accountability_cap": "average",
}


def review_round(world: World) -> ReviewRound:
    found = ReviewRound.objects.filter(year=world.year, quarter=2).first()
    return found or services.round_create(
        actor=None,
        year=world.year,
        quarter=2,
        opens_on=datetime.date(2026, 6, 20),
        closes_on=datetime.date(2026, 7, 20),
    )


def review_of(world: World) -> OrganisationReview:
    return services.review_start(
        actor=None, review_round=review_round(world), organisation=world.branch_a
    )


def ledger_entry(world: World) -> LedgerEntry:
    return LedgerEntry.objects.create(
        organisation=world.branch_a,
        year=world.year,
        kind="bonus",
        points=1,
        reason="推广经验",
        proposed_by=world.wc_reviewer,
    )


def report_of(world: World) -> DutyReport:
    return DutyReport.objects.create(organisation=world.branch_a, year=world.year, text="述职")


def published_result(world: World) -> AnnualResult:
    results.results_compute(actor=None, year=world.year)
    results.results_publish(actor=None, year=world.year)
    return AnnualResult.objects.get(organisation=world.branch_a, is_current=True)


def export_job_of(world: World) -> ExportJob:
    """A finished export requested by the admin: nobody else may see or download it."""
    published_result(world)
    job = ExportJob.objects.create(requested_by=world.admin, year=world.year)
    exports.export_job_run(job.pk)
    return job


def report_rated_by_officer_b(world: World) -> DutyReport:
    """A branch A report whose rater is officer B: a rater reads and votes from outside the
    report's scope (scope's "read" and "rate")."""
    report = report_of(world)
    report.raters.set([world.officer_b])
    return report


def unpublished_result(world: World) -> AnnualResult:
    results.results_compute(actor=None, year=world.year)
    return AnnualResult.objects.get(organisation=world.branch_a, is_current=True)


def export_job_of_officer_a(world: World) -> ExportJob:
    """An export is its requester's own (scope's "own"): officer A's, though they export nothing."""
    published_result(world)
    job = ExportJob.objects.create(requested_by=world.officer_a, year=world.year)
    exports.export_job_run(job.pk)
    return job


def person_result_of(world: World, *, publish: bool = True) -> PersonResult:
    """Officer A's person result (个人抓党建考核), published unless asked otherwise."""
    person_results.person_results_compute(actor=None, year=world.year)
    if publish:
        person_results.person_results_publish(actor=None, year=world.year)
    return PersonResult.objects.get(person=world.officer_a, is_current=True)


def submitted_report_of(world: World) -> DutyReport:
    """Branch A's report in its year-end review: its officers are rated (述职测评)."""
    return DutyReport.objects.create(
        organisation=world.branch_a, year=world.year, text="述职", submitted_at=timezone.now()
    )


# Rating the officers of a reported organisation (scope's "rate_person"): its reviewers (and
# admins, who may review anything); 403 to whoever views the organisation, 404 to the rest.
RATERS = statuses(403, officer_b=404, admin=200, wc_reviewer=200, unit_a_reviewer=200)
# A person's result: the reviewers of their organisation, admins, and themself once published.
PERSON_RESULT_READERS = statuses(
    404, admin=200, wc_reviewer=200, unit_a_reviewer=200, officer_a=200
)


def training_of(world: World) -> Training:
    """A training the unit A organ committee held: its officers fill it in."""
    return Training.objects.create(
        organiser=world.organ_a, held_on=datetime.date(2026, 5, 8), topic="党务知识", hours=4
    )


def candidate_of(world: World) -> BackboneCandidate:
    """The member of branch A, proposed as a business backbone by unit A's reviewer."""
    return BackboneCandidate.objects.create(
        person=world.member,
        organisation=world.branch_a,
        reason="业务能力突出",
        proposed_by=world.unit_a_reviewer,
        proposed_on=datetime.date(2026, 3, 1),
    )


# A candidacy is its organisation's reviewers'; those who only view branch A get a 403.
BACKBONE_READERS = statuses(403, officer_b=404, admin=200, wc_reviewer=200, unit_a_reviewer=200)

ROWS: list[Row] = [
    Row("round_list", REVIEWERS_ONLY),
    Row("review_round_detail", REVIEWERS_ONLY, lambda w: [review_round(w).pk]),
    Row(
        "review_start",
        A_REVIEWERS_POST,
        lambda w: [review_round(w).pk, w.branch_a.pk],
        method="post",
    ),
    Row("review_score", A_REVIEWERS, lambda w: [review_of(w).pk]),
    Row("review_self_assess", A_FILLERS, lambda w: [review_of(w).pk]),
    Row(
        "review_item_evidence",
        A_REVIEWERS,
        lambda w: [review_of(w).pk, review_of(w).scores.first().item_id],
    ),
    Row(
        "review_transition",
        A_REVIEWERS_POST,
        lambda w: [review_of(w).pk, "publish"],
        method="post",
    ),
    Row("organisation_scores", A_BRANCH_VIEWERS, lambda w: [w.branch_a.pk, 2026]),
    Row("ledger_list", REVIEWERS_ONLY),
    Row("ledger_propose", A_REVIEWERS, lambda w: [w.branch_a.pk]),
    Row(
        "ledger_decide",
        A_REVIEWERS_POST,
        lambda w: [ledger_entry(w).pk],
        method="post",
        data={"decision": "reject"},
    ),
    Row("report_edit", A_BRANCH_VIEWERS, lambda w: [w.branch_a.pk, 2026]),
    Row("report_list", REVIEWERS_ONLY),
    Row("report_detail", A_BRANCH_VIEWERS, lambda w: [report_of(w).pk]),
    Row(
        "report_vote",
        A_BRANCH_VIEWERS | {p: 302 for p, s in A_BRANCH_VIEWERS.items() if s == 200},
        lambda w: [report_of(w).pk],
        method="post",
        data={"choice": "good"},
    ),
    Row(
        "report_detail",
        A_BRANCH_VIEWERS | {"officer_b": 200},
        lambda w: [report_rated_by_officer_b(w).pk],
        label="rater outside scope",
    ),
    Row(
        "report_vote",
        A_BRANCH_VIEWERS
        | {p: 302 for p, s in A_BRANCH_VIEWERS.items() if s == 200}
        | {"officer_b": 302},
        lambda w: [report_rated_by_officer_b(w).pk],
        method="post",
        data={"choice": "good"},
        label="rater outside scope",
    ),
    Row(
        "report_comment",
        A_REVIEWERS_POST,
        lambda w: [report_of(w).pk],
        method="post",
        data={"comment": "意见"},
    ),
    Row("report_close", A_REVIEWERS_POST, lambda w: [report_of(w).pk], method="post"),
    # Drafting from the record (#20.4) is the secretary's: "fill", 404 outside the scope.
    Row(
        "report_draft",
        A_FILLERS | {"admin": 302, "officer_a": 302},
        lambda w: [w.branch_a.pk, 2026],
        method="post",
    ),
    # The .docx is for whoever reads the report (scope's "read"), a rater from outside too.
    Row("report_docx", A_BRANCH_VIEWERS, lambda w: [report_of(w).pk]),
    Row(
        "report_docx",
        A_BRANCH_VIEWERS | {"officer_b": 200},
        lambda w: [report_rated_by_officer_b(w).pk],
        label="rater outside scope",
    ),
    Row("result_list", ALL_IN, lambda w: [2026]),
    Row(
        "results_refresh",
        ADMIN_ONLY | {"admin": 302},
        lambda w: [published_result(w).year.year],
        method="post",
    ),
    Row("result_detail", A_BRANCH_VIEWERS, lambda w: [published_result(w).pk]),
    # Before publication a result is its reviewers' (scope's "read"): 403 in scope, 404 outside.
    Row(
        "result_detail",
        A_BRANCH_VIEWERS | {"officer_a": 403, "liaison": 403, "member": 403, "discipline_a": 403},
        lambda w: [unpublished_result(w).pk],
        label="unpublished",
    ),
    Row("scheme_edit", ADMIN_ONLY, lambda w: [2026]),
    # 试算 (what if, issue #20.7): the admin's page again, with the preview and nothing saved.
    Row(
        "scheme_edit",
        ADMIN_ONLY,
        lambda w: [2026],
        method="post",
        data={"preview": "1", "version": "1", **SCHEME_DEFAULTS},
        label="preview",
    ),
    Row("results_export", REVIEWERS_ONLY, lambda w: [published_result(w).year.year]),
    Row("export_job", statuses(404, admin=200), lambda w: [export_job_of(w).pk]),
    Row("export_job_download", statuses(404, admin=200), lambda w: [export_job_of(w).pk]),
    Row(
        "export_job",
        statuses(404, officer_a=200),
        lambda w: [export_job_of_officer_a(w).pk],
        label="officer A's",
    ),
    Row(
        "export_job_download",
        statuses(404, officer_a=200),
        lambda w: [export_job_of_officer_a(w).pk],
        label="officer A's",
    ),
    # Dashboards and cadres' records: reviewers and admins, each seeing their own scope.
    Row("assessment_dashboard", REVIEWERS_ONLY),
    Row(
        "assessment_dashboard",
        REVIEWERS_ONLY,
        # Publishes the year's results first; the URL itself takes no arguments.
        lambda w: [published_result(w)][:0],
        label="with results",
    ),
    Row("cadre_records", REVIEWERS_ONLY, lambda w: [2026]),
    Row(
        "cadre_records",
        statuses(403, admin=404, wc_reviewer=404, unit_a_reviewer=404),
        lambda w: [2031],
        label="unknown year",
    ),
    Row("training_list", ALL_IN),
    Row(
        "training_detail",
        statuses(
            404, admin=200, wc_reviewer=200, unit_a_reviewer=200, liaison=200, discipline_a=200
        ),
        lambda w: [training_of(w).pk],
    ),
    Row(
        "training_import",
        statuses(
            404, admin=200, unit_a_reviewer=200, wc_reviewer=403, liaison=403, discipline_a=403
        )
        | {"anonymous": 302},
        lambda w: [training_of(w).pk],
        method="post",
    ),
    Row(
        "person_record",
        statuses(404, admin=200, wc_reviewer=200, unit_a_reviewer=200, officer_a=200),
        lambda w: [w.officer_a.pk],
    ),
    Row(
        "person_record",
        statuses(404, admin=200, wc_reviewer=200, officer_b=200),
        lambda w: [w.officer_b.pk],
        label="unit B",
    ),
    # Recording a rotation: whoever may view the record, never about oneself (403).
    Row(
        "person_record",
        statuses(404, admin=200, wc_reviewer=200, unit_a_reviewer=200, officer_a=403),
        lambda w: [w.officer_a.pk],
        method="post",
        data={"moved_on": ""},
        label="rotation",
    ),
    # The reference sheet (printable, and as a workbook): whoever may view the record.
    Row(
        "person_sheet",
        statuses(404, admin=200, wc_reviewer=200, unit_a_reviewer=200, officer_a=200),
        lambda w: [w.officer_a.pk],
    ),
    Row(
        "person_sheet",
        statuses(404, admin=200, wc_reviewer=200, officer_b=200),
        lambda w: [w.officer_b.pk],
        label="unit B",
    ),
    Row(
        "person_sheet_export",
        statuses(404, admin=200, wc_reviewer=200, unit_a_reviewer=200, officer_a=200),
        lambda w: [w.officer_a.pk],
    ),
    # A unit's reference sheets: reviewers of one unit get theirs; others choose a unit first.
    Row(
        "cadre_sheets_export",
        statuses(403, admin=302, wc_reviewer=302, unit_a_reviewer=200),
        lambda w: [2026],
    ),
    # The business-backbone pool: reviewers; proposing needs a unit (one's only one, or chosen).
    Row("backbone_pool", REVIEWERS_ONLY),
    Row(
        "backbone_pool",
        statuses(403, admin=302, wc_reviewer=302, unit_a_reviewer=200),
        method="post",
        data={"person": ""},
        label="propose",
    ),
    Row("backbone_candidate", BACKBONE_READERS, lambda w: [candidate_of(w).pk]),
    Row(
        "backbone_candidate",
        BACKBONE_READERS,
        lambda w: [candidate_of(w).pk],
        method="post",
        data={"decision": "withdraw"},
        label="decide",
    ),
    # The person-level assessment (个人抓党建考核, issue #19.3).
    Row("person_result_list", REVIEWERS_ONLY, lambda w: [2026]),
    Row(
        "person_result_list",
        REVIEWERS_ONLY,
        lambda w: [person_result_of(w).year.year],
        label="with results",
    ),
    Row(
        "person_result_list",
        ADMIN_ONLY | {"admin": 302},
        lambda w: [2026],
        method="post",
        data={"compute": "1", "reason": ""},
        label="compute",
    ),
    Row(
        "person_results_refresh",
        ADMIN_ONLY | {"admin": 302},
        lambda w: [person_result_of(w).year.year],
        method="post",
    ),
    Row("person_result_detail", PERSON_RESULT_READERS, lambda w: [person_result_of(w).pk]),
    Row(
        "person_result_detail",
        PERSON_RESULT_READERS | {"officer_a": 404},
        lambda w: [person_result_of(w, publish=False).pk],
        label="unpublished",
    ),
    Row("my_person_results", ALL_IN),
    Row("person_ratings", RATERS, lambda w: [submitted_report_of(w).pk]),
    Row(
        "person_rate",
        RATERS,
        lambda w: [submitted_report_of(w).pk, w.officer_a.pk],
    ),
    Row(
        "person_rate",
        RATERS | {"admin": 302, "wc_reviewer": 302, "unit_a_reviewer": 302},
        lambda w: [submitted_report_of(w).pk, w.officer_a.pk],
        method="post",
        data={"execution": "90", "supervision": "80"},
        label="rate",
    ),
    Row("young_cadres", REVIEWERS_ONLY, lambda w: [2026]),
    Row("cadre_export", REVIEWERS_ONLY, lambda w: [2026]),
]

"""Permission-matrix rows for this app's URLs (collected by tests/test_permissions.py)."""

from collections.abc import Callable
from typing import Any

from accountability.models import Dispatch, Notice, NoticeRecipient, Rectification
from tests.accountability.support import (
    case_of,
    comment_of,
    deduction_of,
    dispatch_of,
    finding_of,
    meeting_of,
    notice_of,
    notification_of,
    overdue_obligation_of,
    rectification_of,
)
from tests.permissions_support import (
    A_BRANCH_VIEWERS,
    A_REVIEWERS,
    ALL_IN,
    REVIEWERS_ONLY,
    Row,
    statuses,
)

# Reviewers of branch A may act (302 after a POST); everyone else in scope is refused.
A_REVIEWERS_POST = A_REVIEWERS | {"admin": 302, "wc_reviewer": 302, "unit_a_reviewer": 302}
# Who may record findings: reviewers below their tier, liaison officers and the unit's 机关纪委.
SUPERVISORS = statuses(
    403, admin=200, wc_reviewer=200, unit_a_reviewer=200, liaison=200, discipline_a=200
)
# Who assigns a rectification in branch A: its reviewers and unit A's 机关纪委 (issue #20.6).
A_ASSIGNERS = A_REVIEWERS | {"discipline_a": 200}
# Branch A's officer (and admins) do the rectification work.
A_WORKERS_POST = statuses(403, officer_b=404, admin=302, officer_a=302)
# The accountability register exists only for admins, working-committee reviewers and the
# unit's 机关纪委 here.
REGISTER = statuses(404, admin=200, wc_reviewer=200, discipline_a=200)


class WorldData(dict):
    """Request data that names objects of the persona's world. The matrix calls `args(world)`
    before sending `data`, so `args` is where the objects are made and their ids filled in."""

    def __init__(self, build: Callable[[Any], dict[str, Any]], **fixed: str) -> None:
        super().__init__(fixed)
        self.build = build

    def args(self, world: Any) -> list[Any]:
        self.update({key: str(value) for key, value in self.build(world).items()})
        return []


def row(name: str, expected: dict[str, int], data: WorldData, **kwargs: Any) -> Row:
    return Row(name, expected, data.args, data=data, **kwargs)


# Person-level rights (scope.RULES): objects that name a persona outside the organisation right.


def notice_sent_by_officer_b(world: Any) -> Notice:
    """A notice to branch A whose sender is officer B (say, before a move): its sender reads it."""
    notice = Notice.objects.create(
        sender=world.officer_b, title="通知", body="正文", target=Notice.Target.CHOSEN
    )
    NoticeRecipient.objects.create(notice=notice, organisation=world.branch_a)
    return notice


def dispatch_sent_by_officer_b(world: Any) -> Dispatch:
    dispatch = dispatch_of(world)
    dispatch.sender = world.officer_b
    dispatch.save(update_fields=["sender"])
    return dispatch


def member_responsible(world: Any, state: str = Rectification.State.PENDING) -> Rectification:
    """Branch A's rectification with its member as the responsible person: they work on it."""
    return rectification_of(world, state=state, person=world.member)


ROWS: list[Row] = [
    Row("work_queue", ALL_IN),
    Row("finding_list", ALL_IN),
    Row("finding_create", SUPERVISORS),
    row(
        "finding_create",
        statuses(
            403, admin=302, wc_reviewer=302, unit_a_reviewer=302, liaison=302, discipline_a=302
        ),
        WorldData(
            lambda w: {"organisation": w.branch_a.pk},
            found_on="2026-03-01",
            severity="minor",
            problem="记录不全",
        ),
        method="post",
        label="post",
    ),
    Row("finding_detail", A_BRANCH_VIEWERS, lambda w: [finding_of(w).pk]),
    Row("rectification_list", ALL_IN),
    Row("rectification_export", ALL_IN),
    row(
        "rectification_from_source",
        A_ASSIGNERS,  # a liaison records findings but does not assign (domain.md §8a)
        WorldData(lambda w: {"source_id": finding_of(w).pk}, source_type="finding"),
        label="finding",
    ),
    Row(
        "rectification_from_source",
        statuses(403, admin=200, wc_reviewer=200, unit_a_reviewer=200, discipline_a=200),
        data={"source_type": "manual"},
        label="manual",
    ),
    row(
        "rectification_from_source",
        A_ASSIGNERS,
        WorldData(
            lambda w: {"source_id": overdue_obligation_of(w.branch_a).pk}, source_type="obligation"
        ),
        label="obligation",
    ),
    row(
        "rectification_from_source",
        A_ASSIGNERS,
        WorldData(lambda w: {"source_id": comment_of(w).pk}, source_type="review_comment"),
        label="review_comment",
    ),
    row(
        "rectification_from_source",
        A_ASSIGNERS,
        WorldData(lambda w: {"source_id": deduction_of(w).pk}, source_type="item_score"),
        label="item_score",
    ),
    row(
        "rectification_from_source",
        A_REVIEWERS_POST | {"discipline_a": 302},
        WorldData(
            lambda w: {"source_id": finding_of(w).pk},
            source_type="finding",
            problem="整改会议记录",
            deadline="2026-12-31",  # within a deadline's three years (responsibility.dates)
        ),
        method="post",
        label="finding post",
    ),
    Row("rectification_detail", A_BRANCH_VIEWERS, lambda w: [rectification_of(w).pk]),
    Row("rectification_edit", A_REVIEWERS, lambda w: [rectification_of(w).pk]),
    Row(
        "rectification_progress",
        A_WORKERS_POST,
        lambda w: [rectification_of(w).pk],
        method="post",
        data={"version": "1", "text": "已召开支委会补课"},
    ),
    Row(
        "rectification_submit",
        A_WORKERS_POST,
        lambda w: [rectification_of(w, state=Rectification.State.IN_PROGRESS).pk],
        method="post",
        data={"version": "2"},
    ),
    Row(
        "rectification_progress",
        A_WORKERS_POST | {"member": 302},
        lambda w: [member_responsible(w).pk],
        method="post",
        data={"version": "1", "text": "已召开支委会补课"},
        label="responsible person",
    ),
    Row(
        "rectification_submit",
        A_WORKERS_POST | {"member": 302},
        lambda w: [member_responsible(w, Rectification.State.IN_PROGRESS).pk],
        method="post",
        data={"version": "2"},
        label="responsible person",
    ),
    Row(
        "rectification_verify",
        A_REVIEWERS_POST,
        lambda w: [rectification_of(w, state=Rectification.State.SUBMITTED).pk],
        method="post",
        data={"version": "3", "decision": "close", "note": ""},
    ),
    Row("supervision_record", A_BRANCH_VIEWERS, lambda w: [w.branch_a.pk]),
    Row("notification_list", ALL_IN),
    Row(
        "notification_open",
        statuses(404, officer_a=200),
        lambda w: [notification_of(w.officer_a).pk],
    ),
    Row("notification_read_all", statuses(302), method="post"),
    Row("case_list", REGISTER),
    Row("case_create", REGISTER),
    Row("case_detail", REGISTER, lambda w: [case_of(w).pk]),
    Row("case_edit", REGISTER, lambda w: [case_of(w).pk]),
    Row("case_document", REGISTER, lambda w: [case_of(w, document=True).pk]),
]

# Communication: notices and dispatched tasks go to branch A from unit A's 机关党委; the liaison
# meeting is organised by unit A's 机关党委 and recorded by unit A's liaison officer.
REVIEWERS_POST = statuses(403, admin=302, wc_reviewer=302, unit_a_reviewer=302)
A_DISPATCH_VIEWERS = statuses(404, admin=200, wc_reviewer=200, unit_a_reviewer=200)
ORGAN_A_VIEWERS = statuses(404, admin=200, wc_reviewer=200, unit_a_reviewer=200, liaison=200)

ROWS += [
    Row("notice_list", ALL_IN),
    Row("notice_create", REVIEWERS_ONLY),
    row(
        "notice_create",
        REVIEWERS_POST,
        WorldData(
            lambda w: {"organisations": w.branch_a.pk}, title="通知", body="正文", target="chosen"
        ),
        method="post",
        label="post",
    ),
    Row("notice_detail", A_BRANCH_VIEWERS, lambda w: [notice_of(w).pk]),
    Row(
        "notice_attachment",
        A_BRANCH_VIEWERS,
        lambda w: [(n := notice_of(w, attachment=True)).pk, n.attachments.get().pk],
    ),
    Row(
        "notice_detail",
        A_BRANCH_VIEWERS | {"officer_b": 200},
        lambda w: [notice_sent_by_officer_b(w).pk],
        label="sender outside scope",
    ),
    Row("dispatch_list", ALL_IN),
    Row("dispatch_create", REVIEWERS_ONLY),
    row(
        "dispatch_create",
        REVIEWERS_POST,
        WorldData(
            lambda w: {"organisations": w.branch_a.pk, "due_date": w.year.end.isoformat()},
            title="报送总结",
        ),
        method="post",
        label="post",
    ),
    Row("dispatch_detail", A_DISPATCH_VIEWERS, lambda w: [dispatch_of(w).pk]),
    Row(
        "dispatch_detail",
        A_DISPATCH_VIEWERS | {"officer_b": 200},
        lambda w: [dispatch_sent_by_officer_b(w).pk],
        label="sender outside scope",
    ),
    Row("meeting_list", ALL_IN),
    Row("meeting_create", SUPERVISORS),
    row(
        "meeting_create",
        statuses(
            403, admin=302, wc_reviewer=302, unit_a_reviewer=302, liaison=302, discipline_a=302
        ),
        WorldData(
            lambda w: {"organisation": w.branch_a.pk},
            held_on="2026-03-01",
            attendees="各支部联络员",
            agenda="传达部署",
        ),
        method="post",
        label="post",
    ),
    Row("meeting_detail", ORGAN_A_VIEWERS | {"discipline_a": 200}, lambda w: [meeting_of(w).pk]),
    Row("liaison_progress", statuses(403, admin=200, liaison=200)),
]

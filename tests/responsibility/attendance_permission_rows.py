"""Permission-matrix rows for named attendance (#20.1), collected by tests/test_permissions.py:
the roster page is read by whoever views the meeting and saved by those who work on it; a 补课
is the absentee's and their organisation's officers'; a person's meetings are their record."""

from tests.permissions_support import A_BRANCH_VIEWERS, Row, statuses
from tests.responsibility.attendance_support import absent_member_line, june_meeting, meeting_record

WORKERS_A = statuses(403, officer_b=404, admin=200, officer_a=200)
MAKEUP_A = statuses(404, admin=200, officer_a=200, member=200)

ROWS = [
    Row(
        "meeting_attendance",
        A_BRANCH_VIEWERS,
        lambda w: [absent_member_line(w).meeting.obligation_id],
    ),
    # A POST without the form's fields shows the page again; it is refused all the same to
    # whoever may not work on the meeting.
    Row(
        "meeting_attendance",
        WORKERS_A,
        lambda w: [absent_member_line(w).meeting.obligation_id],
        method="post",
        data={"makeup_due": ""},
        label="refused",
    ),
    Row(
        "meeting_attendance_import",
        WORKERS_A,
        lambda w: [meeting_record(june_meeting(w)).obligation_id],
        method="post",
        label="no file",
    ),
    Row("makeup_complete", MAKEUP_A, lambda w: [absent_member_line(w).pk]),
    Row(
        "makeup_complete",
        MAKEUP_A,
        lambda w: [absent_member_line(w).pk],
        method="post",
        data={"version": "0", "makeup_on": "", "makeup_how": ""},
        label="refused",
    ),
    Row(
        "person_meetings",
        statuses(404, admin=200, member=200, wc_reviewer=200, unit_a_reviewer=200),
        lambda w: [absent_member_line(w).person_id],
    ),
]

"""Permission-matrix rows for the key-points cascade (collected by tests/test_permissions.py):
a 机关党委's key points are read by the branches below it, and a branch's officers say which
point each item answers."""

from tests.permissions_support import (
    A_BRANCH_VIEWERS,
    B_BRANCH_VIEWERS,
    Row,
    item_of,
    statuses,
)

ROWS = [
    # Unit A's branch officer and member read their 机关党委's key points; unit B's do not.
    Row("key_point_list", A_BRANCH_VIEWERS, lambda w: [w.organ_a.pk, 2026], label="organ A"),
    Row("key_point_list", B_BRANCH_VIEWERS, lambda w: [w.organ_b.pk, 2026], label="organ B"),
    Row(
        "checklist_item_key_point",
        statuses(403, officer_b=404, admin=200, officer_a=200),
        lambda w: [item_of(w.branch_a).pk],
    ),
    Row(
        "checklist_item_key_point",
        statuses(403, officer_b=404, admin=302, officer_a=302),
        lambda w: [item_of(w.branch_a).pk],
        method="post",
        data={"key_point": "", "version": "1"},
        label="save",
    ),
]

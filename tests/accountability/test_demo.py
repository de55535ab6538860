from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accountability import reminders
from accountability.models import (
    AccountabilityCase,
    Digest,
    Finding,
    Notification,
    OutboxMessage,
    Rectification,
)
from assessment.models import GradeCap, PersonGradeCap

pytestmark = pytest.mark.django_db


def test_it_seeds_supervision_demo_data_once_and_leaves_work_for_the_first_sweep() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    rectifications = list(Rectification.objects.all())
    assert Finding.objects.count() == 6  # 4, and the 财政厅机关纪委's 2 (issue #20.6)
    assert len(rectifications) in (8, 9)  # 8 in early January, with nothing overdue yet
    states = {r.state for r in rectifications}
    assert states == {"pending", "in_progress", "submitted", "closed"}
    assert any(r.is_overdue(today) for r in rectifications)
    assert any(r.returned_count for r in rectifications)
    # One against the branch, one against a person of it (capping their own result, #19.3).
    assert AccountabilityCase.objects.count() == 2
    assert GradeCap.objects.filter(source__startswith="accountability:").count() == 2
    assert PersonGradeCap.objects.filter(source__startswith="accountability:").count() == 1
    assert Notification.objects.exists()
    assert not OutboxMessage.objects.exists()  # the demo mails nobody
    # The seed ran today's sweep: a second sweep finds every digest sent.
    assert Digest.objects.filter(date=today).exists()
    assert reminders.run(today, deliver=False).digests == 0


def test_it_seeds_a_discipline_committee_with_a_checklist_and_its_findings() -> None:
    """The 财政厅's 机关纪委 has its 监督责任 checklist and obligations; its secretary has
    recorded findings in the unit's branches and assigned a rectification from one."""
    from responsibility.models import Checklist, Obligation

    call_command("seed_demo", stdout=StringIO())
    checklist = Checklist.objects.get(organisation__code="CZT-JGJW")
    assert checklist.items.count() == 15
    assert Obligation.objects.filter(organisation__code="CZT-JGJW").exists()
    findings = Finding.objects.filter(recorded_by__username="discipline")
    assert {f.organisation.code for f in findings} == {"CZT-ZB1", "CZT-ZB2"}
    assigned = Rectification.objects.get(source_type="finding", source_id__in=findings)
    assert assigned.organisation.code == "CZT-ZB2"


def test_it_seeds_a_scheme_saved_after_its_preview() -> None:
    """The admin tried the 好 quota (试算) before saving it: the save keeps that preview."""
    from assessment.models import SchemePreview

    call_command("seed_demo", stdout=StringIO())
    record = SchemePreview.objects.get()
    assert record.was_shown
    assert record.draft["good_quota_percent"] == "30"
    assert record.scheme.good_quota_percent == 30

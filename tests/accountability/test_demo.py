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
from assessment.models import GradeCap

pytestmark = pytest.mark.django_db


def test_it_seeds_supervision_demo_data_once_and_leaves_work_for_the_first_sweep() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    rectifications = list(Rectification.objects.all())
    assert Finding.objects.count() == 4
    assert len(rectifications) in (7, 8)  # 7 in early January, with nothing overdue yet
    states = {r.state for r in rectifications}
    assert states == {"pending", "in_progress", "submitted", "closed"}
    assert any(r.is_overdue(today) for r in rectifications)
    assert any(r.returned_count for r in rectifications)
    assert AccountabilityCase.objects.count() == 1
    assert GradeCap.objects.filter(source__startswith="accountability:").count() == 1
    assert Notification.objects.exists()
    assert not OutboxMessage.objects.exists()  # the demo mails nobody
    # The seed ran today's sweep: a second sweep finds every digest sent.
    assert Digest.objects.filter(date=today).exists()
    assert reminders.run(today, deliver=False).digests == 0

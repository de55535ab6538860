"""A worker that dies in the middle of the sweep loses nothing and duplicates nothing."""

import pytest
from django.core import mail

from accountability import reminders
from accountability.models import Digest, Notification
from tests.accountability.test_reminders import TODAY, days, due, quiet
from tests.factories import World


@pytest.mark.django_db
def test_the_next_sweep_completes_after_a_worker_dies_mid_sweep(
    active_world: World, monkeypatch
) -> None:
    world = active_world
    quiet()
    due(world.branch_a, days(1))
    due(world.branch_b, days(5))
    real_send = reminders.digests_send

    def dies_after_claiming(claimed, today):
        real_send(claimed, today)
        raise SystemExit("worker killed")  # after the claim and the writes, before commit

    monkeypatch.setattr(reminders, "digests_send", dies_after_claiming)
    with pytest.raises(SystemExit):
        reminders.run(TODAY)
    # The claim rolled back with the writes: nothing half-sent is left behind.
    assert Digest.objects.filter(sent_at__isnull=False).count() == 0
    assert Notification.objects.count() == 0
    monkeypatch.setattr(reminders, "digests_send", real_send)
    result = reminders.run(TODAY)
    again = reminders.run(TODAY)
    assert (result.digests, again.digests) == (2, 0)
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.officer_a.email, world.officer_b.email]
    )

"""The demo's cadre records (issue #19.4): a linked rotation and a few business backbones."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessment.models import BackboneCandidate, Rotation
from responsibility.models import User

pytestmark = pytest.mark.django_db


def test_it_seeds_a_linked_rotation_and_a_pool_once() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    rotation = Rotation.objects.get()
    assert rotation.from_post_link.end_date is not None
    assert rotation.to_post_link.organisation.code == "CZT-JGDW"
    states = sorted(BackboneCandidate.objects.values_list("state", flat=True))
    assert states == ["proposed", "proposed", "selected", "withdrawn"]
    client = Client()
    client.force_login(User.objects.get(username="unit_reviewer"))
    page = client.get(reverse("backbone_pool")).content.decode()
    assert "已选入党务岗位" in page
    record = client.get(reverse("person_record", args=[rotation.person_id])).content.decode()
    assert "省财政厅机关党委 专职党务干部" in record

"""Assessment reads: reading the scheme never writes it (the year's creation does)."""

import pytest
from django.urls import reverse

from assessment import results, selectors, services
from assessment.models import AnnualResult, Scheme
from responsibility import services as core_services
from tests.factories import World


@pytest.mark.django_db
def test_it_gives_a_new_year_its_scheme_when_the_year_is_created(world: World) -> None:
    year = core_services.year_create(actor=world.admin, year=2031)
    assert Scheme.objects.filter(year=year).count() == 1
    core_services.year_activate(actor=world.admin, year=year)  # idempotent: still one
    assert Scheme.objects.filter(year=year).count() == 1


@pytest.mark.django_db
def test_it_reads_the_defaults_of_a_year_without_a_scheme_without_writing(
    active_world: World,
) -> None:
    Scheme.objects.all().delete()
    scheme = selectors.scheme_for(active_world.year)
    assert scheme.pk is None
    assert scheme.weight_process == Scheme._meta.get_field("weight_process").get_default()
    assert not Scheme.objects.exists()


@pytest.mark.django_db
def test_it_creates_no_scheme_on_a_get_of_the_pages_that_read_it(
    active_world: World, as_user
) -> None:
    world = active_world
    results.results_compute(actor=None, year=world.year)
    result = AnnualResult.objects.filter(year=world.year).first()
    assert result is not None
    Scheme.objects.all().delete()  # a year made before schemes came with the year
    pages = [
        (world.admin, reverse("scheme_edit", args=[world.year.year])),
        (world.officer_a, reverse("report_edit", args=[world.branch_a.pk, world.year.year])),
        (world.admin, reverse("result_detail", args=[result.pk])),
    ]
    for user, url in pages:
        assert as_user(user).get(url).status_code == 200, url
    assert not Scheme.objects.exists()


@pytest.mark.django_db
def test_it_stores_the_scheme_of_a_year_without_one_on_its_first_save(
    active_world: World,
) -> None:
    Scheme.objects.all().delete()
    scheme = selectors.scheme_for(active_world.year)
    services.scheme_update(actor=active_world.admin, scheme=scheme, version=1, report_deadline=None)
    assert Scheme.objects.get(year=active_world.year).version == 2

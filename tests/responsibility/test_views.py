from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibility import scope
from responsibility.models import AuditEntry, Organisation, Post
from tests.factories import UserFactory, World, make_evidence, make_world, org
from tests.factories import post as make_post


def post(user, organisation, kind):
    scope.forget(user)
    return make_post(user, organisation, kind)


def tree_queries(client, user) -> tuple[int, int]:
    """(queries, rows) of the tree page for `user`."""
    client.force_login(user)
    scope.forget(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("organisation_tree"))
    assert response.status_code == 200
    return len(captured), len(response.context["rows"])


@pytest.mark.django_db
def test_it_keeps_the_tree_query_count_flat(client) -> None:
    world = make_world()
    small_count, small_rows = tree_queries(client, world.admin)
    organ = Organisation.objects.get(code="A-JGDW")
    for number in range(25):
        extra = org(f"A-Y{number}", "branch", organ)
        make_post(UserFactory(), extra, Post.Kind.MEMBER)
    large_count, large_rows = tree_queries(client, world.admin)
    assert large_rows == small_rows + 25
    assert small_count == large_count


@pytest.mark.django_db
def test_it_keeps_the_detail_query_count_flat(client, django_assert_num_queries) -> None:
    world = make_world()
    client.force_login(world.admin)
    url = reverse("organisation_detail", args=[world.organ_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(10):
        extra = org(f"A-Z{number}", "branch", world.organ_a)
        make_post(UserFactory(), world.organ_a, Post.Kind.COMMITTEE_MEMBER)
        make_post(UserFactory(), extra, Post.Kind.MEMBER)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["children"]) == 12
    assert len(response.context["current_posts"]) == 11


@pytest.mark.django_db
def test_it_shows_people_posts_and_children_on_the_detail_page(world: World, as_user) -> None:
    response = as_user(world.unit_a_reviewer).get(
        reverse("organisation_detail", args=[world.organ_a.pk])
    )
    text = response.content.decode()
    assert "甲厅第一党支部" in text
    assert "副书记" in text
    assert "乙厅" not in text


@pytest.mark.django_db
def test_it_links_only_visible_ancestors_in_breadcrumbs(world: World, as_user) -> None:
    response = as_user(world.officer_a).get(
        reverse("organisation_detail", args=[world.branch_a.pk])
    )
    crumbs = response.context["breadcrumbs"]
    assert [(o.code, visible) for o, visible in crumbs] == [
        ("GW", False),
        ("A", False),
        ("A-JGDW", False),
    ]
    assert world.organ_a.get_absolute_url() not in response.content.decode()


@pytest.mark.django_db
def test_it_switches_only_to_an_organisation_of_ones_own(world: World, as_user) -> None:
    post(world.officer_a, world.branch_a2, Post.Kind.CADRE_PART_TIME)
    client = as_user(world.officer_a)
    response = client.post(reverse("organisation_switch"), {"organisation": world.branch_a2.pk})
    assert response.status_code == 302
    assert client.session["current_organisation_id"] == world.branch_a2.pk
    client.post(reverse("organisation_switch"), {"organisation": world.branch_b.pk})
    assert client.session["current_organisation_id"] == world.branch_a2.pk
    switcher = client.get(reverse("home"), follow=True).content.decode()
    switcher = switcher.split('id="orgSwitch"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{world.branch_a2.pk}" selected>{world.branch_a2.name}</option>' in (
        switcher
    )
    assert f'<option value="{world.branch_a.pk}">{world.branch_a.name}</option>' in switcher
    assert f'value="{world.branch_b.pk}"' not in switcher


@pytest.mark.django_db
def test_it_records_organisation_and_post_creation(world: World) -> None:
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"organisation.create", "post.create"} <= actions


@pytest.mark.django_db
class TestReviewersEvidence:
    """domain.md §8a: a file a reviewer attaches to a ledger proposal stays with the ledger entry
    and the reviewers; it never joins the organisation's own evidence."""

    def ledger_evidence(self, world: World):  # type: ignore[no-untyped-def]
        from decimal import Decimal

        from django.core.files.uploadedfile import SimpleUploadedFile

        from assessment import services as assessment_services
        from tests.factories import PDF_BYTES

        entry = assessment_services.ledger_propose(
            actor=world.wc_reviewer,
            organisation=world.branch_a,
            year=world.year,
            kind="deduction",
            points=Decimal(1),
            reason="台账不全",
            upload=SimpleUploadedFile("审核人材料.pdf", PDF_BYTES, content_type="application/pdf"),
        )
        return entry.evidence

    def test_it_keeps_ledger_evidence_out_of_the_organisations_reusable_files(
        self, active_world: World, as_user
    ) -> None:
        from responsibility import selectors
        from responsibility.models import Obligation

        evidence = self.ledger_evidence(active_world)
        own = make_evidence(active_world.branch_a, "支部材料.pdf")
        obligation = Obligation.objects.filter(organisation=active_world.branch_a).first()
        assert selectors.reusable_evidence(obligation) == [own]
        page = as_user(active_world.officer_a).get(obligation.get_absolute_url())
        assert evidence.original_name not in page.content.decode()

    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("officer_a", 403),
            ("member", 403),
            ("liaison", 403),
            ("officer_b", 404),
            ("unit_a_reviewer", 200),
            ("wc_reviewer", 200),
            ("admin", 200),
        ],
    )
    def test_it_serves_ledger_evidence_only_to_reviewers_in_scope(
        self, active_world: World, as_user, persona: str, status: int
    ) -> None:
        evidence = self.ledger_evidence(active_world)
        response = as_user(active_world.persona(persona)).get(evidence.get_absolute_url())
        assert response.status_code == status


class TreeShape(HTMLParser):
    """The organisation tree page as nested (name, children) pairs, read from its lists."""

    def __init__(self) -> None:
        super().__init__()
        self.roots: list[dict] = []
        self.lists: list[list[dict]] = []  # the open lists, innermost last
        self.items: list[dict] = []  # the open items, innermost last
        self.in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "ul" and (self.lists or "org-tree" in classes):
            self.lists.append(self.items[-1]["children"] if self.lists else self.roots)
        elif tag == "li" and self.lists:
            self.items.append({"name": "", "children": []})
            self.lists[-1].append(self.items[-1])
        elif tag == "a" and self.lists:
            self.in_link = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul" and self.lists:
            self.lists.pop()
        elif tag == "li" and self.lists:
            self.items.pop()
        elif tag == "a":
            self.in_link = False

    def handle_data(self, data: str) -> None:
        if self.in_link:
            self.items[-1]["name"] += data.strip()


def tree_shape(html: str) -> list[tuple[str, list]]:
    def shape(items: list[dict]) -> list[tuple[str, list]]:
        return [(item["name"], shape(item["children"])) for item in items]

    parser = TreeShape()
    parser.feed(html)
    return shape(parser.roots)


@pytest.mark.django_db
def test_it_nests_the_tree_truly_with_the_two_committees_side_by_side(world: World, as_user):
    """Created in an awkward order (the 机关纪委 before the 机关党委, the 党组 last), unit C
    still shows its 党组, then its 机关党委 holding its branches, then its 机关纪委 beside it."""
    unit = org("C", "unit", world.committee, "丙厅")
    org("C-JGJW", "discipline_committee", unit, "丙厅机关纪委")
    organ = org("C-JGDW", "organ_committee", unit, "丙厅机关党委")
    org("C-ZB1", "branch", organ, "丙厅第一党支部")
    org("C-ZB2", "branch", organ, "丙厅第二党支部")
    org("C-DZ", "party_group", unit, "丙厅党组")

    roots = tree_shape(as_user(world.admin).get(reverse("organisation_tree")).content.decode())

    [(committee, units)] = roots
    assert committee == "省委省级机关工委"
    assert [name for name, _ in units] == ["甲厅", "乙厅", "丙厅"]
    assert units[2] == (
        "丙厅",
        [
            ("丙厅党组", []),
            ("丙厅机关党委", [("丙厅第一党支部", []), ("丙厅第二党支部", [])]),
            ("丙厅机关纪委", []),
        ],
    )


@pytest.mark.django_db
def test_it_roots_the_tree_at_what_a_person_sees(world: World, as_user) -> None:
    roots = tree_shape(as_user(world.liaison).get(reverse("organisation_tree")).content.decode())
    assert roots == [
        (
            "甲厅",
            [
                ("甲厅党组", []),
                ("甲厅机关党委", [("甲厅第一党支部", []), ("甲厅第二党支部", [])]),
            ],
        )
    ]
    officer = tree_shape(
        as_user(world.officer_a).get(reverse("organisation_tree")).content.decode()
    )
    assert officer == [("甲厅第一党支部", [])]

"""The main navigation: what each role sees, the current section, the year and the unread
badge. It is rendered once per distinct look (templatetags/navigation.py), so these also prove
that nothing it shows goes stale."""

import re

import pytest
from django.urls import reverse

from accountability.models import Notification
from responsibility.models import User, Year
from responsibility.templatetags.navigation import navigation_markup
from tests.accountability.support import notification_of
from tests.factories import PERSONAS, UserFactory, World

pytestmark = pytest.mark.django_db


def navigation(client, url: str) -> str:
    html = client.get(url).content.decode()
    return html[html.index('<ul class="navbar-nav') : html.index("</ul>\n      <div")]


def link(name: str, *args) -> str:
    return f'href="{reverse(name, args=args)}"'


def current(nav: str) -> list[str]:
    return re.findall(r'aria-current="page" href="([^"]+)"', nav)


def test_it_shows_each_role_its_own_navigation(world: World, as_user) -> None:
    officer = navigation(as_user(world.officer_a), reverse("organisation_tree"))
    reviewer = navigation(as_user(world.wc_reviewer), reverse("organisation_tree"))
    admin = navigation(as_user(world.admin), reverse("organisation_tree"))
    assert link("my_work") in officer
    assert link("progress_overview") not in officer
    assert "考核评价" not in officer
    assert "系统配置" not in officer
    assert link("progress_overview") in reviewer
    assert "考核评价" in reviewer
    assert "系统配置" not in reviewer
    assert "系统配置" in admin
    assert link("year_list") in admin


def test_it_marks_the_section_of_the_page(world: World, as_user) -> None:
    client = as_user(world.officer_a)
    assert current(navigation(client, reverse("my_work"))) == [reverse("my_work")]
    organisation = reverse("organisation_detail", args=[world.branch_a.pk])
    assert current(navigation(client, organisation)) == [reverse("organisation_tree")]
    assert current(navigation(client, reverse("notification_list"))) == [
        reverse("notification_list")
    ]


def test_it_follows_the_current_year_and_the_unread_count(active_world: World, as_user) -> None:
    world = active_world
    client = as_user(world.officer_a)
    nav = navigation(client, reverse("my_work"))
    assert link("result_list", world.year.year) in nav
    assert "条未读" not in nav

    Year.objects.filter(pk=world.year.pk).update(status=Year.Status.CLOSED)
    Year.objects.create(year=world.year.year + 1, status=Year.Status.ACTIVE)
    notification_of(world.officer_a)
    nav = navigation(client, reverse("my_work"))
    assert link("result_list", world.year.year + 1) in nav
    assert '1<span class="visually-hidden"> 条未读' in nav

    Notification.objects.update(read_at="2026-06-01T00:00:00Z")
    assert "条未读" not in navigation(client, reverse("my_work"))


def test_it_reuses_the_rendered_navigation_for_the_same_look(world: World, as_user) -> None:
    client = as_user(world.officer_a)
    navigation(client, reverse("organisation_detail", args=[world.branch_a.pk]))
    hits = navigation_markup.cache_info().hits
    navigation(client, reverse("organisation_detail", args=[world.branch_a2.pk]))
    assert navigation_markup.cache_info().hits == hits + 1


NAV_LINK = re.compile(r'<a [^>]*href="([^"#]+)"')


def nav_links(html: str) -> list[str]:
    """Every link inside the main <nav>, its dropdowns included."""
    nav = html[html.index("<nav ") : html.index("</nav>")]
    return list(dict.fromkeys(NAV_LINK.findall(nav)))


def signed_in(world: World, persona: str) -> User:
    """A persona of the world, or `nobody`: signed in, without any post."""
    return UserFactory(username="nobody") if persona == "nobody" else world.persona(persona)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"] + ["nobody"])
def test_it_links_each_persona_only_to_pages_that_open(
    active_world: World, as_user, persona: str
) -> None:
    client = as_user(signed_in(active_world, persona))
    links = nav_links(client.get(reverse("notification_list")).content.decode())
    assert reverse("notification_list") in links
    refused = {url: client.get(url).status_code for url in links}
    assert {url: status for url, status in refused.items() if status in (403, 404)} == {}


def test_it_offers_liaison_progress_to_liaisons_only(active_world: World, as_user) -> None:
    world = active_world
    for persona, shown in [("liaison", True), ("admin", True), ("member", False)]:
        nav = navigation(as_user(world.persona(persona)), reverse("notification_list"))
        assert (link("liaison_progress") in nav) is shown, persona
    member = navigation(as_user(world.member), reverse("notification_list"))
    assert link("dispatch_list") not in member
    assert link("meeting_list") not in member
    nobody = navigation(as_user(UserFactory(username="nobody")), reverse("notification_list"))
    assert "督查整改" not in nobody
    assert link("organisation_tree") not in nobody


def test_it_says_in_chinese_which_page_was_refused(world: World, as_user) -> None:
    page = as_user(world.member).get(reverse("liaison_progress"))
    assert page.status_code == 403
    text = page.content.decode()
    assert "您没有权限访问“联系单位进度”" in text
    assert "联络员联系单位" in text
    assert "may not" not in text


def test_it_says_which_act_on_an_organisation_was_refused(active_world: World, as_user) -> None:
    """An officer sees their own branch but may not add duties to its checklist (a reviewer's
    act): the page names the act, not the English reason meant for the log."""
    url = reverse("checklist_item_create", args=[active_world.branch_a.pk, 2026])
    page = as_user(active_world.officer_a).get(url)
    assert page.status_code == 403
    text = page.content.decode()
    assert "您没有权限访问此页面" in text
    assert "您可以查看该组织，但没有“考核评审”的权限" in text
    assert "may not" not in text

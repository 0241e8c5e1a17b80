"""The home page screens of the admin, for each staff role, through HTTP: editors and
administrators curate; reporters and moderators get 403 on every view and action."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from gazeta.accounts import roles
from gazeta.accounts.services import roles_sync
from gazeta.frontpage.models import TOP_STORY, Banner, HomeSlot
from gazeta.newsroom.models import Article
from gazeta.newsroom.tests.factories import ArticleFactory, DraftFactory

from .factories import BannerFactory, HomeSlotFactory

pytestmark = pytest.mark.django_db

CURATORS = [roles.EDITOR, roles.ADMINISTRATOR]
OTHERS = [roles.REPORTER, roles.MODERATOR]


@pytest.fixture
def staff(db):
    groups = roles_sync()
    users = {}
    for role in groups:
        user = get_user_model().objects.create_user(username=role.lower(), is_staff=True)
        user.groups.add(groups[role])
        users[role] = user
    return users


@pytest.fixture
def slot(now):
    return HomeSlotFactory(position=TOP_STORY, article=ArticleFactory(headline="Fixat"))


@pytest.fixture
def banner(now):
    return BannerFactory(text="Ultima oră: vot în Parlament")


def url(model, view, obj=None):
    name = f"admin:frontpage_{model._meta.model_name}_{view}"
    return reverse(name, args=[obj.pk] if obj is not None else [])


def slot_form(article, *, position="1", until=("", "")):
    return {
        "position": position,
        "article": article.pk,
        "pinned_until_0": until[0],
        "pinned_until_1": until[1],
    }


def banner_form(**overrides):
    return {
        "text": "Cutremur în Vrancea",
        "article": "",
        "url": "",
        "starts_at_0": "2024-11-01",
        "starts_at_1": "17:00:00",
        "expires_at_0": "2024-11-01",
        "expires_at_1": "19:00:00",
    } | overrides


def forbidden_requests(slot, banner, article):
    """Every admin view and action of the two screens, as (method, url, data)."""
    return [
        ("get", url(HomeSlot, "changelist"), None),
        ("get", url(HomeSlot, "add"), None),
        ("post", url(HomeSlot, "add"), slot_form(article)),
        ("get", url(HomeSlot, "change", slot), None),
        ("post", url(HomeSlot, "change", slot), slot_form(article, position="0")),
        ("get", url(HomeSlot, "delete", slot), None),
        ("post", url(HomeSlot, "delete", slot), {"post": "yes"}),
        (
            "post",
            url(HomeSlot, "changelist"),
            {"action": "delete_selected", "_selected_action": [slot.pk], "post": "yes"},
        ),
        ("get", url(HomeSlot, "history", slot), None),
        ("get", url(Banner, "changelist"), None),
        ("get", url(Banner, "add"), None),
        ("post", url(Banner, "add"), banner_form()),
        ("get", url(Banner, "change", banner), None),
        ("post", url(Banner, "change", banner), banner_form(text="Schimbat")),
        ("get", url(Banner, "delete", banner), None),
        ("post", url(Banner, "delete", banner), {"post": "yes"}),
        ("post", url(Banner, "changelist"), {"action": "end_now", "_selected_action": [banner.pk]}),
        (
            "post",
            url(Banner, "changelist"),
            {"action": "delete_selected", "_selected_action": [banner.pk], "post": "yes"},
        ),
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_every_curation_view_and_action_is_refused_with_403(client, staff, now, slot, banner, role):
    client.force_login(staff[role])
    article = ArticleFactory()

    for method, address, data in forbidden_requests(slot, banner, article):
        response = getattr(client, method)(address, data) if data else client.get(address)
        assert response.status_code == 403, (method, address)

    slot.refresh_from_db()
    banner.refresh_from_db()
    assert (slot.position, slot.article.headline) == (TOP_STORY, "Fixat")
    assert banner.text == "Ultima oră: vot în Parlament" and banner.expires_at > now
    assert (HomeSlot.objects.count(), Banner.objects.count()) == (1, 1)


@pytest.mark.parametrize("role", OTHERS)
def test_the_admin_index_shows_no_home_page_screens(client, staff, role):
    client.force_login(staff[role])
    assert "frontpage" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("role", CURATORS)
def test_curator_pins_changes_and_unpins_a_slot(client, staff, now, role):
    client.force_login(staff[role])
    article, other = ArticleFactory(), ArticleFactory()

    added = client.post(
        url(HomeSlot, "add"), slot_form(article, position="2", until=("2024-11-02", "08:00:00"))
    )
    assert added.status_code == 302
    slot = HomeSlot.objects.get()
    assert (slot.position, slot.article, slot.pinned_until) == (
        2,
        article,
        now.replace(day=2, hour=6, minute=0),  # 08:00 in Bucharest
    )

    changed = client.post(url(HomeSlot, "change", slot), slot_form(other, position="0"))
    assert changed.status_code == 302
    slot.refresh_from_db()
    # The slot stays where it is; only its article and time change.
    assert (slot.position, slot.article, slot.pinned_until) == (2, other, None)

    deleted = client.post(url(HomeSlot, "delete", slot), {"post": "yes"})
    assert deleted.status_code == 302
    assert not HomeSlot.objects.exists()


def test_add_form_offers_only_the_free_slots(client, staff, slot):
    client.force_login(staff[roles.EDITOR])
    page = client.get(url(HomeSlot, "add")).content.decode()
    assert 'value="0"' not in page
    assert all(f'<option value="{n}">' in page for n in (1, 2, 3))


def test_slot_form_refuses_a_draft_and_a_past_time(client, staff, now):
    client.force_login(staff[roles.EDITOR])
    draft = client.post(url(HomeSlot, "add"), slot_form(DraftFactory()))
    past = client.post(
        url(HomeSlot, "add"), slot_form(ArticleFactory(), until=("2024-11-01", "10:00:00"))
    )
    assert draft.status_code == past.status_code == 200
    assert draft.context["adminform"].form.errors.keys() == {"article"}
    assert past.context["adminform"].form.errors.keys() == {"pinned_until"}
    assert not HomeSlot.objects.exists()


def test_the_article_search_of_the_slot_form_offers_only_released_articles(client, staff, now):
    client.force_login(staff[roles.EDITOR])
    released = ArticleFactory(headline="Vot în consiliu")
    scheduled = ArticleFactory(
        headline="Vot amânat",
        status=Article.Status.SCHEDULED,
        published_at=now + timedelta(hours=1),
    )
    DraftFactory(headline="Vot secret")

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "frontpage",
            "model_name": "homeslot",
            "field_name": "article",
            "term": "Vot",
        },
    )

    assert response.status_code == 200
    assert {int(r["id"]) for r in response.json()["results"]} == {released.pk, scheduled.pk}


def test_slot_list_shows_what_readers_see_now_and_each_pins_state(client, staff, now, slot):
    client.force_login(staff[roles.EDITOR])
    expired = HomeSlotFactory(
        position=1,
        article=ArticleFactory(headline="Expirat"),
        pinned_until=now + timedelta(hours=1),
    )
    HomeSlot.objects.filter(pk=expired.pk).update(pinned_until=now - timedelta(minutes=1))
    ArticleFactory(headline="Marcat", is_featured=True)

    page = client.get(url(HomeSlot, "changelist")).content.decode()

    now_box = page[page.index('id="home-page-now"') :]
    assert now_box.index("Fixat") < now_box.index("Marcat")
    assert "Expirat" in page[page.index('id="result_list"') :]
    assert "Expirat" not in now_box[: now_box.index("</table>")]


@pytest.mark.parametrize("role", CURATORS)
def test_curator_sets_ends_and_deletes_a_banner(client, staff, now, role):
    client.force_login(staff[role])
    article = ArticleFactory()

    added = client.post(url(Banner, "add"), banner_form(article=article.pk))
    assert added.status_code == 302
    banner = Banner.objects.get()
    assert (banner.text, banner.article, banner.expires_at) == (
        "Cutremur în Vrancea",
        article,
        now.replace(hour=17, minute=0),  # 19:00 in Bucharest
    )
    assert "Cutremur în Vrancea" in client.get("/").content.decode()

    ended = client.post(
        url(Banner, "changelist"), {"action": "end_now", "_selected_action": [banner.pk]}
    )
    assert ended.status_code == 302
    banner.refresh_from_db()
    assert banner.expires_at == now
    assert "Cutremur în Vrancea" not in client.get("/").content.decode()

    deleted = client.post(url(Banner, "delete", banner), {"post": "yes"})
    assert deleted.status_code == 302
    assert not Banner.objects.exists()


def test_banner_form_refuses_two_links_and_an_end_before_the_start(client, staff, now):
    client.force_login(staff[roles.EDITOR])
    two_links = client.post(
        url(Banner, "add"), banner_form(article=ArticleFactory().pk, url="https://example.org/")
    )
    backwards = client.post(url(Banner, "add"), banner_form(expires_at_1="16:00:00"))
    assert two_links.status_code == backwards.status_code == 200
    assert not Banner.objects.exists()

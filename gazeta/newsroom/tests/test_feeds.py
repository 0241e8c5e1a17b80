"""RSS 2.0 and Atom feeds: valid for feedparser, published articles only, absolute links,
dates, authors, wire credits, excerpt or full text, and nothing private."""

import calendar
from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from gazeta.comments.tests.factories import CommentFactory
from gazeta.newsroom.models import Article
from gazeta.newsroom.services import article_save

from .factories import (
    AgencyFactory,
    ArticleFactory,
    AuthorFactory,
    DeskFactory,
    DraftFactory,
    SectionFactory,
    TagFactory,
)
from .html import parse

pytestmark = pytest.mark.django_db

SITE = "https://www.gazeta.test"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.GAZETA_SITE_URL = SITE


@pytest.fixture
def newsroom(now):
    """Two sections, a reporter with a user account, a desk, two topics; articles published an
    hour, two and three hours ago; a draft and a scheduled article that must stay hidden."""
    politics = SectionFactory(name="Politică", slug="politica")
    culture = SectionFactory(name="Cultură", slug="cultura")
    user = get_user_model().objects.create_user(username="ana", email="ana.pop@gazeta.test")
    reporter = AuthorFactory(name="Ana Pop", slug="ana-pop", user=user)
    desk = DeskFactory()
    elections = TagFactory(name="Alegeri", slug="alegeri")
    budget = TagFactory(name="Buget", slug="buget")
    wire = ArticleFactory(
        headline="Parlamentul votează bugetul & legea „Salarizării” <azi>",
        slug="parlamentul-voteaza-bugetul",
        section=politics,
        standfirst="Deputații au dezbătut toată noaptea.",
        body="<p>Votul final a avut loc dimineața.</p>",
        published_at=now - timedelta(hours=1),
        authors=[reporter, desk],
        agencies=[AgencyFactory(name="AFP", slug="afp"), AgencyFactory()],
    )
    wire.tags.set([elections, budget])
    own = ArticleFactory(
        headline="Campania electorală începe vineri",
        slug="campania-electorala-incepe",
        section=politics,
        published_at=now - timedelta(hours=2),
        authors=[reporter],
    )
    own.tags.set([elections])
    concert = ArticleFactory(
        headline="Concert în Piața Mare",
        slug="concert-in-piata-mare",
        section=culture,
        published_at=now - timedelta(hours=3),
    )
    draft = DraftFactory(headline="Ciornă secretă", slug="ciorna-secreta", section=politics)
    draft.tags.set([elections])
    scheduled = ArticleFactory(
        headline="Anunț programat",
        slug="anunt-programat",
        section=politics,
        published_at=now + timedelta(hours=1),
        status=Article.Status.SCHEDULED,
        authors=[reporter],
    )
    scheduled.tags.set([elections])
    CommentFactory(article=wire, name="Cititorul Curios", email="curios@example.org")
    return {
        "politics": politics,
        "culture": culture,
        "reporter": reporter,
        "desk": desk,
        "elections": elections,
        "wire": wire,
        "own": own,
        "concert": concert,
    }


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


def absolute(path: str) -> str:
    return f"{SITE}{path}"


def feed_urls(objects) -> list[str]:
    urls = [reverse("feeds:latest"), reverse("feeds:latest-atom")]
    for name, obj in (
        ("section", objects["politics"]),
        ("tag", objects["elections"]),
        ("author", objects["reporter"]),
    ):
        urls.append(reverse(f"feeds:{name}", kwargs={"slug": obj.slug}))
        urls.append(reverse(f"feeds:{name}-atom", kwargs={"slug": obj.slug}))
    return urls


def test_every_feed_parses_without_errors_with_absolute_links_and_dates(client, newsroom):
    for url in feed_urls(newsroom):
        response, feed = fetch(client, url)
        assert feed.version in {"rss20", "atom10"}, url
        assert feed.entries, url
        assert feed.feed.link.startswith(SITE + "/")
        assert feed.feed.language == "ro"
        self_links = [link.href for link in feed.feed.links if link.rel == "self"]
        assert self_links == [absolute(url)]
        for entry in feed.entries:
            assert entry.link.startswith(SITE + "/"), entry.link
            assert entry.published_parsed is not None
            assert "updated" in entry
            assert entry.updated_parsed is not None
        assert response["Last-Modified"]


def test_rss_and_atom_have_their_own_formats(client, newsroom):
    rss = client.get(reverse("feeds:latest"))
    atom = client.get(reverse("feeds:latest-atom"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert feedparser.parse(rss.content).version == "rss20"
    assert feedparser.parse(atom.content).version == "atom10"


def test_site_feed_lists_published_articles_newest_first(client, newsroom):
    _, feed = fetch(client, reverse("feeds:latest"))
    assert [e.link for e in feed.entries] == [
        absolute(newsroom[key].get_absolute_url()) for key in ("wire", "own", "concert")
    ]


def test_drafts_and_scheduled_articles_never_appear_in_any_feed(client, newsroom):
    for url in feed_urls(newsroom):
        content = client.get(url).content.decode()
        assert "Ciornă secretă" not in content
        assert "Anunț programat" not in content


def test_section_feed_has_only_that_sections_articles(client, newsroom):
    _, feed = fetch(client, reverse("feeds:section", kwargs={"slug": "cultura"}))
    assert [e.title for e in feed.entries] == ["Concert în Piața Mare"]
    assert feed.feed.title == "Cultură · Gazeta"
    assert feed.feed.description == (
        "Cele mai noi articole din secțiunea Cultură a publicației Gazeta."
    )
    assert feed.feed.link == absolute(newsroom["culture"].get_absolute_url())


def test_tag_feed_has_only_articles_on_that_topic(client, newsroom):
    _, feed = fetch(client, reverse("feeds:tag-atom", kwargs={"slug": "alegeri"}))
    assert [e.link for e in feed.entries] == [
        absolute(newsroom["wire"].get_absolute_url()),
        absolute(newsroom["own"].get_absolute_url()),
    ]
    assert feed.feed.link == absolute(newsroom["elections"].get_absolute_url())


def test_author_feed_has_only_that_authors_articles(client, newsroom):
    _, feed = fetch(client, reverse("feeds:author", kwargs={"slug": "ana-pop"}))
    assert [e.link for e in feed.entries] == [
        absolute(newsroom["wire"].get_absolute_url()),
        absolute(newsroom["own"].get_absolute_url()),
    ]
    assert feed.feed.title == "Ana Pop · Gazeta"


@pytest.mark.parametrize("name", ["section", "section-atom", "tag", "tag-atom", "author"])
def test_feed_of_something_unknown_is_404(client, newsroom, name):
    response = client.get(reverse(f"feeds:{name}", kwargs={"slug": "nu-exista"}))
    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["feeds:latest", "feeds:latest-atom"])
def test_item_carries_title_dates_authors_categories_and_wire_credit(client, newsroom, url_name):
    wire = newsroom["wire"]
    _, feed = fetch(client, reverse(url_name))
    entry = feed.entries[0]
    assert entry.title == "Parlamentul votează bugetul & legea „Salarizării” <azi>"
    assert entry.link == absolute(wire.get_absolute_url())
    assert calendar.timegm(entry.published_parsed) == wire.published_at.timestamp()
    assert entry.author == "Ana Pop și Redacția Gazeta"
    assert [t.term for t in entry.tags] == ["Politică", "Alegeri", "Buget"]
    assert "Deputații au dezbătut toată noaptea." in entry.summary
    assert "Sursa: AFP, prin Agerpres" in entry.summary


def test_item_of_a_single_author_links_the_author_page(client, newsroom):
    _, feed = fetch(client, reverse("feeds:latest-atom"))
    own = next(e for e in feed.entries if e.title == "Campania electorală începe vineri")
    assert own.author_detail.name == "Ana Pop"
    assert own.author_detail.href == absolute(newsroom["reporter"].get_absolute_url())


def test_article_without_byline_is_signed_by_the_default_desk(client, newsroom):
    _, feed = fetch(client, reverse("feeds:section", kwargs={"slug": "cultura"}))
    assert feed.entries[0].author == "Redacția Gazeta"


@pytest.mark.parametrize("url_name", ["feeds:latest", "feeds:latest-atom"])
def test_revised_article_reports_its_update_time_and_keeps_its_guid(
    client, newsroom, now, url_name
):
    wire = newsroom["wire"]
    _, before = fetch(client, reverse(url_name))
    wire.headline = "Parlamentul a votat bugetul"
    article_save(article=wire)
    wire.refresh_from_db()
    assert wire.revised_at == now
    response, after = fetch(client, reverse(url_name))
    entry = after.entries[0]
    assert calendar.timegm(entry.updated_parsed) == now.timestamp()
    assert calendar.timegm(entry.published_parsed) == wire.published_at.timestamp()
    assert entry.id == before.entries[0].id
    assert response["Last-Modified"] == "Fri, 01 Nov 2024 15:21:00 GMT"


def test_guid_survives_a_move_to_another_section(client, newsroom):
    _, before = fetch(client, reverse("feeds:latest"))
    wire = newsroom["wire"]
    wire.section = newsroom["culture"]
    article_save(article=wire)
    _, after = fetch(client, reverse("feeds:latest"))
    assert after.entries[0].link != before.entries[0].link
    assert after.entries[0].id == before.entries[0].id
    assert after.entries[0].id.startswith("tag:www.gazeta.test,")
    assert after.entries[0].guidislink is False


@pytest.mark.parametrize("url_name", ["feeds:latest", "feeds:latest-atom"])
def test_feed_gives_only_the_excerpt_by_default(client, newsroom, settings, url_name):
    assert settings.GAZETA_FEED_FULL_TEXT is False
    _, feed = fetch(client, reverse(url_name))
    entry = feed.entries[0]
    assert "content" not in entry
    assert "Votul final" not in client.get(reverse(url_name)).content.decode()


@pytest.mark.parametrize("url_name", ["feeds:latest", "feeds:latest-atom"])
def test_feed_gives_the_full_text_when_configured(client, newsroom, settings, url_name):
    settings.GAZETA_FEED_FULL_TEXT = True
    _, feed = fetch(client, reverse(url_name))
    entry = feed.entries[0]
    assert "Deputații au dezbătut" in entry.summary
    (content,) = entry.content
    assert content.type == "text/html"
    assert "<p>Votul final a avut loc dimineața.</p>" in content.value
    assert "Sursa: AFP, prin Agerpres" in content.value


def test_feeds_carry_no_email_address_and_nothing_about_commenters(client, newsroom, settings):
    settings.GAZETA_FEED_FULL_TEXT = True
    for url in feed_urls(newsroom):
        content = client.get(url).content.decode()
        assert "@" not in content
        assert "Cititorul Curios" not in content


def test_feed_length_follows_the_setting(client, newsroom, settings):
    settings.GAZETA_FEED_ITEM_COUNT = 2
    _, feed = fetch(client, reverse("feeds:latest"))
    assert [e.title for e in feed.entries] == [
        "Parlamentul votează bugetul & legea „Salarizării” <azi>",
        "Campania electorală începe vineri",
    ]


def test_empty_feed_is_still_valid(client, db):
    SectionFactory(slug="goala")
    for url in (reverse("feeds:latest"), reverse("feeds:section-atom", kwargs={"slug": "goala"})):
        _, feed = fetch(client, url)
        assert feed.entries == []


def test_feeds_are_publicly_cacheable(client, newsroom):
    for url in feed_urls(newsroom):
        cache_control = client.get(url)["Cache-Control"]
        assert "public" in cache_control
        assert "s-maxage=" in cache_control


@pytest.mark.parametrize("count", [3, 30])
def test_feed_query_count_does_not_grow_with_items(client, now, count, django_assert_num_queries):
    section = SectionFactory()
    tag = TagFactory()
    authors = [AuthorFactory(), AuthorFactory()]
    agencies = [AgencyFactory(name="AFP", slug="afp"), AgencyFactory()]
    for i in range(count):
        article = ArticleFactory(
            section=section,
            published_at=now - timedelta(minutes=i + 1),
            authors=authors,
            agencies=agencies,
        )
        article.tags.set([tag])
    # The articles with their sections; bylines, credits and tags prefetched.
    with django_assert_num_queries(4):
        client.get(reverse("feeds:latest"))
    # The same plus the section.
    with django_assert_num_queries(5):
        client.get(reverse("feeds:section-atom", kwargs={"slug": section.slug}))


def test_pages_announce_their_feeds(client, newsroom):
    home = parse(client.get(reverse("frontpage:home")).content)
    alternates = {link["type"]: link["href"] for link in home.find_all("link", rel="alternate")}
    assert alternates == {
        "application/rss+xml": absolute(reverse("feeds:latest")),
        "application/atom+xml": absolute(reverse("feeds:latest-atom")),
    }
    section = parse(client.get(newsroom["politics"].get_absolute_url()).content)
    hrefs = [link["href"] for link in section.find_all("link", rel="alternate")]
    assert absolute(reverse("feeds:section", kwargs={"slug": "politica"})) in hrefs
    author = parse(client.get(newsroom["reporter"].get_absolute_url()).content)
    hrefs = [link["href"] for link in author.find_all("link", rel="alternate")]
    assert absolute(reverse("feeds:author", kwargs={"slug": "ana-pop"})) in hrefs
    tag = parse(client.get(newsroom["elections"].get_absolute_url()).content)
    hrefs = [link["href"] for link in tag.find_all("link", rel="alternate")]
    assert absolute(reverse("feeds:tag", kwargs={"slug": "alegeri"})) in hrefs

"""The home page as readers get it: curated slots, the banner, rules, cache headers."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gazeta.newsroom.models import Article
from gazeta.newsroom.tests.factories import (
    ArticleFactory,
    SectionFactory,
    unreleased_articles,
)
from gazeta.newsroom.tests.html import cache_directives, card_links, parse

from .factories import BannerFactory, HomeSlotFactory

pytestmark = pytest.mark.django_db

HOME = reverse("frontpage:home")


def article_links(response) -> list[str]:
    """Addresses of article pages linked from the page's main content, in page order."""
    main = parse(response.content).find("main")
    return [
        a["href"]
        for a in main.find_all("a")
        if a.get("href", "").count("/") == 3 and not a["href"].startswith("/autor/")
    ]


@pytest.fixture
def hidden(now):
    section = SectionFactory(name="Internațional", slug="international")
    return unreleased_articles(section=section, now=now)


class TestHomePage:
    def test_newest_featured_article_is_the_top_story(self, client, now):
        newest = ArticleFactory(published_at=now - timedelta(minutes=1))
        featured = ArticleFactory(published_at=now - timedelta(hours=5), is_featured=True)
        ArticleFactory(published_at=now - timedelta(hours=6), is_featured=True)
        links = article_links(client.get(HOME))
        assert links[0] == featured.get_absolute_url()
        assert newest.get_absolute_url() in links

    def test_newest_article_is_the_top_story_when_none_is_featured(self, client, now):
        older = ArticleFactory(published_at=now - timedelta(hours=2))
        newest = ArticleFactory(published_at=now - timedelta(minutes=1))
        links = article_links(client.get(HOME))
        assert links[:2] == [newest.get_absolute_url(), older.get_absolute_url()]

    def test_no_article_appears_twice(self, client, now, settings):
        settings.GAZETA_HOME_LATEST_COUNT = 3
        settings.GAZETA_HOME_SECTION_COUNT = 2
        sections = [SectionFactory() for _ in range(3)]
        for i in range(12):
            ArticleFactory(
                section=sections[i % 3],
                published_at=now - timedelta(hours=i),
                is_featured=i == 7,
            )
        links = article_links(client.get(HOME))
        assert len(links) == len(set(links))
        assert len(links) == 1 + 3 + 3 * 2

    def test_each_section_gets_a_block_linking_to_the_section(self, client, now):
        local = SectionFactory(name="Local", slug="local", position=1)
        sport = SectionFactory(name="Sport", slug="sport", position=2)
        SectionFactory(name="Gol", slug="gol", position=3)
        for section in [local, sport]:
            for i in range(6):
                ArticleFactory(section=section, published_at=now - timedelta(hours=i + 1))
        main = parse(client.get(HOME).content).find("main")
        section_urls = {"/local/", "/sport/", "/gol/"}
        block_heads = [
            a["href"]
            for h in main.find_all("h2")
            for a in h.find_all("a")
            if a["href"] in section_urls
        ]
        assert block_heads == ["/local/", "/sport/"]

    def test_home_page_with_nothing_published_works(self, client, hidden):
        response = client.get(HOME)
        assert response.status_code == 200
        assert article_links(response) == []

    def test_the_home_page_is_served_at_the_root(self):
        assert HOME == "/"


class TestCuration:
    def test_pinned_top_story_and_featured_stories_come_first_in_slot_order(self, client, now):
        newest = ArticleFactory(published_at=now - timedelta(minutes=1), is_featured=True)
        pinned = [ArticleFactory(published_at=now - timedelta(days=i + 1)) for i in range(3)]
        HomeSlotFactory(position=0, article=pinned[0])
        HomeSlotFactory(position=2, article=pinned[1])
        HomeSlotFactory(position=1, article=pinned[2])

        page = parse(client.get(HOME).content)

        top = page.find("section", class_="front__top").find("a")
        featured = page.find("section", class_="front__featured").find_all("a")
        assert top["href"] == pinned[0].get_absolute_url()
        assert [a["href"] for a in featured if a["href"].count("/") == 3] == [
            pinned[2].get_absolute_url(),
            pinned[1].get_absolute_url(),
            newest.get_absolute_url(),
        ]

    def test_no_featured_block_without_pins_or_marked_articles(self, client, now):
        ArticleFactory.create_batch(3)
        page = parse(client.get(HOME).content)
        assert not page.find_all("section", class_="front__featured")

    def test_pinned_draft_is_not_on_the_page(self, client, now):
        article = ArticleFactory(slug="retras")
        HomeSlotFactory(position=0, article=article)
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
        other = ArticleFactory()

        links = card_links(client.get(HOME))

        assert links == [other.get_absolute_url()]


class TestBanner:
    def test_active_banner_is_shown_above_the_front_with_its_article_link(self, client, now):
        article = ArticleFactory(slug="cutremur")
        BannerFactory(text="Cutremur de 5,2 grade în Vrancea", article=article)

        page = parse(client.get(HOME).content)

        banner = page.find("section", class_="breaking")
        assert banner.find("h2").text
        link = banner.find("a")
        assert (link.text, link["href"]) == (
            "Cutremur de 5,2 grade în Vrancea",
            article.get_absolute_url(),
        )
        main = page.find("main")
        assert main.find_all("section")[0] is banner

    def test_banner_with_an_address_links_there(self, client, now):
        BannerFactory(text="Urmăriți transmisiunea", url="https://live.example.org/")
        banner = parse(client.get(HOME).content).find("section", class_="breaking")
        assert banner.find("a")["href"] == "https://live.example.org/"

    def test_banner_text_is_escaped(self, client, now):
        BannerFactory(text="<script>alert(1)</script> Alertă")
        content = client.get(HOME).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "&lt;script&gt;" in content

    def test_banner_linking_an_unpublished_article_shows_no_link(self, client, now):
        article = ArticleFactory()
        BannerFactory(text="Știre în curs de actualizare", article=article)
        Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

        banner = parse(client.get(HOME).content).find("section", class_="breaking")

        assert "Știre în curs de actualizare" in banner.text
        assert not banner.find_all("a")

    def test_banner_appears_when_it_starts_and_is_gone_when_it_expires(
        self, client, now, time_machine
    ):
        BannerFactory(
            text="Ședință extraordinară",
            starts_at=now + timedelta(minutes=10),
            expires_at=now + timedelta(minutes=40),
        )

        def banner_shown():
            return bool(parse(client.get(HOME).content).find_all("section", class_="breaking"))

        assert not banner_shown()
        time_machine.move_to(now + timedelta(minutes=10), tick=False)
        assert banner_shown()
        time_machine.move_to(now + timedelta(minutes=40), tick=False)
        assert not banner_shown()

    def test_banner_is_not_on_article_pages(self, client, now):
        article = ArticleFactory()
        BannerFactory(text="Ultima oră")
        assert "Ultima oră" not in client.get(article.get_absolute_url()).content.decode()


class TestCacheLifetime:
    def test_home_page_without_timed_content_gets_the_default_lifetimes(
        self, client, now, settings
    ):
        ArticleFactory()
        directives = cache_directives(client.get(HOME))
        assert "public" in directives
        assert int(directives["max-age"]) == settings.GAZETA_CACHE_BROWSER_MAX_AGE
        assert int(directives["s-maxage"]) == settings.GAZETA_CACHE_SHARED_MAX_AGE

    def test_lifetime_ends_when_the_banner_expires(self, client, now, settings):
        settings.GAZETA_CACHE_BROWSER_MAX_AGE = 60
        settings.GAZETA_CACHE_SHARED_MAX_AGE = 300
        BannerFactory(expires_at=now + timedelta(seconds=90))

        directives = cache_directives(client.get(HOME))

        assert "public" in directives
        assert int(directives["max-age"]) == 60
        assert int(directives["s-maxage"]) == 90

    def test_lifetime_ends_when_a_scheduled_banner_starts(self, client, now):
        BannerFactory(starts_at=now + timedelta(seconds=25), expires_at=now + timedelta(hours=1))
        directives = cache_directives(client.get(HOME))
        assert (int(directives["max-age"]), int(directives["s-maxage"])) == (25, 25)

    def test_lifetime_ends_when_a_pin_expires(self, client, now):
        HomeSlotFactory(position=0, pinned_until=now + timedelta(seconds=42))
        directives = cache_directives(client.get(HOME))
        assert (int(directives["max-age"]), int(directives["s-maxage"])) == (42, 42)

    def test_an_expired_banner_no_longer_caps_the_lifetime(
        self, client, now, time_machine, settings
    ):
        BannerFactory(expires_at=now + timedelta(seconds=30))
        time_machine.move_to(now + timedelta(seconds=31), tick=False)
        directives = cache_directives(client.get(HOME))
        assert int(directives["s-maxage"]) == settings.GAZETA_CACHE_SHARED_MAX_AGE

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from gazeta.core.views import server_error
from gazeta.newsroom.models import Article
from gazeta.newsroom.services import article_save

from .factories import (
    AgencyFactory,
    ArticleFactory,
    AuthorFactory,
    DeskFactory,
    SectionFactory,
    unreleased_articles,
)
from .html import cache_directives, parse

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


def iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


@pytest.fixture
def section():
    return SectionFactory(name="Internațional", slug="international")


@pytest.fixture
def published(now, section):
    return ArticleFactory(
        headline="Știre publicată",
        slug="stire-publicata",
        section=section,
        published_at=now - timedelta(hours=1),
    )


@pytest.fixture
def hidden(now, section):
    return unreleased_articles(section=section, now=now)


class TestVisibility:
    def test_anonymous_reader_sees_a_published_article(self, client, published):
        response = client.get(published.get_absolute_url())
        assert response.status_code == 200
        assert parse(response.content).find("h1").text == "Știre publicată"

    @pytest.mark.parametrize("index", [0, 1, 2], ids=["draft", "future", "scheduled"])
    def test_anonymous_reader_gets_404_for_unpublished_article(self, client, hidden, index):
        assert client.get(hidden[index].get_absolute_url()).status_code == 404

    def test_unpublished_articles_are_absent_from_home_section_and_author_pages(
        self, client, section, published, hidden
    ):
        author = AuthorFactory()
        for article in [published, *hidden]:
            article.bylines.create(author=author)
        shown = {published.get_absolute_url()}
        for url in [HOME, section.get_absolute_url(), author.get_absolute_url()]:
            response = client.get(url)
            assert response.status_code == 200
            assert set(article_links(response)) == shown, url

    def test_scheduled_article_is_visible_once_its_time_has_passed(
        self, client, now, hidden, time_machine
    ):
        scheduled = hidden[2]
        time_machine.move_to(scheduled.published_at, tick=False)
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        assert scheduled.get_absolute_url() in article_links(client.get(HOME))
        assert scheduled.get_absolute_url() in article_links(
            client.get(scheduled.section.get_absolute_url())
        )

    @pytest.mark.parametrize("index", [0, 1, 2], ids=["draft", "future", "scheduled"])
    def test_editor_previews_unpublished_article_at_its_public_address(
        self, editor_client, hidden, index
    ):
        article = hidden[index]
        response = editor_client.get(article.get_absolute_url())
        assert response.status_code == 200
        page = parse(response.content)
        assert page.find("h1").text == article.headline
        assert page.find_all(role="status"), "preview notice"
        assert page.find("meta", name="robots")["content"] == "noindex"
        directives = cache_directives(response)
        assert "private" in directives
        assert "no-cache" in directives
        assert "public" not in directives

    def test_editor_sees_no_preview_notice_on_a_published_article(self, editor_client, published):
        page = parse(editor_client.get(published.get_absolute_url()).content)
        assert not page.find_all(role="status")
        assert not page.find_all("meta", name="robots")

    def test_staff_without_change_permission_gets_404_for_draft(self, client, hidden):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.create_user("staff", is_staff=True))
        assert client.get(hidden[0].get_absolute_url()).status_code == 404

    def test_public_pages_are_cacheable_by_shared_caches(self, client, published):
        author = AuthorFactory()
        published.bylines.create(author=author)
        for url in [
            HOME,
            published.section.get_absolute_url(),
            author.get_absolute_url(),
            published.get_absolute_url(),
        ]:
            directives = cache_directives(client.get(url))
            assert "public" in directives, url
            assert int(directives["s-maxage"]) > 0, url
            assert int(directives["stale-while-revalidate"]) > 0, url
            assert "private" not in directives, url


class TestArticlePage:
    @pytest.fixture
    def article(self, now, section):
        ana = AuthorFactory(name="Ana Ionescu", slug="ana-ionescu")
        bogdan = AuthorFactory(name="Bogdan Marin", slug="bogdan-marin")
        chiril = AuthorFactory(name="Chiril Vlad", slug="chiril-vlad")
        return ArticleFactory(
            headline="Consiliul a votat bugetul",
            slug="consiliul-a-votat-bugetul",
            section=section,
            published_at=now,
            standfirst="Consilierii au aprobat bugetul pe anul viitor.",
            body='<p>Primul paragraf.</p><h2>Ce urmează</h2><p><a href="https://exemplu.ro/">Sursa</a></p>',
            authors=[bogdan, ana, chiril],
            agencies=[AgencyFactory(name="AFP", slug="afp"), AgencyFactory()],
        )

    @pytest.fixture
    def page(self, client, article):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        return parse(response.content)

    def test_breadcrumb_goes_home_then_section_then_headline(self, page, section, article):
        trail = page.find(itemtype="https://schema.org/BreadcrumbList")
        items = trail.find_all(itemprop="itemListElement")
        assert [i.get("itemtype") for i in items] == ["https://schema.org/ListItem"] * 3
        assert [i.find(itemprop="position")["content"] for i in items] == ["1", "2", "3"]
        assert items[0].find("a", itemprop="item")["href"] == HOME
        assert items[1].find("a", itemprop="item")["href"] == section.get_absolute_url()
        assert items[1].find(itemprop="name").text == "Internațional"
        assert items[2].find(itemprop="name").text == "Consiliul a votat bugetul"
        assert items[2].find(itemprop="item")["content"].endswith(article.get_absolute_url())
        assert items[2].get("aria-current") == "page"

    def test_headline_is_the_only_h1(self, page):
        assert [h.text for h in page.find_all("h1")] == ["Consiliul a votat bugetul"]

    def test_dateline_is_romanian_short_date_and_24_hour_time(self, page, article):
        time = page.find("time", datetime=iso(article.published_at))
        assert time.text == "01 nov. 2024, 17:21"

    @pytest.mark.parametrize(
        ("delay", "shown"),
        [(None, False), (timedelta(seconds=59), False), (timedelta(seconds=60), False),
         (timedelta(minutes=2), True), (timedelta(hours=3, minutes=4), True)],
    )  # fmt: skip
    def test_updated_time_is_shown_only_when_revised_more_than_a_minute_later(
        self, client, article, delay, shown
    ):
        if delay is not None:
            Article.objects.filter(pk=article.pk).update(revised_at=article.published_at + delay)
        page = parse(client.get(article.get_absolute_url()).content)
        header = page.find("h1").parent
        times = header.find_all("time")
        assert len(times) == (2 if shown else 1)
        if shown:
            revised = article.published_at + delay
            assert times[1]["datetime"] == iso(revised)
            assert times[1].text == timezone.localtime(revised).strftime("01 nov. 2024, %H:%M")

    def test_byline_links_every_author_in_order_and_the_section(self, page, section):
        authors = page.find_all("a", rel="author")
        assert [(a["href"], a.text) for a in authors] == [
            ("/autor/bogdan-marin/", "Bogdan Marin"),
            ("/autor/ana-ionescu/", "Ana Ionescu"),
            ("/autor/chiril-vlad/", "Chiril Vlad"),
        ]
        byline = authors[0].parent
        assert section.get_absolute_url() in [a["href"] for a in byline.find_all("a")]

    def test_desk_byline_links_to_the_desk(self, client, now, section):
        desk = DeskFactory()
        article = ArticleFactory(section=section, authors=[desk])
        page = parse(client.get(article.get_absolute_url()).content)
        [link] = page.find_all("a", rel="author")
        assert (link["href"], link.text) == ("/autor/redactia-gazeta/", "Redacția Gazeta")

    def test_article_without_bylines_is_signed_by_the_default_desk(
        self, client, now, section, settings
    ):
        article = ArticleFactory(section=section)
        byline_area = parse(client.get(article.get_absolute_url()).content).find("h1").parent
        assert settings.GAZETA_DEFAULT_DESK in byline_area.text
        assert not byline_area.find_all("a", rel="author")

    def test_wire_credit_names_origin_agency_before_relaying_agency(self, page):
        credit = smallest_element_with(page.find("article"), "AFP", "Agerpres")
        assert credit.text.index("AFP") < credit.text.index("Agerpres")
        assert "Primul paragraf" not in credit.text

    def test_body_html_is_rendered_not_escaped(self, page, article):
        article_el = page.find("article")
        assert article_el.find("h2").text == "Ce urmează"
        assert article_el.find("a", href="https://exemplu.ro/").text == "Sursa"
        assert "&lt;p&gt;" not in str(page.text)

    def test_lead_is_shown(self, page):
        assert "Consilierii au aprobat bugetul pe anul viitor." in page.find("article").text

    def test_approved_comments_are_shown_and_others_are_not(self, client, article):
        from gazeta.comments.models import Comment

        for status, body in [
            (Comment.Status.APPROVED, "Comentariu aprobat"),
            (Comment.Status.PENDING, "Comentariu în așteptare"),
            (Comment.Status.SPAM, "Comentariu spam"),
        ]:
            Comment.objects.create(
                article=article, name="Cititor", email="c@exemplu.ro", body=body, status=status
            )
        content = client.get(article.get_absolute_url()).content.decode()
        assert "Comentariu aprobat" in content
        assert "Comentariu în așteptare" not in content
        assert "Comentariu spam" not in content
        assert "c@exemplu.ro" not in content


def smallest_element_with(root, *texts):
    found = [n for n in root.iter() if all(t in n.text for t in texts)]
    assert found, texts
    return min(found, key=lambda n: len(n.text))


class TestAddressChanges:
    def test_renamed_article_answers_its_old_address_with_301(self, client, published):
        old = published.get_absolute_url()
        published.slug = "titlu-nou"
        article_save(article=published)
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/international/titlu-nou/"
        assert client.get(response["Location"]).status_code == 200

    def test_article_moved_to_another_section_answers_its_old_address_with_301(
        self, client, published
    ):
        old = published.get_absolute_url()
        published.section = SectionFactory(slug="national")
        article_save(article=published)
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/national/stire-publicata/"

    def test_every_old_address_of_an_article_renamed_twice_goes_to_the_current_one(
        self, client, published
    ):
        first = published.get_absolute_url()
        published.slug = "al-doilea"
        article_save(article=published)
        second = published.get_absolute_url()
        published.slug = "al-treilea"
        published.section = SectionFactory(slug="local")
        article_save(article=published)
        for old in [first, second]:
            response = client.get(old)
            assert response.status_code == 301, old
            assert response["Location"] == "/local/al-treilea/", old

    def test_renamed_draft_leaves_no_old_address(self, editor_client, hidden):
        draft = hidden[0]
        old = draft.get_absolute_url()
        draft.slug = "ciorna-redenumita"
        article_save(article=draft)
        # Not even the editor, who may see the draft itself, is sent on from the old one.
        assert editor_client.get(old).status_code == 404
        assert editor_client.get(draft.get_absolute_url()).status_code == 200

    def test_old_address_of_an_unpublished_article_is_404(self, client, published):
        old = published.get_absolute_url()
        published.slug = "titlu-nou"
        article_save(article=published)
        published.status = Article.Status.DRAFT
        article_save(article=published)
        assert client.get(old).status_code == 404
        assert client.get("/international/titlu-nou/").status_code == 404

    @pytest.mark.parametrize("wrong_section", ["national", "nu-exista"])
    def test_right_slug_in_the_wrong_section_redirects_to_the_canonical_address(
        self, client, published, wrong_section
    ):
        SectionFactory(slug="national")
        response = client.get(f"/{wrong_section}/stire-publicata/")
        assert response.status_code == 301
        assert response["Location"] == "/international/stire-publicata/"

    def test_unknown_article_is_404(self, client, section):
        assert client.get("/international/nu-exista/").status_code == 404


class TestListPages:
    @pytest.fixture
    def five(self, now, section, settings):
        settings.GAZETA_SECTION_PAGE_SIZE = 2
        return [
            ArticleFactory(section=section, published_at=now - timedelta(hours=i)) for i in range(5)
        ]

    def test_section_page_lists_newest_first(self, client, section, five):
        response = client.get(section.get_absolute_url())
        assert article_links(response)[:2] == [a.get_absolute_url() for a in five[:2]]

    def test_section_page_two_shows_the_next_articles(self, client, section, five):
        response = client.get(section.get_absolute_url(), {"page": 2})
        assert response.status_code == 200
        assert article_links(response) == [a.get_absolute_url() for a in five[2:4]]

    def test_last_section_page_shows_the_oldest(self, client, section, five):
        response = client.get(section.get_absolute_url(), {"page": 3})
        assert article_links(response) == [five[4].get_absolute_url()]

    @pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "2.5", "4"])
    def test_bad_page_number_on_section_page_is_404(self, client, section, five, page):
        assert client.get(section.get_absolute_url(), {"page": page}).status_code == 404

    @pytest.mark.parametrize("page", ["abc", "0", "999"])
    def test_bad_page_number_on_author_page_is_404(self, client, five, page):
        author = AuthorFactory()
        five[0].bylines.create(author=author)
        assert client.get(author.get_absolute_url(), {"page": page}).status_code == 404

    def test_empty_section_page_is_found(self, client, section):
        assert client.get(section.get_absolute_url()).status_code == 200

    def test_unknown_section_is_404(self, client, section):
        assert client.get("/nu-exista/").status_code == 404

    def test_unknown_author_is_404(self, client):
        assert client.get("/autor/nimeni/").status_code == 404

    def test_author_page_lists_only_that_authors_articles(self, client, now, section):
        ana, bogdan = AuthorFactory(), AuthorFactory()
        hers = ArticleFactory(section=section, authors=[ana])
        both = ArticleFactory(section=section, authors=[bogdan, ana])
        ArticleFactory(section=section, authors=[bogdan])
        links = article_links(client.get(ana.get_absolute_url()))
        assert sorted(links) == sorted([hers.get_absolute_url(), both.get_absolute_url()])


class TestErrorPages:
    def test_404_page_is_the_sites_page(self, client, section):
        response = client.get("/nu-exista/deloc/nicaieri/")
        assert response.status_code == 404
        page = parse(response.content)
        assert page.find("html")["lang"]
        assert page.find("link", rel="stylesheet")
        assert page.find("a", href=HOME)
        assert page.find_all("h1")
        # The masthead's section menu comes from base.html.
        assert page.find("a", href=section.get_absolute_url())

    def test_404_for_an_unpublished_article_is_the_sites_page(self, client, hidden):
        response = client.get(hidden[0].get_absolute_url())
        assert response.status_code == 404
        assert parse(response.content).find("link", rel="stylesheet")

    def test_500_handler_returns_the_styled_page_without_touching_the_database(
        self, django_assert_num_queries
    ):
        with django_assert_num_queries(0):
            response = server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        page = parse(response.content)
        assert page.find("link", rel="stylesheet")["href"].endswith(".css")
        assert page.find_all("h1")
        assert page.find("a", href="/")

    def test_a_crashing_view_gets_the_styled_500_page(self, client, settings):
        settings.ROOT_URLCONF = "gazeta.newsroom.tests.urls_crash"
        client.raise_request_exception = False
        response = client.get("/crapa/")
        assert response.status_code == 500
        assert parse(response.content).find("link", rel="stylesheet")

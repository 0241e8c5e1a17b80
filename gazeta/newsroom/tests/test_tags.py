from datetime import timedelta

import pytest
from django.urls import reverse

from gazeta.newsroom.models import Article

from .factories import ArticleFactory, DraftFactory, SectionFactory, TagFactory
from .html import card_links, parse
from .test_queries import bulk_articles

pytestmark = pytest.mark.django_db

# Section menu; the tag; is there any article; one page of cards (never a count).
TAG_QUERIES = 4


@pytest.fixture
def tag():
    return TagFactory(name="Alegeri prezidențiale", slug="alegeri-prezidentiale")


@pytest.fixture
def tagged(now, tag):
    """Three published articles on the topic, the newest first."""
    articles = [
        ArticleFactory(slug=f"alegeri-{i}", published_at=now - timedelta(hours=i + 1))
        for i in range(3)
    ]
    for article in articles:
        article.tags.add(tag)
    return articles


def test_tag_address_is_under_subiect(tag):
    assert tag.get_absolute_url() == "/subiect/alegeri-prezidentiale/"
    assert reverse("newsroom:tag-detail", kwargs={"slug": tag.slug}) == tag.get_absolute_url()


def test_tagged_queryset_keeps_only_articles_carrying_the_tag(tag, tagged):
    ArticleFactory(slug="fara-subiect")
    assert set(Article.objects.tagged(tag)) == set(tagged)


def test_tag_page_lists_published_articles_on_the_topic_newest_first(client, tag, tagged):
    response = client.get(tag.get_absolute_url())
    assert response.status_code == 200
    page = parse(response.content)
    assert page.find("h1").text == "Alegeri prezidențiale"
    assert card_links(response) == [a.get_absolute_url() for a in tagged]


def test_tag_page_leaves_out_drafts_future_and_other_topics(client, now, tag, tagged):
    hidden = [
        DraftFactory(slug="ciorna"),
        ArticleFactory(slug="maine", published_at=now + timedelta(days=1)),
        ArticleFactory(
            slug="programat",
            status=Article.Status.SCHEDULED,
            published_at=now + timedelta(hours=2),
        ),
    ]
    for article in hidden:
        article.tags.add(tag)
    other = ArticleFactory(slug="alt-subiect")
    other.tags.add(TagFactory())
    assert card_links(client.get(tag.get_absolute_url())) == [a.get_absolute_url() for a in tagged]


def test_unknown_tag_is_404(client, tagged):
    assert client.get("/subiect/nu-exista/").status_code == 404


def test_tag_carried_only_by_unpublished_articles_has_no_page(client, now):
    embargoed = TagFactory(name="Demisie surpriză", slug="demisie-surpriza")
    DraftFactory().tags.add(embargoed)
    ArticleFactory(published_at=now + timedelta(hours=1)).tags.add(embargoed)
    response = client.get(embargoed.get_absolute_url())
    assert response.status_code == 404
    assert "Demisie surpriză" not in response.content.decode()


def test_tag_page_two_shows_the_older_articles(client, settings, tag, tagged):
    settings.GAZETA_SECTION_PAGE_SIZE = 2
    response = client.get(tag.get_absolute_url(), {"page": 2})
    assert response.status_code == 200
    assert card_links(response) == [tagged[2].get_absolute_url()]


@pytest.mark.parametrize("page", ["0", "3", "-1", "abc", "1.5", "9" * 30])
def test_bad_page_number_on_tag_page_is_404(client, settings, tag, tagged, page):
    settings.GAZETA_SECTION_PAGE_SIZE = 2
    assert client.get(tag.get_absolute_url(), {"page": page}).status_code == 404


def test_tag_page_is_cacheable_by_shared_caches(client, tag, tagged):
    cache_control = client.get(tag.get_absolute_url())["Cache-Control"]
    assert "public" in cache_control and "s-maxage" in cache_control


def test_article_page_links_each_topic_to_its_page(client, tag, tagged):
    second = TagFactory(name="Guvern", slug="guvern")
    tagged[0].tags.add(second)
    page = parse(client.get(tagged[0].get_absolute_url()).content)
    topics = page.find("ul", class_="tags").find_all("a")
    assert [(a["href"], a.text) for a in topics] == [
        ("/subiect/alegeri-prezidentiale/", "Alegeri prezidențiale"),
        ("/subiect/guvern/", "Guvern"),
    ]


@pytest.mark.parametrize("size", [5, 500])
def test_tag_page_query_count_does_not_grow_with_the_topic(
    client, now, size, django_assert_num_queries
):
    sections = [SectionFactory(position=i) for i in range(3)]
    articles = bulk_articles(size, sections=sections, now=now)
    topic = TagFactory()
    topic.articles.add(*articles)
    with django_assert_num_queries(TAG_QUERIES):
        response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert client.get(topic.get_absolute_url(), {"page": "last"}).status_code == 404

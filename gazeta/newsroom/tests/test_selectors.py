from datetime import timedelta

import pytest

from gazeta.newsroom.models import Article
from gazeta.newsroom.selectors import home_page_stories

from .factories import ArticleFactory, DraftFactory, SectionFactory

pytestmark = pytest.mark.django_db


def all_articles(page) -> list[Article]:
    return [
        *([page.top_story] if page.top_story else []),
        *page.latest,
        *(a for block in page.sections for a in block.articles),
    ]


def test_empty_site_has_no_top_story_and_no_blocks(now):
    DraftFactory()
    page = home_page_stories()
    assert (page.top_story, page.latest, page.sections) == (None, [], [])


def test_top_story_is_the_newest_featured_article(now):
    ArticleFactory(published_at=now - timedelta(minutes=1))
    ArticleFactory(published_at=now - timedelta(hours=3), is_featured=True)
    newest_featured = ArticleFactory(published_at=now - timedelta(hours=2), is_featured=True)
    assert home_page_stories().top_story == newest_featured


def test_top_story_is_the_newest_article_when_none_is_featured(now):
    ArticleFactory(published_at=now - timedelta(hours=2))
    newest = ArticleFactory(published_at=now - timedelta(minutes=1))
    assert home_page_stories().top_story == newest


def test_unpublished_featured_article_is_never_the_top_story(now):
    DraftFactory(is_featured=True)
    ArticleFactory(published_at=now + timedelta(minutes=1), is_featured=True)
    ArticleFactory(
        status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=1), is_featured=True
    )
    published = ArticleFactory(published_at=now - timedelta(hours=1))
    page = home_page_stories()
    assert page.top_story == published
    assert all_articles(page) == [published]


def test_latest_list_excludes_the_top_story_and_is_newest_first(now, settings):
    settings.GAZETA_HOME_LATEST_COUNT = 3
    articles = [ArticleFactory(published_at=now - timedelta(hours=i)) for i in range(6)]
    featured = ArticleFactory(published_at=now - timedelta(hours=1, minutes=30), is_featured=True)
    page = home_page_stories()
    assert page.top_story == featured
    assert page.latest == articles[:3]


def test_latest_list_is_full_when_the_top_story_is_also_the_newest(now, settings):
    settings.GAZETA_HOME_LATEST_COUNT = 3
    articles = [ArticleFactory(published_at=now - timedelta(hours=i)) for i in range(6)]
    page = home_page_stories()
    assert page.top_story == articles[0]
    assert page.latest == articles[1:4]


def test_no_article_appears_twice_on_the_page(now, settings):
    settings.GAZETA_HOME_LATEST_COUNT = 4
    settings.GAZETA_HOME_SECTION_COUNT = 3
    sections = [SectionFactory(position=i) for i in range(3)]
    for i in range(20):
        ArticleFactory(
            section=sections[i % 3], published_at=now - timedelta(hours=i), is_featured=i == 11
        )
    shown = [a.pk for a in all_articles(home_page_stories())]
    assert len(shown) == len(set(shown)) == 1 + 4 + 3 * 3


def test_section_blocks_follow_section_order_and_skip_empty_sections(now, settings):
    settings.GAZETA_HOME_LATEST_COUNT = 1
    settings.GAZETA_HOME_SECTION_COUNT = 2
    sport = SectionFactory(name="Sport", slug="sport", position=2)
    local = SectionFactory(name="Local", slug="local", position=1)
    SectionFactory(name="Gol", slug="gol", position=3)
    local_articles = [
        ArticleFactory(section=local, published_at=now - timedelta(hours=i)) for i in range(4)
    ]
    sport_articles = [
        ArticleFactory(section=sport, published_at=now - timedelta(hours=i, minutes=30))
        for i in range(4)
    ]
    page = home_page_stories()
    assert page.top_story == local_articles[0]
    assert page.latest == [sport_articles[0]]
    assert [b.section for b in page.sections] == [local, sport]
    assert page.sections[0].articles == local_articles[1:3]
    assert page.sections[1].articles == sport_articles[1:3]


def test_cards_have_their_section_loaded(now, django_assert_num_queries):
    ArticleFactory()
    page = home_page_stories()
    with django_assert_num_queries(0):
        for article in all_articles(page):
            article.section.get_absolute_url()

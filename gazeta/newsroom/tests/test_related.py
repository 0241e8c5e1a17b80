"""“Citește și” under an article: shared tags first (most shared, then newest), then the
newest of its section; only published articles, never the article itself."""

import random
from datetime import timedelta

import pytest

from gazeta.newsroom.models import Article
from gazeta.newsroom.selectors import article_related

from .factories import ArticleFactory, DraftFactory, SectionFactory, TagFactory
from .html import parse
from .test_queries import bulk_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return SectionFactory(name="Politică", slug="politica")


@pytest.fixture
def tags():
    return [TagFactory(slug=f"t{i}") for i in range(3)]


def make(slug, *, now, hours_ago, section=None, tags=(), **fields):
    article = ArticleFactory(
        slug=slug,
        published_at=now - timedelta(hours=hours_ago),
        **({"section": section} if section else {}),
        **fields,
    )
    article.tags.set(tags)
    return article


@pytest.fixture
def story(now, section, tags):
    """The article read, carrying three tags, and its possible neighbours."""
    other_section = SectionFactory(name="Sport", slug="sport")
    made = {
        "story": make("story", now=now, hours_ago=5, section=section, tags=tags),
        "all_three": make("all-three", now=now, hours_ago=40, section=other_section, tags=tags),
        "two": make("two", now=now, hours_ago=1, section=other_section, tags=tags[:2]),
        "one_newer": make("one-newer", now=now, hours_ago=2, section=other_section, tags=tags[:1]),
        "one_older": make("one-older", now=now, hours_ago=30, section=section, tags=tags[1:2]),
        "section_newest": make("section-newest", now=now, hours_ago=3, section=section),
        "section_older": make("section-older", now=now, hours_ago=50, section=section),
        "elsewhere": make("elsewhere", now=now, hours_ago=1, section=other_section),
    }
    hidden = [
        DraftFactory(slug="ciorna", section=section),
        ArticleFactory(slug="maine", section=section, published_at=now + timedelta(days=1)),
        ArticleFactory(
            slug="programat",
            section=section,
            status=Article.Status.SCHEDULED,
            published_at=now + timedelta(hours=1),
        ),
    ]
    for article in hidden:
        article.tags.set(tags)
    return made


def slugs(articles) -> list[str]:
    return [a.slug for a in articles]


def test_most_shared_tags_come_first_then_newest(story):
    related = article_related(article=story["story"], limit=4)
    assert slugs(related) == ["all-three", "two", "one-newer", "one-older"]


def test_section_fills_the_list_after_shared_tags_newest_first(story):
    related = article_related(article=story["story"], limit=6)
    assert slugs(related)[4:] == ["section-newest", "section-older"]


def test_unrelated_articles_of_other_sections_are_never_suggested(story):
    related = article_related(article=story["story"], limit=20)
    assert "elsewhere" not in slugs(related)
    assert len(related) == 6


def test_article_itself_and_unpublished_articles_are_never_suggested(story):
    related = slugs(article_related(article=story["story"], limit=20))
    assert "story" not in related
    assert not {"ciorna", "maine", "programat"} & set(related)


def test_article_sharing_tags_and_section_appears_once(now, section, tags):
    story = make("story", now=now, hours_ago=5, section=section, tags=tags)
    twin = make("twin", now=now, hours_ago=1, section=section, tags=tags)
    assert article_related(article=story, limit=4) == [twin]


def test_article_without_tags_gets_the_newest_of_its_section(now, section):
    story = make("story", now=now, hours_ago=5, section=section)
    newer = make("newer", now=now, hours_ago=1, section=section)
    older = make("older", now=now, hours_ago=9, section=section)
    assert article_related(article=story, limit=4) == [newer, older]


@pytest.mark.parametrize("size", [5, 500])
def test_related_articles_take_at_most_three_queries_whatever_the_archive_size(
    now, tags, size, django_assert_max_num_queries
):
    sections = [SectionFactory(position=i) for i in range(3)]
    articles = bulk_articles(size, sections=sections, now=now)
    for n, tag in enumerate(tags):
        tag.articles.add(*articles[n::2])
    story = Article.objects.for_detail().get(pk=articles[0].pk)
    with django_assert_max_num_queries(3):
        related = article_related(article=story, limit=4)
    assert related and story not in related


def test_section_is_not_read_when_shared_tags_fill_the_list(story, django_assert_num_queries):
    read = Article.objects.for_detail().get(pk=story["story"].pk)
    with django_assert_num_queries(1):
        related = article_related(article=read, limit=4)
    assert len(related) == 4


def test_articles_first_in_the_ranking_but_not_published_give_way_to_published_ones(
    now, section, tags, django_assert_num_queries
):
    """The first reading looks only at the first of the topic links' ranking; when too few of
    those are published (expired, taken back to draft), the whole ranking decides."""
    story = make("story", now=now, hours_ago=0, section=section, tags=tags)
    for n in range(6):
        make(
            f"expirat-{n}",
            now=now,
            hours_ago=1 + n,
            tags=tags,
            expires_at=now - timedelta(minutes=5),
        )
        make(f"retras-{n}", now=now, hours_ago=1 + n, tags=tags, status=Article.Status.DRAFT)
    kept = [
        make("doua", now=now, hours_ago=30, tags=tags[:2]),
        make("una", now=now, hours_ago=20, tags=tags[:1]),
    ]
    read = Article.objects.for_detail().get(pk=story.pk)
    with django_assert_num_queries(3):  # first ranked, the whole ranking, the section
        related = article_related(article=read, limit=4)
    assert related == kept


@pytest.mark.parametrize("seed", range(5))
def test_the_first_ranked_reading_agrees_with_the_whole_ranking(now, section, seed, settings):
    """On a random mix of published, scheduled, expired and withdrawn articles sharing some of
    four topics, what "Read also" picks from shared tags is what the whole ranking
    (``published().related_to()``) puts first."""
    rng = random.Random(seed)
    tags = [TagFactory(slug=f"subiect-{seed}-{i}") for i in range(4)]
    story = make("story", now=now, hours_ago=0, section=section, tags=tags)
    for n in range(40):
        fields = rng.choice(
            [
                {},
                {},
                {},
                {"expires_at": now - timedelta(hours=1)},
                {"status": Article.Status.DRAFT},
                {"status": Article.Status.SCHEDULED},
            ]
        )
        make(
            f"a-{seed}-{n}",
            now=now,
            hours_ago=rng.choice([rng.uniform(-72, 24 * 40), rng.choice([2, 3])]),
            tags=rng.sample(tags, rng.randint(1, 4)),
            **fields,
        )
    within = timedelta(days=settings.GAZETA_RELATED_WINDOW_DAYS)
    for limit in (1, 4, 6):
        whole = list(Article.objects.published().related_to(story, within=within)[:limit])
        got = article_related(article=Article.objects.for_detail().get(pk=story.pk), limit=limit)
        assert [a.pk for a in got[: len(whole)]] == [a.pk for a in whole]
        assert [a.shared_tags for a in got[: len(whole)]] == [a.shared_tags for a in whole]


def test_article_page_shows_related_articles_under_the_article(client, story):
    page = parse(client.get(story["story"].get_absolute_url()).content)
    block = page.find("section", class_="related")
    assert block.find("h2").text == "Citește și"
    links = [h.find("a")["href"] for h in block.find_all(class_="card__title")]
    assert links == [
        story[name].get_absolute_url() for name in ["all_three", "two", "one_newer", "one_older"]
    ]


def test_article_page_without_related_articles_has_no_empty_block(client, now):
    lonely = ArticleFactory(section=SectionFactory(slug="singur"), published_at=now)
    page = parse(client.get(lonely.get_absolute_url()).content)
    assert not page.find_all("section", class_="related")


def test_only_articles_from_around_the_same_time_count_as_related(now, section, tags, settings):
    settings.GAZETA_RELATED_WINDOW_DAYS = 30
    elsewhere = SectionFactory(name="Sport", slug="sport")
    story = make("story", now=now, hours_ago=0, section=section, tags=tags)
    make("last-year", now=now, hours_ago=24 * 365, section=elsewhere, tags=tags)
    make("last-week", now=now, hours_ago=24 * 7, section=elsewhere, tags=tags[:1])
    old_story = make("old-story", now=now, hours_ago=24 * 366, section=section, tags=tags[:1])

    assert [a.slug for a in article_related(article=story)] == ["last-week", "old-story"]
    # An old article finds what was published around its own time.
    assert [a.slug for a in article_related(article=old_story)][0] == "last-year"

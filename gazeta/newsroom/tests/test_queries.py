"""Query budgets: each public page runs the same number of SQL queries whatever the size
of the archive, the section, the byline list or the comment thread."""

import re
from datetime import timedelta

import pytest

from gazeta.comments.models import Comment
from gazeta.newsroom.models import Article, Byline, Credit, Section

from .factories import AgencyFactory, ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

SIZES = [5, 500]
SECTION_COUNT = 3

# The home page's budget is pinned in gazeta/frontpage/tests/test_queries.py.
# Section menu; the section or author; one page of cards (never a count of the list).
SECTION_QUERIES = 3
AUTHOR_QUERIES = 3
# Section menu; article with its section; bylines, credits, tags and correction notices; the
# comment thread; related articles: among the first of the topic links' ranking, the whole
# ranking (this article's topics are its own, so the first gave too few), the same section.
ARTICLE_QUERIES = 10


def bulk_articles(count: int, *, sections: list[Section], now) -> list[Article]:
    """``count`` published articles (plus a draft and a future one per section), fast."""
    articles = [
        Article(
            headline=f"Știrea {i}",
            slug=f"stirea-{i}",
            section=sections[i % len(sections)],
            standfirst="Un rezumat scurt.",
            body="<p>Text.</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i + 1),
            is_featured=i % 50 == 7,
        )
        for i in range(count)
    ]
    for n, section in enumerate(sections):
        articles.append(Article(headline="Ciornă", slug=f"ciorna-{n}", section=section))
        articles.append(
            Article(
                headline="Mâine",
                slug=f"maine-{n}",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=now + timedelta(days=1),
            )
        )
    return Article.objects.bulk_create(articles)


def add_bylines_and_credits(articles, authors, agencies):
    Byline.objects.bulk_create(
        Byline(article=a, author=author, position=p)
        for a in articles
        for p, author in enumerate(authors)
    )
    Credit.objects.bulk_create(
        Credit(article=a, agency=agency, position=p)
        for a in articles
        for p, agency in enumerate(agencies)
    )


@pytest.fixture
def sections():
    return [SectionFactory(position=i) for i in range(SECTION_COUNT)]


@pytest.fixture
def people():
    return [AuthorFactory() for _ in range(3)], [
        AgencyFactory(name="AFP", slug="afp"),
        AgencyFactory(),
    ]


@pytest.mark.parametrize("size", SIZES)
def test_section_page_query_count_does_not_grow_with_the_section(
    client, now, sections, people, size, django_assert_num_queries
):
    articles = bulk_articles(size, sections=sections, now=now)
    add_bylines_and_credits(articles, *people)
    with django_assert_num_queries(SECTION_QUERIES):
        response = client.get(sections[0].get_absolute_url())
    assert response.status_code == 200
    assert client.get(sections[0].get_absolute_url(), {"page": "last"}).status_code == 404


@pytest.mark.parametrize("size", SIZES)
def test_author_page_query_count_does_not_grow_with_the_authors_articles(
    client, now, sections, people, size, django_assert_num_queries
):
    authors, agencies = people
    articles = bulk_articles(size, sections=sections, now=now)
    add_bylines_and_credits(articles, authors, agencies)
    with django_assert_num_queries(AUTHOR_QUERIES):
        response = client.get(authors[1].get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_article_page_query_count_does_not_grow_with_comments_or_bylines(
    client, now, sections, size, django_assert_num_queries
):
    article = ArticleFactory(
        section=sections[0],
        authors=[AuthorFactory() for _ in range(size // 100 + 2)],
        agencies=[AgencyFactory(name="AFP", slug="afp"), AgencyFactory()],
    )
    article.tags.set([TagFactory() for _ in range(size // 100 + 2)])
    roots = Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"Cititor {i}",
            email=f"c{i}@exemplu.ro",
            body="Comentariu.",
            status=Comment.Status.APPROVED,
            created_at=now - timedelta(minutes=size - i),
        )
        for i in range(size // 2)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=roots[i % len(roots)],
            name=f"Răspuns {i}",
            email=f"r{i}@exemplu.ro",
            body="Răspuns.",
            status=Comment.Status.APPROVED,
            created_at=now - timedelta(seconds=size - i),
        )
        for i in range(size - size // 2)
    )
    with django_assert_num_queries(ARTICLE_QUERIES):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert len(re.findall(r">Cititor \d+<", content)) == size // 2
    assert len(re.findall(r">Răspuns \d+<", content)) == size - size // 2

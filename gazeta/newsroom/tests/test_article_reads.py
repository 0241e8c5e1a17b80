"""The article page's reads for readers (``selectors.published_article_for_page``, built once
per process) give what ``for_detail().with_public_corrections()`` gives, and only for a
published article."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gazeta.media.tests.factories import ImageFactory
from gazeta.newsroom.models import Article, Correction
from gazeta.newsroom.selectors import published_article_for_page

from .factories import AgencyFactory, ArticleFactory, AuthorFactory, DraftFactory, TagFactory

pytestmark = pytest.mark.django_db


def page_view(article):
    """Everything the article template reads from the article and its relations."""
    return {
        "article": (article.pk, article.headline, article.body, article.published_at),
        "section": (article.section.pk, article.section.name, article.section.slug),
        "image": article.featured_image and article.featured_image.pk,
        "bylines": [(b.position, b.author.name, b.author.slug) for b in article.bylines.all()],
        "credits": [(c.position, c.agency.name) for c in article.credits.all()],
        "tags": [(t.pk, t.name) for t in article.tags.all()],
        "corrections": [(c.pk, c.kind, c.placement) for c in article.corrections.all()],
    }


@pytest.fixture
def story(now):
    article = ArticleFactory(
        slug="povestea",
        featured_image=ImageFactory(),
        authors=[AuthorFactory(name="Ana"), AuthorFactory(name="Bogdan")],
        agencies=[AgencyFactory(), AgencyFactory(name="AFP", slug="afp")],
    )
    article.tags.set([TagFactory(name="Buget"), TagFactory(name="Alegeri")])
    for hours, kind in [(-2, Correction.Kind.CORRECTION), (-1, Correction.Kind.UPDATE)]:
        Correction.objects.create(
            article=article, kind=kind, text="Text.", published_at=now + timedelta(hours=hours)
        )
    Correction.objects.create(article=article, text="Later.", published_at=now + timedelta(hours=1))
    return article


def test_reads_what_for_detail_reads(story):
    expected = Article.objects.for_detail().with_public_corrections().get(pk=story.pk)
    got = published_article_for_page("povestea")
    assert page_view(got) == page_view(expected)
    assert len(page_view(got)["corrections"]) == 2  # the one released later is not shown


def test_the_template_reads_need_no_further_query(story):
    with CaptureQueriesContext(connection) as queries:
        article = published_article_for_page("povestea")
    assert len(queries) == 5  # article, bylines, credits, topics, corrections
    with CaptureQueriesContext(connection) as queries:
        page_view(article)
    assert len(queries) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"published_at_hours": 2},
        {"status": Article.Status.SCHEDULED, "published_at_hours": 1},
        {"published_at_hours": -5, "expires_at_hours": -1},
    ],
    ids=["draft", "future", "scheduled", "expired"],
)
def test_only_a_published_article_is_found(now, fields):
    hours = fields.pop("published_at_hours", -1)
    expires = fields.pop("expires_at_hours", None)
    ArticleFactory(
        slug="ascunsa",
        published_at=now + timedelta(hours=hours),
        expires_at=None if expires is None else now + timedelta(hours=expires),
        **fields,
    )
    assert published_article_for_page("ascunsa") is None
    assert not Article.objects.published().filter(slug="ascunsa").exists()


def test_a_scheduled_article_is_found_once_its_time_comes(now, time_machine):
    DraftFactory(
        slug="programata", status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=1)
    )
    assert published_article_for_page("programata") is None
    time_machine.move_to(now + timedelta(hours=2), tick=False)
    assert published_article_for_page("programata").slug == "programata"


def test_an_unknown_address_finds_nothing(db):
    assert published_article_for_page("nu-exista") is None

"""The generated demo corpus (``generate_demo_corpus``): what it writes is what the site would
have stored itself, readers can reach it, search finds it, and a second run is harmless."""

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from gazeta.comments.models import Comment
from gazeta.newsroom.corpus import (
    BEATS,
    EXTERNAL_ID_PREFIX,
    MAX_REPLY_DEPTH,
    TextMaker,
    corpus_generate,
    view_counts_generate,
)
from gazeta.newsroom.models import Article, ArticleViewCount, Byline
from gazeta.newsroom.popularity import hour_of
from gazeta.newsroom.search import article_search, search_index_rebuild, search_index_update

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

ARTICLES = 90
COMMENTS = 4


@pytest.fixture
def corpus():
    return corpus_generate(
        articles=ARTICLES, comments_per_article=COMMENTS, seed=3, batch_size=40, days=400
    )


def generated():
    return Article.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)


def index_entries(first: int, last: int) -> list[tuple]:
    """The search index entries of articles ``first`` to ``last``, as stored."""
    columns = "headline, lead, body" if connection.vendor == "sqlite" else "document::text"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, {columns} FROM newsroom_article_search "  # noqa: S608
            "WHERE rowid BETWEEN %s AND %s ORDER BY rowid",
            [first, last],
        )
        return cursor.fetchall()


def test_writes_the_articles_asked_for_over_sections_reporters_topics_and_years(corpus):
    articles = generated()
    assert articles.count() == corpus.articles == ARTICLES
    assert articles.published().count() == corpus.published
    assert corpus.published >= ARTICLES * 0.9
    assert articles.values("section").distinct().count() == len(BEATS)
    assert Byline.objects.filter(article__in=articles).values("author").distinct().count() > 20
    assert articles.annotate(n=Count("tags")).filter(n=0).count() == 0
    dates = sorted(articles.published().values_list("published_at", flat=True))
    assert (dates[-1] - dates[0]).days > 300
    assert len({a.headline for a in articles}) == ARTICLES


def test_every_published_article_gets_its_comments_threaded_on_the_same_article(corpus):
    comments = Comment.objects.filter(article__in=generated())
    assert comments.count() == corpus.comments == corpus.published * COMMENTS
    assert set(comments.values_list("article", flat=True)) == set(
        generated().published().values_list("pk", flat=True)
    )
    replies = comments.filter(parent__isnull=False).select_related("parent")
    assert replies.count() > corpus.comments * 0.15
    for reply in replies:
        assert reply.parent.article_id == reply.article_id
        assert reply.parent.status == Comment.Status.APPROVED
        assert reply.parent.created_at < reply.created_at
        assert reply.depth <= MAX_REPLY_DEPTH
    assert comments.visible().count() > corpus.comments * 0.85


def test_stored_text_is_what_saving_through_the_site_would_store(corpus):
    for article in generated().select_related("section"):
        fields = (article.headline, article.standfirst, article.body)
        article.normalize_text_fields()
        assert (article.headline, article.standfirst, article.body) == fields
        article.full_clean(validate_unique=False)
        assert article.body.startswith("<p>") and article.body.count("<p>") >= 3
    for comment in Comment.objects.all()[:50]:
        body, html = comment.body, comment.body_html
        comment.save()
        comment.refresh_from_db()
        assert (comment.body, comment.body_html) == (body, html)


def test_published_articles_are_served_at_their_address_and_drafts_are_not(client, corpus):
    articles = list(generated().select_related("section"))
    live = [a for a in articles if a.is_published]
    for article in live[:: len(live) // 5]:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert article.headline in response.text
    for article in [a for a in articles if not a.is_published]:
        assert client.get(article.get_absolute_url()).status_code == 404
    newest = max(live, key=lambda a: a.published_at)
    assert newest.headline in client.get("/").text


def test_search_index_holds_what_a_rebuild_would_write(corpus):
    before = index_entries(corpus.first_id, corpus.last_id)
    assert len(before) == ARTICLES
    search_index_rebuild(chunk_size=1000)
    assert index_entries(corpus.first_id, corpus.last_id) == before


def test_search_finds_an_article_by_words_of_its_headline(corpus):
    article = generated().published().order_by("-published_at")[7]
    words = [w for w in article.headline.replace(":", " ").split() if len(w) > 3][:3]
    assert article in list(article_search(query=" ".join(words))[:200])


def test_a_second_run_of_the_same_size_does_nothing(corpus):
    out = StringIO()
    call_command("generate_demo_corpus", "--articles", str(ARTICLES), "--no-progress", stdout=out)
    assert "already there (90 articles); nothing done" in out.getvalue()
    assert generated().count() == ARTICLES


def test_a_run_of_another_size_is_refused_and_writes_nothing(corpus):
    with pytest.raises(CommandError, match="already holds a demo corpus of 90 articles"):
        call_command("generate_demo_corpus", "--articles", "120", "--no-progress")
    assert generated().count() == ARTICLES


def test_the_site_keeps_adding_rows_after_the_generated_ids():
    ArticleFactory(slug="before")
    call_command(
        "generate_demo_corpus",
        "--articles",
        "12",
        "--comments-per-article",
        "2",
        "--no-progress",
        stdout=StringIO(),
    )
    after = ArticleFactory(slug="after")
    assert after.pk > generated().order_by("-pk").first().pk
    comment = Comment.objects.create(
        article=after, name="Ana", email="ana@exemplu.ro", body="Bun.", status="approved"
    )
    assert comment.pk > Comment.objects.exclude(pk=comment.pk).order_by("-pk").first().pk


def test_command_reports_what_it_wrote():
    out = StringIO()
    call_command(
        "generate_demo_corpus",
        "--articles",
        "15",
        "--comments-per-article",
        "3",
        "--batch",
        "4",
        "--no-progress",
        stdout=out,
    )
    summary = out.getvalue()
    published = generated().published().count()
    assert f"15 articles ({published} published" in summary
    assert f"{published * 3} comments" in summary
    assert " s (" in summary and "articles/s" in summary


@pytest.mark.parametrize(
    "arguments", [["--articles", "0"], ["--articles", "5", "--batch", "0"], ["--days", "-1"]]
)
def test_command_refuses_nonsense_sizes(arguments):
    if "--articles" not in arguments:
        arguments = ["--articles", "5", *arguments]
    with pytest.raises(CommandError):
        call_command("generate_demo_corpus", *arguments, "--no-progress")
    assert not generated().exists()


def test_the_same_seed_writes_the_same_text():
    beat = BEATS["Sport"]
    first, second = TextMaker(random.Random(9)), TextMaker(random.Random(9))
    assert [first.headline(beat) for _ in range(5)] == [second.headline(beat) for _ in range(5)]
    assert first.body("Sport") == second.body("Sport")


def test_view_counts_cover_the_last_two_days_hour_by_hour(now):
    fresh = ArticleFactory(published_at=now - timedelta(hours=5))
    ArticleFactory(published_at=now - timedelta(days=3))
    written = view_counts_generate(rng=random.Random(2), now=now)
    counts = ArticleViewCount.objects.all()
    assert written == counts.count() > 0
    assert set(counts.values_list("article", flat=True)) == {fresh.pk}
    hours = sorted(counts.values_list("hour", flat=True))
    assert hours[0] >= hour_of(fresh.published_at) and hours[-1] <= now
    assert all(c.views > 0 for c in counts)


def test_an_index_entry_left_by_a_deleted_article_is_stepped_over():
    gone = ArticleFactory(slug="gone")
    search_index_update(articles=[gone])
    Article.objects.filter(pk=gone.pk).delete()  # around the services: the entry stays
    summary = corpus_generate(articles=5, comments_per_article=1, seed=4)
    assert summary.first_id > gone.pk
    assert generated().count() == 5

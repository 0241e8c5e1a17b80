"""Topic links and bylines carry their article's publication time (migration 0009), so topic
and author pages read their newest articles from an index in order. The database keeps the
copy whichever way a link or an article is written; these tests write each way and read the
copy back, and check the pages follow a changed publication time."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gazeta.newsroom import services
from gazeta.newsroom.models import Article, ArticleTag, Byline

from .factories import ArticleFactory, AuthorFactory, DraftFactory, TagFactory
from .html import card_links

pytestmark = pytest.mark.django_db


def link_times(article: Article) -> set:
    tags = set(ArticleTag.objects.filter(article=article).values_list("published_at", flat=True))
    bylines = set(Byline.objects.filter(article=article).values_list("published_at", flat=True))
    return tags | bylines


@pytest.fixture
def linked(now):
    """A published article with two topics and two bylines, each written another way."""
    article = ArticleFactory(published_at=now - timedelta(hours=3))
    article.tags.set([TagFactory()])  # the ORM's bulk insert of the link table
    TagFactory().articles.add(article)  # from the other side
    Byline.objects.bulk_create([Byline(article=article, author=AuthorFactory(), position=0)])
    Byline.objects.create(article=article, author=AuthorFactory(), position=1)
    return article


def test_new_links_take_the_articles_time(linked):
    assert link_times(linked) == {linked.published_at}
    assert ArticleTag.objects.filter(article=linked).count() == 2
    assert Byline.objects.filter(article=linked).count() == 2


def test_links_of_an_unreleased_draft_have_no_time():
    draft = DraftFactory(published_at=None)
    draft.tags.set([TagFactory()])
    Byline.objects.create(article=draft, author=AuthorFactory())
    assert link_times(draft) == {None}


def test_a_new_publication_time_reaches_every_link(linked, now, editor):
    later = now + timedelta(days=2)
    services.article_schedule(article=linked, at=later, user=editor)
    assert link_times(linked) == {later}
    Article.objects.filter(pk=linked.pk).update(published_at=now - timedelta(days=9))
    assert link_times(linked) == {now - timedelta(days=9)}


def test_saving_a_stale_link_keeps_the_articles_time(linked, now):
    """A byline read before the article moved, then saved, writes every column: the copy
    is taken from the article again, not from the stale object."""
    byline = Byline.objects.filter(article=linked).first()
    Article.objects.filter(pk=linked.pk).update(published_at=now - timedelta(days=1))
    byline.position = 5
    byline.save()
    assert Byline.objects.get(pk=byline.pk).published_at == now - timedelta(days=1)


def test_topic_and_author_pages_follow_a_changed_publication_time(client, now, editor):
    tag, author = TagFactory(), AuthorFactory()
    older, newer = (
        ArticleFactory(slug=slug, published_at=now - timedelta(hours=hours))
        for slug, hours in (("mai-vechi", 5), ("mai-nou", 1))
    )
    for article in (older, newer):
        article.tags.add(tag)
        Byline.objects.create(article=article, author=author)
    for url in (tag.get_absolute_url(), author.get_absolute_url()):
        assert card_links(client.get(url)) == [a.get_absolute_url() for a in (newer, older)]

    older.published_at = now - timedelta(minutes=10)
    services.article_save(article=older)
    for url in (tag.get_absolute_url(), author.get_absolute_url()):
        assert card_links(client.get(url)) == [a.get_absolute_url() for a in (older, newer)]

    services.article_unpublish(article=older, user=editor)
    for url in (tag.get_absolute_url(), author.get_absolute_url()):
        assert card_links(client.get(url)) == [newer.get_absolute_url()]


def test_an_article_moved_into_the_future_leaves_the_topic_until_its_time(client, now, editor):
    tag = TagFactory()
    shown, moved = ArticleFactory(slug="ramane"), ArticleFactory(slug="mutat")
    for article in (shown, moved):
        article.tags.add(tag)
    services.article_schedule(article=moved, at=now + timedelta(hours=2), user=editor)
    assert card_links(client.get(tag.get_absolute_url())) == [shown.get_absolute_url()]
    feed = client.get(reverse("feeds:tag", kwargs={"slug": tag.slug})).content.decode()
    assert "/mutat/" not in feed and "/ramane/" in feed

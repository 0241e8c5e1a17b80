"""Each newsroom change deletes exactly the page files that show it, after commit, and keeps
the rest."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from gazeta.comments.models import Comment
from gazeta.comments.services import comment_approve, comment_remove
from gazeta.comments.tests.factories import CommentFactory
from gazeta.newsroom.models import Article, Correction
from gazeta.newsroom.services import article_delete, article_save
from gazeta.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    DraftFactory,
    SectionFactory,
    TagFactory,
)
from gazeta.pagecache import files
from gazeta.pagecache.dependencies import PAGE_URL_NAMES
from gazeta.pagecache.purge import article_pages, forget_batch, pages_changed

from .conftest import stored

pytestmark = pytest.mark.django_db

SITE_FEEDS = {"/feed/", "/feed/atom/"}
SITEMAPS = {
    "/sitemap.xml",
    "/sitemap/news.xml",
    "/sitemap/articles.xml",
    "/sitemap/sections.xml",
    "/sitemap/tags.xml",
    "/sitemap/authors.xml",
}
CORRECTIONS = {"/corecturi/", "/feed/corecturi/", "/feed/corecturi/atom/"}


def content_type(url: str) -> str:
    if url.endswith((".xml", ".txt")):
        return "application/xml" if url.endswith(".xml") else "text/plain"
    if url.startswith("/feed/"):
        return f"application/{'atom' if url.endswith('/atom/') else 'rss'}+xml; charset=utf-8"
    return "text/html; charset=utf-8"


def listing(kind: str, slug: str) -> set[str]:
    prefix = {"section": "", "tag": "subiect/", "author": "autor/"}[kind]
    feed = {"section": "sectiune", "tag": "subiect", "author": "autor"}[kind]
    return {f"/{prefix}{slug}/", f"/feed/{feed}/{slug}/", f"/feed/{feed}/{slug}/atom/"}


def feeds_of(kind: str, slug: str) -> set[str]:
    return {p for p in listing(kind, slug) if p.startswith("/feed/")}


def archives(article) -> set[str]:
    day = timezone.localtime(article.published_at)
    return {f"/arhiva/{day:%Y}/", f"/arhiva/{day:%Y/%m}/", f"/arhiva/{day:%Y/%m/%d}/"}


@pytest.fixture
def site(page_files):
    """Three published articles in two sections, each with its own topic and author, and
    every public page of them rendered once, so each has a file."""
    now = timezone.now()
    s1 = SectionFactory(name="Local", slug="local")
    s2 = SectionFactory(name="Sport", slug="sport")
    people = [AuthorFactory(slug=f"autor-{n}") for n in range(3)]
    topics = [TagFactory(slug=f"subiect-{n}") for n in range(3)]
    a1 = ArticleFactory(section=s1, authors=[people[0]], published_at=now - timedelta(hours=1))
    a2 = ArticleFactory(section=s2, authors=[people[1]], published_at=now - timedelta(days=400))
    a3 = ArticleFactory(section=s1, authors=[people[2]], published_at=now - timedelta(days=40))
    for article, topic in zip((a1, a2, a3), topics, strict=True):
        article.tags.add(topic)
    urls = {"/", "/robots.txt"} | SITE_FEEDS | SITEMAPS | CORRECTIONS
    for article, section, topic, author in zip(
        (a1, a2, a3), (s1, s2, s1), topics, people, strict=True
    ):
        urls |= {article.get_absolute_url()} | archives(article)
        urls |= listing("section", section.slug) | listing("tag", topic.slug)
        urls |= listing("author", author.slug)
    for url in urls:
        assert resolve(url).view_name in PAGE_URL_NAMES, url
        # What the page holds does not matter here, only that its file exists (the pages
        # themselves are rendered and written in test_middleware).
        marker = files.purge_marker(str(page_files), url)
        assert files.write(
            str(page_files), url, b"x" * 200, [], content_type=content_type(url), marker=marker
        )
    return SimpleNamespace(
        root=page_files, urls=urls, a1=a1, a2=a2, a3=a3, s1=s1, s2=s2, tags=topics, people=people
    )


def gone(site) -> set[str]:
    return {url for url in site.urls if stored(site.root, url) is None}


def pages_of_a1(site) -> set[str]:
    """What shows the first article: its page, the home page, its section, topic and author
    (pages and feeds), its archives, the site feeds and the sitemaps."""
    return (
        {site.a1.get_absolute_url(), "/"}
        | listing("section", "local")
        | listing("tag", "subiect-0")
        | listing("author", "autor-0")
        | archives(site.a1)
        | SITE_FEEDS
        | SITEMAPS
    )


def reload(article) -> Article:
    return Article.objects.select_related("section").get(pk=article.pk)


def test_editing_a_headline_purges_the_pages_showing_the_article(site, committed):
    article = reload(site.a1)
    article.headline = "Titlu schimbat după publicare"
    with committed():
        article_save(article=article)

    assert gone(site) == pages_of_a1(site)


def test_nothing_is_purged_before_commit_nor_after_a_rollback(
    site, committed, django_capture_on_commit_callbacks
):
    article = reload(site.a1)
    article.headline = "Titlu care nu rămâne"
    forget_batch()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article_save(article=article)
        assert gone(site) == set()
    assert callbacks

    with committed() as callbacks:
        try:
            with transaction.atomic():
                article_save(article=article)
                raise RuntimeError("the edit fails")
        except RuntimeError:
            pass
    assert gone(site) == set()


def test_publishing_a_draft_purges_the_lists_it_joins(site, committed):
    draft = DraftFactory(section=site.s2)
    draft.tags.add(site.tags[1])
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
    with committed():
        article_save(article=draft, authors=[site.people[1]])

    assert gone(site) == (
        {"/"}
        | listing("section", "sport")
        | listing("tag", "subiect-1")
        | listing("author", "autor-1")
        | (archives(draft) & site.urls)
        | SITE_FEEDS
        | SITEMAPS
    )


def test_saving_a_draft_purges_nothing(site, committed):
    with committed():
        draft = DraftFactory(section=site.s1)
        draft.tags.add(site.tags[0])
        draft.headline = "Încă în lucru"
        article_save(article=draft, authors=[site.people[0]])

    assert gone(site) == set()


def test_unpublishing_purges_every_page_that_showed_the_article(site, committed):
    article = reload(site.a1)
    article.status, article.published_at = Article.Status.DRAFT, None
    with committed():
        article_save(article=article)

    assert gone(site) == pages_of_a1(site)


def test_a_new_address_purges_the_old_one(site, committed):
    old_url = site.a1.get_absolute_url()
    article = reload(site.a1)
    article.section, article.slug = site.s2, "adresa-noua"
    with committed():
        article_save(article=article)

    assert old_url in gone(site)
    assert gone(site) == pages_of_a1(site) | listing("section", "sport")


def test_a_scheduled_article_going_live_purges_the_pages_it_joins(site, committed):
    scheduled = ArticleFactory(
        section=site.s2,
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(minutes=5),
    )
    assert gone(site) == set()  # not visible yet: nothing to purge

    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    scheduled = reload(scheduled)
    scheduled.status = Article.Status.PUBLISHED  # what the scheduler's worker does
    with committed():
        scheduled.save()

    assert (
        gone(site)
        == {"/"}
        | listing("section", "sport")
        | (archives(scheduled) & site.urls)
        | SITE_FEEDS
        | SITEMAPS
    )


def test_deleting_an_article_purges_the_pages_that_showed_it(site, committed):
    with committed():
        article_delete(article=reload(site.a1))

    assert gone(site) == pages_of_a1(site)


def test_approving_or_removing_a_comment_purges_only_its_article(site, committed):
    held = CommentFactory(article=site.a1, status=Comment.Status.PENDING)
    assert gone(site) == set()  # held: shown nowhere

    with committed():
        comment_approve(comments=[held])
    assert gone(site) == {site.a1.get_absolute_url()}

    assert Client().get(site.a1.get_absolute_url()).status_code == 200
    assert stored(site.root, site.a1.get_absolute_url())
    with committed():
        comment_remove(comments=Comment.objects.filter(pk=held.pk))
    assert gone(site) == {site.a1.get_absolute_url()}


def test_a_correction_purges_its_article_and_the_corrections_list(site, committed):
    with committed():
        Correction.objects.create(article=site.a2, text="Scorul corect a fost 2-1.")

    assert gone(site) == {site.a2.get_absolute_url()} | CORRECTIONS


def test_renaming_a_section_purges_the_pages_showing_its_name_next_to_an_article(site, committed):
    site.s2.name = "Sporturi"
    with committed():
        site.s2.save()

    assert gone(site) == (
        {site.a2.get_absolute_url(), "/"}
        | listing("section", "sport")
        | listing("tag", "subiect-1")
        | listing("author", "autor-1")
        | archives(site.a2)
        | SITE_FEEDS
        | CORRECTIONS
    )


def test_a_new_section_address_purges_every_page_file(site, committed):
    site.s2.slug = "sporturi"
    with committed():
        site.s2.save()

    assert gone(site) == site.urls  # the menu on every page linked to the old address


def test_a_section_description_purges_only_its_own_pages(site, committed):
    site.s2.description = "Rezultate și comentarii."
    with committed():
        site.s2.save()

    assert gone(site) == listing("section", "sport")


def test_renaming_a_topic_purges_its_pages_and_where_its_articles_show_it(site, committed):
    topic = site.tags[0]
    topic.name = "Alt nume"
    with committed():
        topic.save()

    assert gone(site) == (
        {site.a1.get_absolute_url()}
        | listing("tag", "subiect-0")
        | feeds_of("section", "local")
        | feeds_of("author", "autor-0")
        | SITE_FEEDS
    )


def test_renaming_an_author_purges_their_pages_and_their_bylines(site, committed):
    author = site.people[2]
    author.name = "Ioana Popescu-Marin"
    with committed():
        author.save()

    assert gone(site) == (
        {site.a3.get_absolute_url()}
        | listing("author", "autor-2")
        | feeds_of("section", "local")
        | feeds_of("tag", "subiect-2")
        | SITE_FEEDS
    )


def test_a_save_that_changes_nothing_readers_see_purges_nothing(site, committed):
    with committed():
        site.tags[0].save()
        site.people[0].save()
        site.s1.save()

    assert gone(site) == set()


def test_a_workflow_step_purges_nothing(site, committed):
    article = reload(site.a1)
    article.workflow_state = "in_review"
    with committed():
        article.save(update_fields=["workflow_state"])

    assert gone(site) == set()


def test_tagging_an_article_purges_the_topic_it_joins(site, committed):
    with committed():
        site.a2.tags.add(site.tags[2])

    assert gone(site) == (
        {site.a2.get_absolute_url(), "/"}
        | listing("section", "sport")
        | listing("tag", "subiect-1")
        | listing("tag", "subiect-2")
        | listing("author", "autor-1")
        | archives(site.a2)
        | SITE_FEEDS
        | SITEMAPS
    )


def test_code_that_bypasses_signals_calls_pages_changed(site, committed):
    with committed(), transaction.atomic():
        Article.objects.filter(pk=site.a3.pk).update(headline="Schimbat cu update()")
        pages_changed(paths=article_pages(reload(site.a3)))

    assert gone(site) == (
        {site.a3.get_absolute_url(), "/"}
        | listing("section", "local")
        | listing("tag", "subiect-2")
        | listing("author", "autor-2")
        | archives(site.a3)
        | SITE_FEEDS
        | SITEMAPS
    )


def test_home_page_curation_purges_only_the_home_page(site, committed):
    signals = pytest.importorskip("gazeta.frontpage.signals")

    with committed():
        signals.home_page_changed.send(sender=None)

    assert gone(site) == {"/"}


def test_one_transaction_purges_once(site, django_capture_on_commit_callbacks):
    forget_batch()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            for article in (site.a1, site.a2, site.a3):
                article = reload(article)
                article.headline += " (actualizat)"
                article_save(article=article)

    assert len(callbacks) == 1

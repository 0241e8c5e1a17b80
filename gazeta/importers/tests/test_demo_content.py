"""The demo newspaper that ``scripts/demo`` loads: it imports cleanly, twice, and shows every
part of a full article page."""

import pytest
from django.conf import settings

from gazeta.comments.models import Comment
from gazeta.newsroom.models import Article, Section

pytestmark = pytest.mark.django_db

DEMO_FILE = settings.BASE_DIR / "demo" / "articles.jsonl"


def test_demo_content_imports_cleanly_and_again_without_duplicates(import_file):
    first = import_file(DEMO_FILE)
    assert first.exit_code == 0, first.stderr
    articles, comments = Article.objects.count(), Comment.objects.count()

    second = import_file(DEMO_FILE)
    assert second.exit_code == 0, second.stderr
    assert "0 created, 0 updated" in second.stdout
    assert (Article.objects.count(), Comment.objects.count()) == (articles, comments)

    assert Article.objects.published().count() >= 30
    assert Section.objects.filter(articles__isnull=False).distinct().count() >= 5
    assert Article.objects.drafts().exists()
    assert Article.objects.exclude(pk__in=Article.objects.published()).count() >= 2


def test_one_demo_article_has_every_part_of_the_reference_page(import_file, client):
    import_file(DEMO_FILE)
    full = [
        article
        for article in Article.objects.published().prefetch_related("credits", "comments")
        if "<h2>" in article.body
        and "„" in article.body
        and article.credits.count() >= 2
        and any(c.status == Comment.Status.APPROVED for c in article.comments.all())
    ]
    assert full, "no demo article has a subheading, quotes, wire credits and a comment"
    html = client.get(full[0].get_absolute_url()).content.decode()
    assert 'class="article__credit"' in html
    assert 'class="comment"' in html or 'class="comment ' in html

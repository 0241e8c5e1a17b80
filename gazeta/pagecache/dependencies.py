"""Which public addresses show what: the one map from a change to the page files it makes stale.

Only the first page of a paginated list is ever a file (``?page=2`` has a query string), so
list pages are purged by their address alone. To add a page type: name its URL in
``PAGE_URL_NAMES`` and return its address from the functions below for the changes that
touch it (or call ``purge.pages_changed`` from the code that changes it).

Not followed, on purpose (they refresh with ``GAZETA_PAGE_FILES_MAX_AGE``): "Read also" under
other articles and "Most read" on the home page, whose inverse would mean recomputing the lists
of thousands of pages for one edit.
"""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from gazeta.newsroom.models import Article, Author, Section, Tag
from gazeta.newsroom.sitemaps import SITEMAPS

# Views whose anonymous answers may be stored as files.
PAGE_URL_NAMES = frozenset(
    {
        "frontpage:home",
        "newsroom:home",
        "newsroom:section-detail",
        "newsroom:author-detail",
        "newsroom:tag-detail",
        "newsroom:archive-year",
        "newsroom:archive-month",
        "newsroom:archive-day",
        "newsroom:article-detail",
        "newsroom:correction-list",
        "feeds:latest",
        "feeds:latest-atom",
        "feeds:section",
        "feeds:section-atom",
        "feeds:tag",
        "feeds:tag-atom",
        "feeds:author",
        "feeds:author-atom",
        "feeds:corrections",
        "feeds:corrections-atom",
        "sitemap-index",
        "sitemap",
        "sitemap-news",
        "robots-txt",
    }
)


def home_pages() -> set[str]:
    for name in ("frontpage:home", "newsroom:home"):
        try:
            return {reverse(name)}
        except NoReverseMatch:
            continue
    return {"/"}


def site_feed_pages() -> set[str]:
    return {reverse("feeds:latest"), reverse("feeds:latest-atom")}


def sitemap_pages() -> set[str]:
    """The index, every sitemap's first page and the Google News sitemap: the lastmod of
    each moves with any article, section, topic or author change."""
    return {
        reverse("sitemap-index"),
        reverse("sitemap-news"),
        *(reverse("sitemap", kwargs={"section": name}) for name in SITEMAPS),
    }


def correction_pages() -> set[str]:
    return {
        reverse("newsroom:correction-list"),
        reverse("feeds:corrections"),
        reverse("feeds:corrections-atom"),
    }


def section_pages(slug: str) -> set[str]:
    return {
        reverse("newsroom:section-detail", kwargs={"slug": slug}),
        reverse("feeds:section", kwargs={"slug": slug}),
        reverse("feeds:section-atom", kwargs={"slug": slug}),
    }


def tag_pages(slug: str) -> set[str]:
    return {
        reverse("newsroom:tag-detail", kwargs={"slug": slug}),
        reverse("feeds:tag", kwargs={"slug": slug}),
        reverse("feeds:tag-atom", kwargs={"slug": slug}),
    }


def author_pages(slug: str) -> set[str]:
    return {
        reverse("newsroom:author-detail", kwargs={"slug": slug}),
        reverse("feeds:author", kwargs={"slug": slug}),
        reverse("feeds:author-atom", kwargs={"slug": slug}),
    }


def archive_pages(moment) -> set[str]:
    """The year, month and day archives that list an article published at ``moment``."""
    return archive_pages_of_day(timezone.localdate(moment))


def archive_pages_of_day(day) -> set[str]:
    return {
        reverse("newsroom:archive-year", kwargs={"year": day.year}),
        reverse("newsroom:archive-month", kwargs={"year": day.year, "month": day.month}),
        reverse(
            "newsroom:archive-day", kwargs={"year": day.year, "month": day.month, "day": day.day}
        ),
    }


def _feed_pages(article: Article) -> set[str]:
    """Every feed an article is an item of: the site's, its section's, its topics' and its
    authors' (items carry the section, topics and authors by name)."""
    paths = site_feed_pages()
    paths |= {p for p in section_pages(article.section.slug) if p.startswith("/feed/")}
    for tag in article.tags.all():
        paths |= {p for p in tag_pages(tag.slug) if p.startswith("/feed/")}
    for author in article.authors.all():
        paths |= {p for p in author_pages(author.slug) if p.startswith("/feed/")}
    return paths


def article_pages(article: Article) -> set[str]:
    """Every page that shows ``article`` as it is now: its own, the home page, its section's,
    topics' and authors' pages and feeds, its date archives, the site feeds and sitemaps, and
    the corrections list when it has notices. Reads the article's section, tags and authors
    (from the prefetch cache when there is one) and whether it has notices."""
    paths = {article.get_absolute_url()} | home_pages() | site_feed_pages() | sitemap_pages()
    paths |= section_pages(article.section.slug)
    for tag in article.tags.all():
        paths |= tag_pages(tag.slug)
    for author in article.authors.all():
        paths |= author_pages(author.slug)
    if article.published_at:
        paths |= archive_pages(article.published_at)
    if article.corrections.exists():
        paths |= correction_pages()
    return paths


def article_own_and_feed_pages(articles) -> set[str]:
    """For a change that only shows on the article itself and in feed items (a renamed topic,
    author or wire agency): each article's page and every feed it is an item of."""
    paths: set[str] = set()
    for article in articles.select_related("section").prefetch_related("tags", "authors"):
        paths.add(article.get_absolute_url())
        paths |= _feed_pages(article)
    return paths


def section_renamed_pages(ids) -> set[str]:
    """For a section whose name changed: every page that shows the name next to one of its
    articles (the articles themselves, cards on the home page, topic, author and archive
    pages, the corrections list, feed items) and its own pages. Five queries however many
    articles the section has."""
    articles = Article.objects.published().filter(section__in=ids)
    paths = home_pages() | site_feed_pages() | correction_pages()
    for section_slug, slug in articles.values_list("section__slug", "slug").iterator():
        paths.add(
            reverse("newsroom:article-detail", kwargs={"section_slug": section_slug, "slug": slug})
        )
    for slug in Tag.objects.filter(articles__in=articles).distinct().values_list("slug", flat=True):
        paths |= tag_pages(slug)
    for slug in (
        Author.objects.filter(articles__in=articles).distinct().values_list("slug", flat=True)
    ):
        paths |= author_pages(slug)
    days = {
        timezone.localdate(moment)
        for moment in articles.values_list("published_at", flat=True).iterator()
    }
    for day in days:
        paths |= archive_pages_of_day(day)
    paths |= sections_pages(ids)
    return paths


def published_articles():
    return Article.objects.published().select_related("section")


def tags_pages(ids) -> set[str]:
    slugs = Tag.objects.filter(pk__in=ids).values_list("slug", flat=True)
    return {p for slug in slugs for p in tag_pages(slug)}


def authors_pages(ids) -> set[str]:
    slugs = Author.objects.filter(pk__in=ids).values_list("slug", flat=True)
    return {p for slug in slugs for p in author_pages(slug)}


def sections_pages(ids) -> set[str]:
    slugs = Section.objects.filter(pk__in=ids).values_list("slug", flat=True)
    return {p for slug in slugs for p in section_pages(slug)}

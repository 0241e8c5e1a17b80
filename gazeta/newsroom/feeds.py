"""RSS 2.0 and Atom feeds of published articles: the whole site, a section, a topic, an author.

Items carry the lead and the wire credit as their description; with ``GAZETA_FEED_FULL_TEXT``
they also carry the whole text (RSS ``content:encoded``, Atom ``content``). Feeds name authors
but never carry an email address or anything about commenters."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _

from gazeta.core.cache import public_cache

from .models import Article, Author, Correction, Section, Tag
from .structured_data import (
    absolute_url,
    article_author_names,
    article_modified_at,
    home_url,
)

CONTENT_MODULE = "http://purl.org/rss/1.0/modules/content/"


class RssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with each item's update time (``atom:updated``, RSS has no element of its own)
    and the full text in ``content:encoded`` when an item has it."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_MODULE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", feedgenerator.rfc3339_date(item["updateddate"]))
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class AtomFeed(feedgenerator.Atom1Feed):
    """Atom with the full text in ``<content type="html">`` when an item has it."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class LatestArticlesFeed(Feed):
    """The latest published articles of the whole site, as RSS 2.0. Subclasses narrow the
    articles to one section, topic or author; each has an Atom twin."""

    feed_type = RssFeed
    url_name = "feeds:latest"

    def __call__(self, request, *args, **kwargs):
        return public_cache(super().__call__(request, *args, **kwargs))

    # The feed.
    def title(self, obj):
        return settings.GAZETA_SITE_NAME

    def subtitle(self, obj):
        return self.description(obj)

    def description(self, obj):
        return _("The latest news from %(site)s.") % {"site": settings.GAZETA_SITE_NAME}

    def link(self, obj):
        return home_url()

    def feed_url(self, obj):
        kwargs = {"slug": obj.slug} if obj is not None else None
        return absolute_url(reverse(self.url_name, kwargs=kwargs))

    def author_name(self, obj):
        return settings.GAZETA_SITE_NAME

    def feed_copyright(self, obj):
        return f"© {settings.GAZETA_SITE_NAME}"

    def articles(self, obj):
        """The feed's articles, newest first (subclasses narrow it down)."""
        return Article.objects.published().for_detail().order_by("-published_at", "-id")

    def items(self, obj):
        return self.articles(obj)[: settings.GAZETA_FEED_ITEM_COUNT]

    # Each article.
    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return render_to_string("feeds/article_description.html", {"article": article}).strip()

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def item_guid(self, article):
        """Stable across renames and section moves, so readers never show an article twice."""
        host = urlsplit(settings.GAZETA_SITE_URL).hostname
        return f"tag:{host},{article.created_at:%Y-%m-%d}:article:{article.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article_modified_at(article)

    def item_author_name(self, article):
        return article_author_names(article)

    def item_author_link(self, article):
        bylines = article.bylines.all()
        if len(bylines) == 1:
            return absolute_url(bylines[0].author.get_absolute_url())
        return None

    def item_categories(self, article):
        return [article.section.name, *(tag.name for tag in article.tags.all())]

    def item_extra_kwargs(self, article):
        if not settings.GAZETA_FEED_FULL_TEXT:
            return {}
        content = render_to_string("feeds/article_content.html", {"article": article})
        return {"content_html": content.strip()}


class SectionFeed(LatestArticlesFeed):
    url_name = "feeds:section"

    def get_object(self, request, *args, **kwargs):
        return get_object_or_404(Section, slug=kwargs["slug"])

    def title(self, section):
        return f"{section.name} · {settings.GAZETA_SITE_NAME}"

    def description(self, section):
        return _("The latest articles in the %(section)s section of %(site)s.") % {
            "section": section.name,
            "site": settings.GAZETA_SITE_NAME,
        }

    def link(self, section):
        return absolute_url(section.get_absolute_url())

    def articles(self, section):
        return super().articles(section).in_section(section)


class TagFeed(LatestArticlesFeed):
    url_name = "feeds:tag"

    def get_object(self, request, *args, **kwargs):
        return get_object_or_404(Tag, slug=kwargs["slug"])

    def title(self, tag):
        return f"{tag.name} · {settings.GAZETA_SITE_NAME}"

    def description(self, tag):
        return _("The latest articles about %(tag)s in %(site)s.") % {
            "tag": tag.name,
            "site": settings.GAZETA_SITE_NAME,
        }

    def link(self, tag):
        return absolute_url(tag.get_absolute_url())

    def articles(self, tag):
        return super().articles(tag).tagged(tag)


class AuthorFeed(LatestArticlesFeed):
    url_name = "feeds:author"

    def get_object(self, request, *args, **kwargs):
        return get_object_or_404(Author, slug=kwargs["slug"])

    def title(self, author):
        return f"{author.name} · {settings.GAZETA_SITE_NAME}"

    def description(self, author):
        return _("The latest articles by %(author)s in %(site)s.") % {
            "author": author.name,
            "site": settings.GAZETA_SITE_NAME,
        }

    def link(self, author):
        return absolute_url(author.get_absolute_url())

    def articles(self, author):
        return super().articles(author).by_author(author)


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeed
    url_name = "feeds:latest-atom"


class SectionAtomFeed(SectionFeed):
    feed_type = AtomFeed
    url_name = "feeds:section-atom"


class TagAtomFeed(TagFeed):
    feed_type = AtomFeed
    url_name = "feeds:tag-atom"


class AuthorAtomFeed(AuthorFeed):
    feed_type = AtomFeed
    url_name = "feeds:author-atom"


class CorrectionsFeed(Feed):
    """Corrections, clarifications and updates to published articles, newest first."""

    feed_type = RssFeed
    url_name = "feeds:corrections"

    def __call__(self, request, *args, **kwargs):
        return public_cache(super().__call__(request, *args, **kwargs))

    def title(self):
        return _("Corrections · %(site)s") % {"site": settings.GAZETA_SITE_NAME}

    def description(self):
        return _("Corrections, clarifications and updates to %(site)s articles.") % {
            "site": settings.GAZETA_SITE_NAME
        }

    def link(self):
        return absolute_url(reverse("newsroom:correction-list"))

    def feed_url(self):
        return absolute_url(reverse(self.url_name))

    def items(self):
        corrections = Correction.objects.public().select_related("article__section")
        return corrections[: settings.GAZETA_FEED_ITEM_COUNT]

    def item_title(self, correction):
        return f"{correction.get_kind_display()}: {correction.article.headline}"

    def item_description(self, correction):
        return correction.text

    def item_link(self, correction):
        return absolute_url(correction.get_absolute_url())

    def item_guid(self, correction):
        host = urlsplit(settings.GAZETA_SITE_URL).hostname
        return f"tag:{host},{correction.published_at:%Y-%m-%d}:correction:{correction.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, correction):
        return correction.published_at


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = AtomFeed
    url_name = "feeds:corrections-atom"

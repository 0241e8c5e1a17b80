"""Article lists shown beside other content: "Read also" under an article, "Most read"."""

from django import template

from ..selectors import article_related, articles_most_read

register = template.Library()

RELATED_COUNT = 4
MOST_READ_COUNT = 5
MOST_READ_HOURS = 24


@register.inclusion_tag("components/related.html")
def related_articles(article):
    """Articles to read next under ``article`` (two queries, see ``article_related``)."""
    return {"articles": article_related(article=article, limit=RELATED_COUNT)}


@register.inclusion_tag("components/most_read.html")
def most_read_articles():
    """The most read articles of the last day (one query, see ``articles_most_read``)."""
    return {"articles": articles_most_read(limit=MOST_READ_COUNT, hours=MOST_READ_HOURS)}

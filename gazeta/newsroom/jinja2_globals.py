"""What the newsroom's Jinja2 templates call (see ``gazeta/core/jinja2.py``)."""

from django.utils import dateformat
from django.utils.translation import get_language

from . import structured_data
from .selectors import article_related, articles_most_read

RELATED_COUNT = 4
MOST_READ_COUNT = 5
MOST_READ_HOURS = 24


def related_articles(article):
    """Articles to read next under ``article`` (two queries, see ``article_related``)."""
    return article_related(article=article, limit=RELATED_COUNT)


def most_read_articles():
    """The most read articles of the last day (one query, see ``articles_most_read``)."""
    return articles_most_read(limit=MOST_READ_COUNT, hours=MOST_READ_HOURS)


def archive_date(value, format_string: str) -> str:
    """A date in Django's ``date`` format, month and weekday names written as the language
    writes them: Django's Romanian locale capitalises them ("Noiembrie"), Romanian doesn't."""
    if not value:
        return ""
    text = dateformat.format(value, format_string)
    return text.lower() if (get_language() or "").startswith("ro") else text


def article_structured_data(article):
    """NewsArticle and BreadcrumbList for an article page."""
    return structured_data.jsonld_script(
        structured_data.article_jsonld(article)
    ) + structured_data.jsonld_script(structured_data.article_breadcrumbs_jsonld(article))


def home_structured_data():
    """WebSite (with its search action) and the NewsMediaOrganization behind it."""
    return structured_data.jsonld_script(
        structured_data.website_jsonld()
    ) + structured_data.jsonld_script(structured_data.organization_jsonld())


def register(env) -> None:
    env.globals.update(
        related_articles=related_articles,
        most_read_articles=most_read_articles,
        article_structured_data=article_structured_data,
        home_structured_data=home_structured_data,
        og_locale=structured_data.og_locale,
        publisher_logo_url=structured_data.publisher_logo_url,
        article_image_url=structured_data.article_image_url,
    )
    env.filters.update(
        archive_date=archive_date,
        absolute_url=lambda path: structured_data.absolute_url(str(path)),
        w3c_datetime=lambda value: structured_data.w3c_datetime(value) if value else "",
        modified_at=structured_data.article_modified_at,
        jsonld=structured_data.jsonld_script,
    )

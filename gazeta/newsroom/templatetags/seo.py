"""Tags for the ``<head>``: JSON-LD, OpenGraph values and absolute addresses. None of them
runs a query: an article's bylines, credits and tags come prefetched by ``for_detail()``."""

from django import template

from gazeta.newsroom import structured_data

register = template.Library()


@register.filter
def absolute_url(path):
    return structured_data.absolute_url(str(path))


@register.filter
def w3c_datetime(value):
    return structured_data.w3c_datetime(value) if value else ""


@register.filter
def modified_at(article):
    return structured_data.article_modified_at(article)


@register.filter
def jsonld(data):
    """``data`` as a JSON-LD script element; a ``</script>`` inside a value cannot end it."""
    return structured_data.jsonld_script(data)


@register.simple_tag
def og_locale():
    return structured_data.og_locale()


@register.simple_tag
def publisher_logo_url():
    return structured_data.publisher_logo_url()


@register.simple_tag
def article_image_url(article):
    return structured_data.article_image_url(article)


@register.simple_tag
def article_structured_data(article):
    """NewsArticle and BreadcrumbList for an article page."""
    return structured_data.jsonld_script(
        structured_data.article_jsonld(article)
    ) + structured_data.jsonld_script(structured_data.article_breadcrumbs_jsonld(article))


@register.simple_tag
def home_structured_data():
    """WebSite (with its search action) and the NewsMediaOrganization behind it."""
    return structured_data.jsonld_script(
        structured_data.website_jsonld()
    ) + structured_data.jsonld_script(structured_data.organization_jsonld())

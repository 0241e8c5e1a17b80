"""The article admin form as a browser posts it, for tests that drive the admin."""

from gazeta.newsroom.models import Article


def article_form(article: Article, *, release: bool = False, **overrides) -> dict:
    """The change (or add) form of ``article`` with its bylines. The release inputs
    (publication time, open comments) only with ``release``: a reporter's form has none,
    so a reporter posting one is forging it."""
    bylines = list(article.bylines.order_by("position")) if article.pk else []
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "section": article.section_id,
        "standfirst": article.standfirst,
        "body": article.body,
        "external_id": "",
        "bylines-TOTAL_FORMS": len(bylines),
        "bylines-INITIAL_FORMS": len(bylines),
        "credits-TOTAL_FORMS": 0,
        "credits-INITIAL_FORMS": 0,
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
    }
    for i, byline in enumerate(bylines):
        data |= {
            f"bylines-{i}-id": byline.pk,
            f"bylines-{i}-article": article.pk,
            f"bylines-{i}-author": byline.author_id,
            f"bylines-{i}-position": byline.position,
        }
    if release:
        if article.comments_open:
            data["comments_open"] = "on"
        if article.published_at:
            local = article.published_at.astimezone()
            data["published_at_0"] = f"{local:%Y-%m-%d}"
            data["published_at_1"] = f"{local:%H:%M:%S}"
    return data | overrides

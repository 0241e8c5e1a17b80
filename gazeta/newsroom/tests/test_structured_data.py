"""JSON-LD (schema.org), OpenGraph and Twitter card tags on article pages and the home page,
read back with extruct and checked field by field."""

import json
from datetime import timedelta

import extruct
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.template import engines
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gazeta.newsroom.models import Agency, Article
from gazeta.newsroom.services import article_save
from gazeta.newsroom.structured_data import _png_size, jsonld_script

from .factories import (
    AgencyFactory,
    ArticleFactory,
    AuthorFactory,
    DeskFactory,
    DraftFactory,
    SectionFactory,
    TagFactory,
)
from .html import parse

pytestmark = pytest.mark.django_db

SITE = "https://www.gazeta.test"
LOGO = f"{SITE}/static/img/gazeta-logo.png"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.GAZETA_SITE_URL = SITE


def absolute(path: str) -> str:
    return f"{SITE}{path}"


def iso(value) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def extract(response) -> dict:
    assert response.status_code == 200
    html = response.content.decode()
    data = extruct.extract(html, base_url=SITE, syntaxes=["json-ld", "opengraph"], uniform=False)
    by_type = {}
    for item in data["json-ld"]:
        assert item["@context"] == "https://schema.org"
        assert item["@type"] not in by_type, f"two {item['@type']} blocks"
        by_type[item["@type"]] = item
    (opengraph,) = data["opengraph"] or [{"properties": []}]
    return {"jsonld": by_type, "og": opengraph["properties"], "html": parse(html)}


def meta_names(tree) -> dict[str, str]:
    return {m["name"]: m["content"] for m in tree.find_all("meta") if m.get("name")}


@pytest.fixture
def article(now):
    section = SectionFactory(name="Externe", slug="externe")
    reporter = AuthorFactory(name="Ana Pop", slug="ana-pop")
    article = ArticleFactory(
        headline="Summitul de la Bruxelles s-a încheiat",
        slug="summitul-de-la-bruxelles",
        section=section,
        standfirst="Liderii europeni au convenit asupra bugetului.",
        published_at=now - timedelta(hours=3),
        authors=[reporter, DeskFactory()],
        agencies=[
            AgencyFactory(name="AFP", slug="afp"),
            AgencyFactory(),
        ],
    )
    Agency.objects.filter(slug="afp").update(url="https://www.afp.com/")
    article.tags.set([TagFactory(name="Uniunea Europeană"), TagFactory(name="Buget")])
    return article


def test_article_page_has_a_complete_news_article(client, article, now):
    jsonld = extract(client.get(article.get_absolute_url()))["jsonld"]
    news = jsonld["NewsArticle"]
    url = absolute(article.get_absolute_url())
    assert news["headline"] == "Summitul de la Bruxelles s-a încheiat"
    assert news["description"] == "Liderii europeni au convenit asupra bugetului."
    assert news["url"] == url
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["datePublished"] == "2024-11-01T14:21:00+02:00"
    assert news["dateModified"] == "2024-11-01T14:21:00+02:00"
    assert news["author"] == [
        {"@type": "Person", "name": "Ana Pop", "url": absolute("/autor/ana-pop/")},
        {
            "@type": "Organization",
            "name": "Redacția Gazeta",
            "url": absolute("/autor/redactia-gazeta/"),
        },
    ]
    assert news["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "Gazeta",
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": LOGO, "width": 512, "height": 512},
    }
    assert news["articleSection"] == "Externe"
    assert news["inLanguage"] == "ro"
    assert news["isAccessibleForFree"] is True
    assert news["keywords"] == ["Buget", "Uniunea Europeană"]
    assert news["sourceOrganization"] == [
        {"@type": "Organization", "name": "AFP", "url": "https://www.afp.com/"},
        {"@type": "Organization", "name": "Agerpres"},
    ]
    # No picture in the body: the site's logo stands in until the media library lands.
    assert news["image"] == [LOGO]


def test_first_body_image_is_the_article_image(client, now):
    article = ArticleFactory(
        body='<p>Text.</p><figure><img src="/media/pod.jpg" alt="Podul"></figure>'
        '<img src="https://foto.example/2.jpg" alt="">'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    news = extract(client.get(article.get_absolute_url()))["jsonld"]["NewsArticle"]
    assert news["image"] == [absolute("/media/pod.jpg")]
    assert f'<meta property="og:image" content="{absolute("/media/pod.jpg")}">' in html


def test_canonical_link_matches_the_structured_data_url(client, article):
    tree = extract(client.get(article.get_absolute_url()))["html"]
    (canonical,) = tree.find_all("link", rel="canonical")
    assert canonical["href"] == absolute(article.get_absolute_url())


def test_article_page_has_a_breadcrumb_trail(client, article):
    breadcrumbs = extract(client.get(article.get_absolute_url()))["jsonld"]["BreadcrumbList"]
    assert breadcrumbs["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "Prima pagină", "item": absolute("/")},
        {"@type": "ListItem", "position": 2, "name": "Externe", "item": absolute("/externe/")},
        {
            "@type": "ListItem",
            "position": 3,
            "name": "Summitul de la Bruxelles s-a încheiat",
            "item": absolute(article.get_absolute_url()),
        },
    ]


def test_revised_article_gives_its_update_time(client, article, now, time_machine):
    time_machine.move_to(now + timedelta(minutes=30), tick=False)
    article.body = "<p>Textul a fost completat.</p>"
    article_save(article=article)
    page = extract(client.get(article.get_absolute_url()))
    assert page["jsonld"]["NewsArticle"]["datePublished"] == "2024-11-01T14:21:00+02:00"
    assert page["jsonld"]["NewsArticle"]["dateModified"] == "2024-11-01T17:51:00+02:00"
    assert ("article:modified_time", "2024-11-01T17:51:00+02:00") in page["og"]


def test_long_lead_is_cut_like_the_meta_description(client, now):
    lead = " ".join(f"cuvânt{i}" for i in range(60))
    article = ArticleFactory(standfirst=lead)
    page = extract(client.get(article.get_absolute_url()))
    description = page["jsonld"]["NewsArticle"]["description"]
    assert description == " ".join(lead.split()[:40]) + " …"
    assert dict(page["og"])["og:description"] == description
    assert meta_names(page["html"])["description"] == description


def test_article_without_byline_or_credit_is_signed_by_the_desk(client, now):
    article = ArticleFactory()
    news = extract(client.get(article.get_absolute_url()))["jsonld"]["NewsArticle"]
    assert news["author"] == [
        {"@type": "Organization", "name": "Redacția Gazeta", "url": absolute("/")}
    ]
    assert "sourceOrganization" not in news
    assert "keywords" not in news


def test_article_page_has_opengraph_and_twitter_card_tags(client, article):
    page = extract(client.get(article.get_absolute_url()))
    og = page["og"]
    single = {name: value for name, value in og if name != "article:tag"}
    assert single == {
        "og:type": "article",
        "og:site_name": "Gazeta",
        "og:locale": "ro_RO",
        "og:title": "Summitul de la Bruxelles s-a încheiat",
        "og:description": "Liderii europeni au convenit asupra bugetului.",
        "og:url": absolute(article.get_absolute_url()),
        "og:image": LOGO,
        "article:published_time": "2024-11-01T14:21:00+02:00",
        "article:modified_time": "2024-11-01T14:21:00+02:00",
        "article:section": "Externe",
    }
    assert len(single) == len(og) - 2, "a property appears twice"
    assert [value for name, value in og if name == "article:tag"] == [
        "Buget",
        "Uniunea Europeană",
    ]
    twitter = {k: v for k, v in meta_names(page["html"]).items() if k.startswith("twitter:")}
    assert twitter == {
        "twitter:card": "summary",
        "twitter:title": "Summitul de la Bruxelles s-a încheiat",
        "twitter:description": "Liderii europeni au convenit asupra bugetului.",
    }


def test_headline_cannot_break_out_of_the_json_ld_script(client, now):
    headline = 'Atac </script><script>alert("x")</script> & <!-- „ghilimele”'
    article = ArticleFactory(headline=headline, standfirst="</SCRIPT><img src=x onerror=alert(1)>")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert html.count("<script") == html.count("</script>") == 2
    news = extract(response)["jsonld"]["NewsArticle"]
    assert news["headline"] == headline
    assert news["description"] == "</SCRIPT><img src=x onerror=alert(1)>"


def test_jsonld_script_escapes_everything_that_could_end_the_script():
    script = jsonld_script({"a": "</script><!-- & \u2028"})
    body = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not {"<", ">", "&", "\u2028"} & set(body)
    assert json.loads(body) == {"a": "</script><!-- & \u2028"}


def test_jsonld_filter_renders_a_safe_script_in_templates():
    html = (
        engines["jinja2"].from_string("{{ data|jsonld }}").render({"data": {"name": "</script>x"}})
    )
    assert html == '<script type="application/ld+json">{"name":"\\u003C/script\\u003Ex"}</script>'


def test_staff_preview_of_a_draft_has_structured_data_without_dates(editor_client, now):
    draft = DraftFactory(headline="Ciornă în lucru")
    response = editor_client.get(draft.get_absolute_url())
    news = extract(response)["jsonld"]["NewsArticle"]
    assert news["headline"] == "Ciornă în lucru"
    assert "datePublished" not in news and "dateModified" not in news
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_home_page_has_website_with_search_action_and_the_organization(client, db):
    page = extract(client.get(reverse("frontpage:home")))
    website = page["jsonld"]["WebSite"]
    assert website["name"] == "Gazeta"
    assert website["url"] == absolute("/")
    assert website["inLanguage"] == "ro"
    assert website["potentialAction"] == {
        "@type": "SearchAction",
        "target": {
            "@type": "EntryPoint",
            "urlTemplate": absolute("/cauta/?q={search_term_string}"),
        },
        "query-input": "required name=search_term_string",
    }
    organization = page["jsonld"]["NewsMediaOrganization"]
    assert organization["name"] == "Gazeta"
    assert organization["url"] == absolute("/")
    assert organization["logo"]["url"] == LOGO
    og = dict(page["og"])
    assert og["og:type"] == "website"
    assert og["og:url"] == absolute("/")
    assert og["og:site_name"] == "Gazeta"


def test_search_action_template_leads_to_the_search_page(client, db):
    template = extract(client.get(reverse("frontpage:home")))["jsonld"]["WebSite"][
        "potentialAction"
    ]["target"]["urlTemplate"]
    path = template.removeprefix(SITE).replace("{search_term_string}", "diplomatie")
    assert client.get(path).status_code == 200


def test_other_pages_share_as_the_site(client, db):
    section = SectionFactory(slug="sport")
    page = extract(client.get(section.get_absolute_url()))
    assert page["jsonld"] == {}
    og = dict(page["og"])
    assert og["og:type"] == "website"
    assert og["og:url"] == absolute("/sport/")
    assert og["og:locale"] == "ro_RO"


def test_publisher_logo_is_a_png_google_accepts():
    path = finders.find("img/gazeta-logo.png")
    assert path
    width, height = _png_size("img/gazeta-logo.png")
    assert width >= 112 and height >= 112


def test_publisher_logo_can_be_an_absolute_address(client, settings, now):
    settings.GAZETA_PUBLISHER_LOGO = "https://cdn.gazeta.test/sigla.png"
    article = ArticleFactory()
    news = extract(client.get(article.get_absolute_url()))["jsonld"]["NewsArticle"]
    assert news["publisher"]["logo"] == {
        "@type": "ImageObject",
        "url": "https://cdn.gazeta.test/sigla.png",
    }


def test_head_tags_run_no_queries_once_the_article_is_loaded(article, rf):
    loaded = Article.objects.for_detail().with_public_corrections().get(pk=article.pk)
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string(
            "components/seo_article.html", {"article": loaded, "site_name": "Gazeta"}
        )
    assert len(queries) == 0
    assert "NewsArticle" in html and "article:tag" in html

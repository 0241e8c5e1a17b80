"""Library images on public pages: the featured image with its renditions' ``srcset``,
caption and credit; cards; body figures from the editor; JSON-LD and OpenGraph; no extra
queries; the files served with long cache lifetimes."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gazeta.media.services import image_delete, image_renditions_make
from gazeta.newsroom.structured_data import absolute_url
from gazeta.newsroom.tests.factories import ArticleFactory, SectionFactory
from gazeta.newsroom.tests.html import parse

from .factories import ImageFactory, RenderedImageFactory

pytestmark = pytest.mark.django_db

RENDITION = re.compile(r"/media/images/renditions/\d+/(\d+)w-[0-9a-f]{12}\.webp")


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, parse(response.content.decode())


def news_article_jsonld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return next(d for d in map(json.loads, blocks) if d.get("@type") == "NewsArticle")


def srcset_widths(srcset: str) -> list[int]:
    return [int(m.group(1)) for m in RENDITION.finditer(srcset)]


def test_article_page_shows_the_featured_image_with_its_renditions_and_credit(client):
    image = RenderedImageFactory(width=1000, height=600, caption="Podul, la inaugurare.")
    article = ArticleFactory(featured_image=image)

    _, tree = page(client, article.get_absolute_url())

    figure = tree.find("figure", class_="article__figure")
    img = figure.find("img")
    assert srcset_widths(img["srcset"]) == [320, 640, 960]
    assert [w for w in img["srcset"].split(", ") if w.endswith(" 960w")]
    assert img["sizes"] == "(min-width: 44rem) 42rem, 100vw"
    assert (img["width"], img["height"], img["alt"]) == ("1000", "600", image.alt_text)
    assert img["loading"] == "eager" and img["fetchpriority"] == "high"
    assert RENDITION.fullmatch(img["src"])
    caption = figure.find("figcaption")
    assert "Podul, la inaugurare." in caption.text
    assert "Ana Pop / Agerpres" in caption.find("span", class_="credit").text


def test_until_renditions_exist_the_page_shows_the_original(client):
    image = ImageFactory(width=1000, height=600, caption="", photographer="", agency="")
    article = ArticleFactory(featured_image=image)

    _, tree = page(client, article.get_absolute_url())

    img = tree.find("figure", class_="article__figure").find("img")
    assert img["src"] == image.url and "srcset" not in img.attrs
    assert not tree.find("figure", class_="article__figure").find_all("figcaption")


def test_avif_renditions_go_in_a_picture_source(client, settings):
    settings.GAZETA_IMAGE_AVIF = True
    settings.GAZETA_IMAGE_RENDITION_WIDTHS = (320, 640)
    article = ArticleFactory(featured_image=RenderedImageFactory(width=1000, height=600))

    _, tree = page(client, article.get_absolute_url())

    picture = tree.find("figure", class_="article__figure").find("picture")
    source = picture.find("source")
    assert source["type"] == "image/avif" and source["srcset"].count(".avif") == 2
    assert picture.find("img")["srcset"].count(".webp") == 2


def test_featured_image_costs_the_article_page_no_query(client):
    section = SectionFactory()
    plain = ArticleFactory(section=section)
    illustrated = ArticleFactory(section=section, featured_image=RenderedImageFactory())

    counts = []
    for article in (plain, illustrated):
        with CaptureQueriesContext(connection) as queries:
            page(client, article.get_absolute_url())
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_section_cards_show_featured_images_without_extra_queries(client):
    section = SectionFactory()
    ArticleFactory.create_batch(3, section=section)
    with CaptureQueriesContext(connection) as plain:
        page(client, section.get_absolute_url())
    for article in section.articles.all():
        article.featured_image = RenderedImageFactory()
        article.save()

    with CaptureQueriesContext(connection) as illustrated:
        _, tree = page(client, section.get_absolute_url())

    assert len(illustrated) == len(plain)
    images = tree.find_all("img", class_="card__image")
    assert len(images) == 3
    assert all(srcset_widths(img["srcset"]) == [320, 640, 960] for img in images)
    assert all(img["loading"] == "lazy" for img in images)


def test_jsonld_and_og_image_are_the_largest_rendition_as_absolute_address(client):
    image = RenderedImageFactory(width=2000, height=1000, caption="Gara de Nord")
    article = ArticleFactory(featured_image=image)

    response, _ = page(client, article.get_absolute_url())
    html = response.content.decode()

    largest = image.largest_rendition()
    assert largest.width == 1600
    expected = absolute_url(largest.url)
    assert expected.startswith("http")
    assert news_article_jsonld(html)["image"] == [
        {
            "@type": "ImageObject",
            "url": expected,
            "contentUrl": expected,
            "width": 1600,
            "height": 800,
            "caption": "Gara de Nord",
            "creditText": "Ana Pop / Agerpres",
        }
    ]
    assert f'<meta property="og:image" content="{expected}">' in html


def test_jsonld_image_without_renditions_is_the_original(client):
    image = ImageFactory(width=800, height=600, caption="")
    article = ArticleFactory(featured_image=image)

    response, _ = page(client, article.get_absolute_url())

    data = news_article_jsonld(response.content.decode())["image"][0]
    assert (data["url"], data["width"], data["caption"]) == (
        absolute_url(image.url),
        800,
        image.alt_text,
    )


def test_body_figure_from_the_library_becomes_a_responsive_picture_with_credit(
    client, django_assert_max_num_queries
):
    image = RenderedImageFactory(width=1000, height=600, photographer="Ion Ionescu", agency="")
    body = (
        "<p>Primul paragraf.</p>"
        f'<figure><img src="{image.url}" alt="Podul văzut de pe mal" data-file="{image.pk}">'
        "<figcaption>Podul, dimineața</figcaption></figure>"
        "<p>Ultimul paragraf.</p>"
    )
    article = ArticleFactory(body=body)

    _, tree = page(client, article.get_absolute_url())

    body_tree = tree.find("div", class_="article__body")
    img = body_tree.find("figure").find("img")
    assert srcset_widths(img["srcset"]) == [320, 640, 960]
    assert img["alt"] == "Podul văzut de pe mal"  # the editor's words win over the library's
    assert "data-file" not in img.attrs and img["loading"] == "lazy"
    caption = body_tree.find("figcaption")
    assert caption.text.startswith("Podul, dimineața")
    assert "Ion Ionescu" in caption.find("span", class_="credit").text


def test_body_library_images_cost_one_query_however_many(client):
    images = [RenderedImageFactory() for _ in range(3)]
    one = ArticleFactory(
        body=f'<figure><img src="/x.jpg" alt="a" data-file="{images[0].pk}"></figure>'
    )
    many = ArticleFactory(
        body="".join(
            f'<figure><img src="/x.jpg" alt="a" data-file="{i.pk}"></figure>' for i in images
        )
    )
    plain = ArticleFactory(section=one.section)
    counts = {}
    for name, article in {"plain": plain, "one": one, "many": many}.items():
        with CaptureQueriesContext(connection) as queries:
            _, tree = page(client, article.get_absolute_url())
        counts[name] = len(queries)
        if name == "many":
            assert len(tree.find("div", class_="article__body").find_all("img")) == 3

    assert counts["one"] == counts["many"] == counts["plain"] + 1


def test_a_figure_whose_image_was_deleted_from_the_library_disappears(client):
    image = RenderedImageFactory()
    article = ArticleFactory(
        body=f'<p>Text.</p><figure><img src="{image.url}" alt="x" data-file="{image.pk}">'
        "<figcaption>Legenda</figcaption></figure>"
    )
    image_delete(image=image)

    _, tree = page(client, article.get_absolute_url())

    body = tree.find("div", class_="article__body")
    assert body.find_all("figure") == [] and "Legenda" not in body.text
    assert body.find("p").text == "Text."


def test_deleting_the_featured_image_leaves_the_article_without_one(client):
    image = RenderedImageFactory()
    article = ArticleFactory(featured_image=image)

    image_delete(image=image)

    article.refresh_from_db()
    assert article.featured_image is None
    _, tree = page(client, article.get_absolute_url())
    assert tree.find_all("figure", class_="article__figure") == []


# Serving the files.


def test_renditions_are_served_with_a_one_year_immutable_cache(client):
    image = RenderedImageFactory()
    rendition = image.rendition_list()[0]

    response = client.get(rendition.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
    original = client.get(image.url)
    assert original.status_code == 200 and original["Content-Type"] == "image/jpeg"
    assert original["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_conditional_request_for_a_rendition_gets_304(client):
    rendition = RenderedImageFactory().rendition_list()[0]
    first = client.get(rendition.url)

    again = client.get(rendition.url, headers={"if-modified-since": first["Last-Modified"]})

    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    ["/media/images/lipsa.webp", "/media/../gazeta/settings/base.py", "/media/%2e%2e/secret"],
)
def test_missing_files_and_escapes_from_the_media_folder_are_404(client, path):
    assert client.get(path).status_code == 404


def test_media_are_not_served_when_the_web_server_does_it(client, settings):
    rendition = RenderedImageFactory().rendition_list()[0]
    settings.GAZETA_SERVE_MEDIA = False

    assert client.get(rendition.url).status_code == 404


def test_renditions_made_after_publication_reach_the_page(client):
    image = ImageFactory(width=1000, height=600)
    article = ArticleFactory(featured_image=image)
    _, before = page(client, article.get_absolute_url())
    assert "srcset" not in before.find("figure", class_="article__figure").find("img").attrs

    image_renditions_make(image=image)

    _, after = page(client, article.get_absolute_url())
    assert srcset_widths(after.find("figure", class_="article__figure").find("img")["srcset"])

"""Real-browser smoke test: the home page and an article page in Chromium, on a phone and a
desktop viewport, with full-page screenshots and an axe-core audit that must find nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from gazeta.comments.models import Comment
from gazeta.newsroom.tests.factories import (
    AgencyFactory,
    ArticleFactory,
    AuthorFactory,
    DeskFactory,
    SectionFactory,
)

pytestmark = pytest.mark.browser

PUBLISHED_AT = datetime(2024, 11, 1, 15, 21, tzinfo=UTC)  # 17:21 in Bucharest
BODY = (
    "<p>Consiliul Județean a aprobat marți, cu 28 de voturi pentru, bugetul pe anul viitor. "
    "Cea mai mare parte a banilor merge spre drumurile județene și spre spitale.</p>"
    "<p>„Este un buget de dezvoltare, nu unul de consum”, a declarat președintele "
    "consiliului după ședință.</p>"
    "<h2>1.200 de kilometri de drum, reparați în trei ani</h2>"
    "<p>Programul de reparații cuprinde:</p>"
    "<ul><li>asfaltarea a 14 drumuri comunale;</li><li>două poduri noi peste Bahlui;</li>"
    "<li>iluminat public în 30 de sate.</li></ul>"
    "<blockquote><p>„Vrem ca orice sat să fie la cel mult 30 de minute de un spital”, "
    "a spus directorul direcției tehnice.</p></blockquote>"
    "<h3>Ce urmează</h3>"
    "<p>Bugetul intră în vigoare după publicarea în Monitorul Oficial Local.</p>"
)


@pytest.fixture
def newsroom():
    """A small front page: three sections, a featured story with wire credits and comments."""
    local = SectionFactory(name="Local", slug="local", position=1)
    world = SectionFactory(name="Internațional", slug="international", position=2)
    economy = SectionFactory(name="Economie", slug="economie", position=3)
    desk = DeskFactory()
    reporter = AuthorFactory(name="Ana Popescu", slug="ana-popescu")
    article = ArticleFactory(
        headline="Consiliul Județean a votat bugetul: drumuri și spitale, pe primul loc",
        slug="consiliul-judetean-a-votat-bugetul",
        section=local,
        standfirst=(
            "Consilierii județeni au aprobat marți bugetul pe anul viitor, cu 1,2 miliarde "
            "de lei pentru investiții în drumuri și spitale."
        ),
        body=BODY,
        published_at=PUBLISHED_AT,
        revised_at=PUBLISHED_AT + timedelta(hours=2),
        is_featured=True,
        authors=[reporter, desk],
        agencies=[AgencyFactory(name="AFP", slug="afp"), AgencyFactory()],
    )
    for hours, (section, headline) in enumerate(
        [
            (world, "Alegeri anticipate în Olanda după căderea guvernului"),
            (economy, "Inflația a scăzut pentru a treia lună la rând"),
            (local, "Tramvaiele circulă din nou pe linia 3 după șase luni de lucrări"),
            (world, "Summitul de la Bruxelles se încheie fără un acord pe buget"),
            (economy, "Prețul pâinii rămâne neschimbat până la sfârșitul anului"),
            (local, "Festivalul de teatru aduce 40 de spectacole în centrul orașului"),
            (world, "Ninsori abundente blochează drumurile din nordul Italiei"),
            (economy, "Fabrica de mobilă din Pașcani angajează încă 200 de oameni"),
            (local, "Parcul din Copou se închide două săptămâni pentru toaletarea copacilor"),
            (world, "Negocierile pentru clima planetei se prelungesc cu o zi"),
            (economy, "Benzina se ieftinește cu 10 bani pe litru"),
            (local, "Școala din Tătărași primește laboratoare noi de informatică"),
            (world, "Parlamentul European votează noile reguli pentru roaming"),
        ],
        start=1,
    ):
        ArticleFactory(
            headline=headline,
            section=section,
            standfirst=f"{headline}, anunță corespondenții noștri. Detalii în articol.",
            published_at=PUBLISHED_AT - timedelta(hours=hours),
            authors=[desk],
        )
    first = Comment.objects.create(
        article=article,
        name="Mihai",
        email="mihai@example.com",
        body="Sa vedem daca se si face ceva din toate astea.",
        status=Comment.Status.APPROVED,
        created_at=PUBLISHED_AT + timedelta(minutes=40),
    )
    Comment.objects.create(
        article=article,
        parent=first,
        name="Elena",
        email="elena@example.com",
        body="Podul de la ieșirea din oraș e deja în lucru.",
        status=Comment.Status.APPROVED,
        created_at=PUBLISHED_AT + timedelta(minutes=55),
    )
    Comment.objects.create(
        article=article,
        name="Anonim",
        email="anonim@example.com",
        body="Mesaj care așteaptă moderarea.",
        status=Comment.Status.PENDING,
    )
    return article


def audit(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def assert_fits_viewport(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def test_home_page_shows_the_front_and_passes_axe(
    live_server, page, viewport_name, newsroom, screenshot_dir
):
    page.goto(live_server.url + "/")

    assert page.locator("html").get_attribute("lang") == "ro"
    assert page.locator("h1").count() == 1
    top = page.locator(".front__top .card__title")
    assert top.inner_text() == newsroom.headline
    assert page.get_by_role("heading", name="Ultimele știri").is_visible()
    # The section blocks below the top story; the decorative arrow is not part of the name.
    assert page.get_by_role("heading", name="Economie", exact=True).is_visible()
    assert (
        page.get_by_role("navigation", name="Secțiuni")
        .get_by_role("link", name="Internațional")
        .is_visible()
    )
    assert_fits_viewport(page)
    page.screenshot(path=screenshot_dir / f"home-{viewport_name}.png", full_page=True)
    audit(page)


def test_article_page_shows_the_story_and_comments_and_passes_axe(
    live_server, page, viewport_name, newsroom, screenshot_dir
):
    page.goto(live_server.url + newsroom.get_absolute_url())

    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == newsroom.headline
    breadcrumb = page.get_by_role("navigation", name="Fir de navigare")
    assert (
        " ".join(breadcrumb.inner_text().split()) == f"Prima pagină » Local » {newsroom.headline}"
    )
    assert page.locator("time.dateline").inner_text() == "01 nov. 2024, 17:21"
    assert page.locator(".updated").inner_text() == "actualizat 01 nov. 2024, 19:21"
    assert page.locator(".byline").inner_text() == "Ana Popescu și Redacția Gazeta în Local"
    assert page.locator(".article__lead").inner_text() == newsroom.standfirst
    assert page.locator(".article__credit").inner_text() == "Sursa: AFP, prin Agerpres"
    assert page.get_by_role("heading", name="1.200 de kilometri de drum").is_visible()
    comments = page.locator("#comentarii")
    assert comments.get_by_role("heading", level=2).inner_text() == "Comentarii (2 comentarii)"
    assert comments.locator(".comment").count() == 2
    assert "Mesaj care așteaptă moderarea." not in comments.inner_text()
    assert comments.get_by_role("heading", name="Lasă un răspuns").is_visible()
    assert "Adresa ta de email nu va fi publicată." in comments.inner_text()
    assert page.get_by_role("textbox", name="Comentariu").is_editable()
    assert_fits_viewport(page)
    page.screenshot(path=screenshot_dir / f"article-{viewport_name}.png", full_page=True)
    audit(page)


def test_section_front_lists_its_articles_and_passes_axe(
    live_server, page, viewport_name, newsroom, screenshot_dir
):
    page.goto(live_server.url + newsroom.section.get_absolute_url())

    assert page.locator("h1").inner_text() == "Local"
    assert page.locator(".card").first.locator(".card__title").inner_text() == newsroom.headline
    current = page.get_by_role("navigation", name="Secțiuni").locator("[aria-current=page]")
    assert current.inner_text().casefold() == "local"
    assert_fits_viewport(page)
    page.screenshot(path=screenshot_dir / f"section-{viewport_name}.png", full_page=True)
    audit(page)


def test_not_found_page_is_a_styled_romanian_page_that_passes_axe(
    live_server, page, viewport_name, screenshot_dir
):
    response = page.goto(live_server.url + "/nu-exista/deloc/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "Pagina nu a fost găsită"
    assert page.get_by_role("link", name="Înapoi la prima pagină").is_visible()
    assert_fits_viewport(page)
    page.screenshot(path=screenshot_dir / f"not-found-{viewport_name}.png", full_page=True)
    audit(page)

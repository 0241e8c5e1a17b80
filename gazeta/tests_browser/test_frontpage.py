"""Real-browser check of a curated home page: the breaking-news banner and the featured
stories under the top story, on a phone and a desktop, with an axe-core audit."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from gazeta.frontpage.models import Banner, HomeSlot
from gazeta.newsroom.tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def curated():
    sections = [
        SectionFactory(name=name, slug=slug, position=i)
        for i, (name, slug) in enumerate([("Local", "local"), ("Sport", "sport")])
    ]
    now = timezone.now()
    articles = [
        ArticleFactory(
            section=sections[i % 2],
            headline=f"Știrea zilei numărul {i}: consiliul local discută bugetul pe anul viitor",
            published_at=now - timedelta(hours=i + 1),
        )
        for i in range(12)
    ]
    for position, article in enumerate(articles[6:10]):
        HomeSlot.objects.create(position=position, article=article)
    Banner.objects.create(text="Cutremur de 5,2 grade în Vrancea", article=articles[6])
    return articles


def test_curated_home_page_shows_banner_and_featured_stories_and_passes_axe(
    live_server, page, viewport_name, curated, screenshot_dir
):
    page.goto(live_server.url + "/")

    banner = page.locator(".breaking")
    assert banner.is_visible()
    assert banner.get_by_role("link").inner_text() == "Cutremur de 5,2 grade în Vrancea"
    assert page.locator(".front__top .card__title").inner_text() == curated[6].headline
    assert page.locator(".front__featured .card__title").all_inner_texts() == [
        a.headline for a in curated[7:10]
    ]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=screenshot_dir / f"home-curated-{viewport_name}.png", full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

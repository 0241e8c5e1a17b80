import re

import pytest

from gazeta.newsroom.tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_every_home_page_card_shows_headline_lead_section_and_time(client):
    sections = [SectionFactory(), SectionFactory()]
    for i in range(12):
        ArticleFactory(section=sections[i % 2], standfirst=f"Introducerea articolului {i}.")
    html = client.get("/").content.decode()
    cards = re.findall(r'<article class="card[^"]*">(.*?)</article>', html, re.S)
    assert len(cards) == 12
    for card in cards:
        assert 'class="card__title"' in card
        assert re.search(r'class="card__lead[^"]*">Introducerea articolului \d+\.<', card)
        assert re.search(r'<a href="/sectiunea-\d+/">', card)
        assert "<time datetime=" in card

"""The home page runs the same number of SQL queries whatever the size of the archive and
the number of sections, pins and banners."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gazeta.frontpage.models import HomeSlot, slot_positions
from gazeta.newsroom.tests.factories import AgencyFactory, AuthorFactory, SectionFactory
from gazeta.newsroom.tests.test_queries import add_bylines_and_credits, bulk_articles

from .factories import BannerFactory

pytestmark = pytest.mark.django_db

# Section menu; sections; pins, banners and every candidate at once; the chosen candidates'
# cards; the most-read ranking (no views here, so no cards for it).
HOME_QUERIES = 7


def build(size, section_count, now):
    sections = [SectionFactory(position=i) for i in range(section_count)]
    articles = bulk_articles(size, sections=sections, now=now)
    add_bylines_and_credits(
        articles, [AuthorFactory() for _ in range(3)], [AgencyFactory(name="AFP", slug="afp")]
    )
    return articles


@pytest.mark.parametrize("size", [5, 500])
@pytest.mark.parametrize("section_count", [1, 3, 7])
def test_home_page_query_count_does_not_grow_with_archive_or_sections(
    client, now, size, section_count, django_assert_num_queries
):
    build(size, section_count, now)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("frontpage:home"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 500])
def test_home_page_query_count_is_the_same_with_every_slot_pinned_and_banners(
    client, now, size, django_assert_num_queries
):
    articles = build(size, 3, now)
    pinned = articles[1:5]  # published ones, older than the newest
    for position, article in zip(slot_positions(), pinned, strict=True):
        HomeSlot.objects.create(position=position, article=article)
    BannerFactory(article=articles[0])
    BannerFactory(url="https://example.org/", starts_at=now + timedelta(minutes=5))
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("frontpage:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert all(article.get_absolute_url() in content for article in pinned)

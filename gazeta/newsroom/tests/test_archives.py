"""Date archives: /arhiva/2024/, /arhiva/2024/11/, /arhiva/2024/11/01/ (the clock is frozen at
1 November 2024, 17:21 in Bucharest; days follow the site's time zone)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from gazeta.newsroom.models import Article

from .factories import ArticleFactory, DraftFactory, SectionFactory
from .html import card_links, parse
from .test_queries import bulk_articles

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def archive(now):
    """Published articles around month, day and year ends in Bucharest time, and three that
    no reader may see yet."""
    made = {
        "nov1": ArticleFactory(slug="nov1", published_at=utc(2024, 11, 1, 10)),
        # 01:30 on 1 November in Bucharest.
        "nov1_night": ArticleFactory(slug="nov1-night", published_at=utc(2024, 10, 31, 23, 30)),
        # 23:30 on 31 October in Bucharest.
        "oct31": ArticleFactory(slug="oct31", published_at=utc(2024, 10, 31, 21, 30)),
        "sep15": ArticleFactory(slug="sep15", published_at=utc(2024, 9, 15, 8)),
        # 00:30 on 1 January 2024 in Bucharest.
        "new_year": ArticleFactory(slug="new-year", published_at=utc(2023, 12, 31, 22, 30)),
        "jun2023": ArticleFactory(slug="jun2023", published_at=utc(2023, 6, 1, 9)),
    }
    DraftFactory(slug="ciorna")
    ArticleFactory(slug="diseara", published_at=now + timedelta(hours=3))
    ArticleFactory(
        slug="decembrie",
        status=Article.Status.SCHEDULED,
        published_at=utc(2024, 12, 5, 9),
    )
    return made


def urls(archive, *names) -> list[str]:
    return [archive[name].get_absolute_url() for name in names]


def test_archive_addresses_have_zero_padded_months_and_days():
    assert reverse("newsroom:archive-year", kwargs={"year": 2024}) == "/arhiva/2024/"
    assert reverse("newsroom:archive-month", kwargs={"year": 2024, "month": 3}) == (
        "/arhiva/2024/03/"
    )
    assert reverse("newsroom:archive-day", kwargs={"year": 2024, "month": 11, "day": 1}) == (
        "/arhiva/2024/11/01/"
    )


def test_year_archive_lists_the_years_published_articles_newest_first(client, archive):
    response = client.get("/arhiva/2024/")
    assert response.status_code == 200
    assert card_links(response) == urls(archive, "nov1", "nov1_night", "oct31", "sep15", "new_year")


def test_year_archive_links_each_month_that_has_articles(client, archive):
    page = parse(client.get("/arhiva/2024/").content)
    months = page.find("nav", class_="archive-periods").find_all("a")
    assert [(a["href"], a.text) for a in months] == [
        ("/arhiva/2024/01/", "ianuarie"),
        ("/arhiva/2024/09/", "septembrie"),
        ("/arhiva/2024/10/", "octombrie"),
        ("/arhiva/2024/11/", "noiembrie"),
    ]


def test_article_published_after_midnight_in_bucharest_belongs_to_the_new_year(client, archive):
    assert card_links(client.get("/arhiva/2023/")) == urls(archive, "jun2023")
    assert archive["new_year"].get_absolute_url() in card_links(client.get("/arhiva/2024/01/"))


def test_month_archive_lists_the_months_articles_and_links_its_days(client, archive):
    response = client.get("/arhiva/2024/11/")
    assert response.status_code == 200
    page = parse(response.content)
    assert page.find("h1").text == "Arhivă: noiembrie 2024"
    assert card_links(response) == urls(archive, "nov1", "nov1_night")
    days = page.find("nav", class_="archive-periods").find_all("a")
    assert [(a["href"], a.text) for a in days] == [("/arhiva/2024/11/01/", "1 noiembrie")]


def test_day_archive_follows_the_day_in_bucharest(client, archive):
    response = client.get("/arhiva/2024/11/01/")
    assert response.status_code == 200
    assert parse(response.content).find("h1").text == "Arhivă: 1 noiembrie 2024"
    assert card_links(response) == urls(archive, "nov1", "nov1_night")
    assert card_links(client.get("/arhiva/2024/10/31/")) == urls(archive, "oct31")


def test_archives_leave_out_drafts_and_articles_whose_time_has_not_come(client, archive):
    shown = set()
    for url in ["/arhiva/2024/", "/arhiva/2024/11/", "/arhiva/2024/11/01/"]:
        shown.update(card_links(client.get(url)))
    hidden = Article.objects.exclude(pk__in=[a.pk for a in archive.values()])
    assert len(hidden) == 3
    assert not shown & {a.get_absolute_url() for a in hidden}


def test_scheduled_article_enters_the_archive_once_its_time_has_passed(
    client, archive, time_machine
):
    assert client.get("/arhiva/2024/12/").status_code == 404
    time_machine.move_to(utc(2024, 12, 5, 9, 1), tick=False)
    response = client.get("/arhiva/2024/12/")
    assert response.status_code == 200
    assert card_links(response) == [Article.objects.get(slug="decembrie").get_absolute_url()]


@pytest.mark.parametrize(
    "path",
    [
        "/arhiva/2022/",  # nothing published that year
        "/arhiva/2024/02/",  # nor that month
        "/arhiva/2024/10/30/",  # nor that day
        "/arhiva/2025/",  # the future
        "/arhiva/2024/12/",  # only a scheduled article there
        "/arhiva/2024/11/02/",
        "/arhiva/9999/",
        "/arhiva/9999/12/",
        "/arhiva/9999/12/31/",
    ],
)
def test_empty_and_future_periods_are_404(client, archive, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/arhiva/2024/13/",
        "/arhiva/2024/00/",
        "/arhiva/2024/11/31/",
        "/arhiva/2023/02/29/",
        "/arhiva/2024/11/00/",
        "/arhiva/2024/11/99/",
        "/arhiva/0/",
        "/arhiva/0000/",
        "/arhiva/0001/01/01/",
        "/arhiva/1000/",
        "/arhiva/24/",
        "/arhiva/20245/",
        "/arhiva/abcd/",
        "/arhiva/2024/1/",
        "/arhiva/2024/11/1/",
        "/arhiva/2024/ab/",
        "/arhiva/2024/11/01/extra/",
        "/arhiva/",
        "/arhiva/-2024/",
        "/arhiva/2024/%C8%99/",
    ],
)
def test_invalid_dates_are_404_never_500(client, archive, path):
    assert client.get(path).status_code == 404


def test_year_archive_page_two_shows_the_older_articles(client, settings, archive):
    settings.GAZETA_SECTION_PAGE_SIZE = 2
    response = client.get("/arhiva/2024/", {"page": 2})
    assert response.status_code == 200
    assert card_links(response) == urls(archive, "oct31", "sep15")


@pytest.mark.parametrize("page", ["0", "4", "abc", "-1", "9" * 30])
def test_bad_page_number_on_an_archive_is_404(client, settings, archive, page):
    settings.GAZETA_SECTION_PAGE_SIZE = 2
    assert client.get("/arhiva/2024/", {"page": page}).status_code == 404


def test_month_archive_links_the_nearest_months_that_have_articles(client, archive):
    def neighbours(url):
        nav = parse(client.get(url).content).find_all("nav", class_="archive-nav")
        return [a["href"] for a in nav[0].find_all("a")] if nav else []

    assert neighbours("/arhiva/2024/09/") == ["/arhiva/2024/01/", "/arhiva/2024/10/"]
    assert neighbours("/arhiva/2024/11/") == ["/arhiva/2024/10/"]
    assert neighbours("/arhiva/2024/01/") == ["/arhiva/2023/06/", "/arhiva/2024/09/"]


def test_year_and_day_archives_link_their_neighbours(client, archive):
    year_nav = parse(client.get("/arhiva/2023/").content).find("nav", class_="archive-nav")
    assert [a["href"] for a in year_nav.find_all("a")] == ["/arhiva/2024/"]
    day_nav = parse(client.get("/arhiva/2024/10/31/").content).find("nav", class_="archive-nav")
    assert [a["href"] for a in day_nav.find_all("a")] == [
        "/arhiva/2024/09/15/",
        "/arhiva/2024/11/01/",
    ]


def test_archives_are_cacheable_by_shared_caches(client, archive):
    for url in ["/arhiva/2024/", "/arhiva/2024/11/", "/arhiva/2024/11/01/"]:
        cache_control = client.get(url)["Cache-Control"]
        assert "public" in cache_control and "s-maxage" in cache_control, url


# Section menu; any article in the period; months (or days) with articles; one page of cards
# (and one more, to know whether an older page exists: never a count); the previous and the
# next period with articles.
YEAR_QUERIES = MONTH_QUERIES = 6
# The day archive has no list of periods but looks for neighbouring days and months.
DAY_QUERIES = 7


@pytest.mark.parametrize("size", [5, 500])
def test_archive_query_counts_do_not_grow_with_the_archive(
    client, now, size, django_assert_num_queries
):
    sections = [SectionFactory(position=i) for i in range(3)]
    bulk_articles(size, sections=sections, now=now)
    for url, queries in [
        ("/arhiva/2024/", YEAR_QUERIES),
        ("/arhiva/2024/11/", MONTH_QUERIES),
        ("/arhiva/2024/11/01/", DAY_QUERIES),
    ]:
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
        # Pages are counted from the newest and the list is never counted: no "last" page.
        assert client.get(url, {"page": "last"}).status_code == 404, url


def sqlite_steps(client, path: str) -> int:
    """SQLite virtual-machine steps spent on the queries of one request (a measure of rows
    read that does not depend on the machine's speed)."""
    connection.ensure_connection()
    steps = [0]
    connection.connection.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + 1), 1)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        connection.connection.set_progress_handler(None, 1)
    return steps[0]


def test_an_old_period_costs_the_same_however_much_came_after(client, archive, now):
    """A past year, month or day is read between its own bounds in the publication-time
    index, never from now back to it (SQLite would, with "published until now" as its first
    bound: see ``LikelyAtMost``). PostgreSQL compares the bounds itself."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL picks the narrower bound from the values themselves")
    paths = ["/arhiva/2023/", "/arhiva/2023/06/", "/arhiva/2023/06/01/"]
    before = {path: sqlite_steps(client, path) for path in paths}
    bulk_articles(600, sections=[SectionFactory()], now=now)  # ten hours of a busy day
    after = {path: sqlite_steps(client, path) for path in paths}
    for path in paths:
        assert after[path] < before[path] * 1.5, (path, before[path], after[path])

"""“Cele mai citite”: views counted by a beacon image into the cache (no cookie, no database
write per view, refreshes counted once), flushed to the database in bulk, ranked over a day."""

import struct
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gazeta.newsroom import popularity
from gazeta.newsroom.models import Article, ArticleViewCount
from gazeta.newsroom.popularity import hour_of, view_counts_flush, view_counts_flush_task
from gazeta.newsroom.selectors import (
    CARDS_QUERY_STEP,
    _published_cards_query,
    articles_most_read,
    published_cards,
)

from .factories import ArticleFactory, DraftFactory, SectionFactory
from .html import parse

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article(now):
    return ArticleFactory(slug="citita", published_at=now - timedelta(hours=2))


def beacon(client, article_id, *, ip="203.0.113.5", user_agent=FIREFOX, **headers):
    return client.get(
        reverse("newsroom:article-beacon", args=[article_id]),
        REMOTE_ADDR=ip,
        headers={"User-Agent": user_agent, **headers},
    )


def stored_views(article) -> int:
    return sum(ArticleViewCount.objects.filter(article=article).values_list("views", flat=True))


def add_views(article, views, *, hours_ago=0, now):
    ArticleViewCount.objects.create(
        article=article, hour=hour_of(now) - timedelta(hours=hours_ago), views=views
    )


class TestBeacon:
    def test_beacon_answers_a_1x1_gif_never_cached_and_sets_no_cookie(self, client, article):
        response = beacon(client, article.pk)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/gif"
        assert response.content[:6] == b"GIF89a"
        assert struct.unpack("<HH", response.content[6:10]) == (1, 1)
        assert response.content.endswith(b";")
        assert "no-store" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert not response.cookies
        assert "Set-Cookie" not in response.headers
        assert response["X-Robots-Tag"] == "noindex"

    def test_refresh_spam_from_one_reader_counts_once(self, client, article):
        for _ in range(10):
            assert beacon(client, article.pk).status_code == 200
        view_counts_flush()
        assert stored_views(article) == 1

    def test_two_readers_count_twice(self, client, article):
        beacon(client, article.pk, ip="203.0.113.5")
        beacon(client, article.pk, ip="198.51.100.7")
        beacon(client, article.pk, ip="198.51.100.7")
        view_counts_flush()
        assert stored_views(article) == 2

    def test_two_browsers_behind_one_address_count_twice(self, client, article):
        beacon(client, article.pk, user_agent=FIREFOX)
        beacon(client, article.pk, user_agent=CHROME)
        view_counts_flush()
        assert stored_views(article) == 2

    def test_one_reader_counts_once_per_article(self, client, article, now):
        other = ArticleFactory(slug="alta", published_at=now - timedelta(hours=1))
        beacon(client, article.pk)
        beacon(client, other.pk)
        view_counts_flush()
        assert (stored_views(article), stored_views(other)) == (1, 1)

    def test_same_reader_counts_again_the_next_day(self, client, article, now, time_machine):
        beacon(client, article.pk)
        time_machine.move_to(now + timedelta(days=1), tick=False)
        beacon(client, article.pk)
        view_counts_flush()
        assert stored_views(article) == 2

    @pytest.mark.parametrize(
        "user_agent",
        [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
            "Baiduspider+(+http://www.baidu.com/search/spider.htm)",
            "CCBot/2.0 (https://commoncrawl.org/faq/)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0",
            "curl/8.5.0",
            "python-requests/2.32.3",
            "",
            "   ",
        ],
    )
    def test_robots_and_scripts_are_not_counted(self, client, article, user_agent):
        assert beacon(client, article.pk, user_agent=user_agent).status_code == 200
        view_counts_flush()
        assert stored_views(article) == 0

    @pytest.mark.parametrize(
        ("header", "value"),
        [
            ("Sec-Purpose", "prefetch"),
            ("Sec-Purpose", "prefetch;prerender"),
            ("Purpose", "prefetch"),
        ],
    )
    def test_prefetches_are_not_counted(self, client, article, header, value):
        beacon(client, article.pk, **{header: value})
        view_counts_flush()
        assert stored_views(article) == 0

    def test_unknown_and_unpublished_articles_are_not_counted(self, client, now):
        hidden = [
            DraftFactory(slug="ciorna"),
            ArticleFactory(slug="maine", published_at=now + timedelta(days=1)),
        ]
        for article_id in [hidden[0].pk, hidden[1].pk, 999_999, 10**30]:
            response = beacon(client, article_id)
            assert response.status_code == 200
            assert response["Content-Type"] == "image/gif"
        assert view_counts_flush() == 0
        assert not ArticleViewCount.objects.exists()

    def test_only_get_is_answered(self, client, article):
        url = reverse("newsroom:article-beacon", args=[article.pk])
        assert client.post(url).status_code == 405
        assert client.head(url).status_code == 405

    def test_beacon_never_writes_to_the_database(self, client, article, now):
        other = ArticleFactory(slug="alta", published_at=now - timedelta(hours=1))
        with CaptureQueriesContext(connection) as queries:
            for n in range(10):
                beacon(client, article.pk, ip=f"203.0.113.{n}")
                beacon(client, other.pk, ip=f"203.0.113.{n}")
        # Whether each article is published, read once and then remembered.
        assert len(queries) == 2
        assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)
        assert not ArticleViewCount.objects.exists()

    def test_nothing_that_identifies_a_reader_is_kept(self, client, article):
        beacon(client, article.pk, ip="192.0.2.123", user_agent="Mozilla/5.0 Cititor/9.9")
        view_counts_flush()
        stored = caches["default"]._cache
        everything = b"".join(k.encode() + v for k, v in stored.items())
        assert stored, "the view is buffered in the cache"
        assert b"192.0.2.123" not in everything
        assert b"Cititor/9.9" not in everything
        assert stored_views(article) == 1

    def test_article_page_carries_the_beacon(self, client, article):
        page = parse(client.get(article.get_absolute_url()).content)
        image = page.find("img", class_="beacon")
        assert image["src"] == f"/v/{article.pk}/"
        assert image["alt"] == ""

    def test_previews_of_unpublished_articles_carry_no_beacon(self, editor_client):
        draft = DraftFactory(slug="ciorna")
        page = parse(editor_client.get(draft.get_absolute_url()).content)
        assert not page.find_all("img", class_="beacon")


class TestFlush:
    def test_flush_writes_each_hours_views_in_one_insert(self, client, article, now):
        beacon(client, article.pk, ip="203.0.113.1")
        beacon(client, article.pk, ip="203.0.113.2")
        popularity.view_record(
            article_id=article.pk,
            ip="203.0.113.3",
            user_agent=FIREFOX,
            now=now - timedelta(hours=1),
        )
        with CaptureQueriesContext(connection) as queries:
            assert view_counts_flush() == 3
        inserts = [q for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
        assert len(inserts) == 1
        rows = ArticleViewCount.objects.filter(article=article).order_by("hour")
        assert [(r.hour, r.views) for r in rows] == [
            (hour_of(now) - timedelta(hours=1), 1),
            (hour_of(now), 2),
        ]

    def test_flushing_twice_never_counts_a_view_twice(self, client, article):
        beacon(client, article.pk)
        assert view_counts_flush() == 1
        assert view_counts_flush() == 0
        assert stored_views(article) == 1

    def test_views_after_a_flush_add_to_the_stored_count(self, client, article):
        beacon(client, article.pk, ip="203.0.113.1")
        beacon(client, article.pk, ip="203.0.113.2")
        view_counts_flush()
        beacon(client, article.pk, ip="203.0.113.3")
        view_counts_flush()
        assert ArticleViewCount.objects.get(article=article).views == 3

    def test_flush_with_nothing_counted_touches_no_table(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert view_counts_flush() == 0

    def test_counts_survive_a_failed_flush(self, client, article, monkeypatch):
        beacon(client, article.pk)

        def broken(*args, **kwargs):
            raise RuntimeError("database unavailable")

        with monkeypatch.context() as patch:
            patch.setattr(popularity, "_add_to_table", broken)
            with pytest.raises(RuntimeError):
                view_counts_flush()
        assert view_counts_flush() == 1
        assert stored_views(article) == 1

    def test_article_deleted_before_the_flush_is_skipped(self, client, article, now):
        other = ArticleFactory(slug="alta", published_at=now - timedelta(hours=1))
        beacon(client, article.pk)
        beacon(client, other.pk)
        Article.objects.filter(pk=article.pk).delete()
        assert view_counts_flush() == 1
        assert list(ArticleViewCount.objects.values_list("article_id", "views")) == [(other.pk, 1)]

    def test_hours_that_are_over_leave_the_cache_after_their_flush(
        self, client, article, now, time_machine
    ):
        beacon(client, article.pk)
        counter = popularity._counter_key(hour_of(now), article.pk)
        time_machine.move_to(now + timedelta(minutes=30), tick=False)
        view_counts_flush()
        assert cache.get(counter) == 0, "the open hour keeps its counter"
        time_machine.move_to(hour_of(now) + timedelta(hours=1, minutes=6), tick=False)
        view_counts_flush()
        assert cache.get(counter) is None
        assert cache.get(popularity._slots_key(hour_of(now))) is None
        assert stored_views(article) == 1

    def test_rows_older_than_the_retention_are_deleted(self, client, article, now):
        add_views(article, 7, hours_ago=24 * 31, now=now)
        add_views(article, 5, hours_ago=24 * 29, now=now)
        beacon(client, article.pk)
        view_counts_flush()
        assert sorted(ArticleViewCount.objects.values_list("views", flat=True)) == [1, 5]

    def test_a_beacon_flushes_when_no_flush_ran_for_five_minutes(
        self, client, article, now, time_machine
    ):
        beacon(client, article.pk, ip="203.0.113.1")
        time_machine.move_to(now + timedelta(minutes=4), tick=False)
        beacon(client, article.pk, ip="203.0.113.2")
        assert not ArticleViewCount.objects.exists()
        time_machine.move_to(now + timedelta(minutes=6), tick=False)
        beacon(client, article.pk, ip="203.0.113.3")
        assert stored_views(article) == 2

    def test_command_flushes_the_counts(self, client, article):
        beacon(client, article.pk, ip="203.0.113.1")
        beacon(client, article.pk, ip="203.0.113.2")
        out = StringIO()
        call_command("flush_view_counts", stdout=out)
        assert out.getvalue() == "2 view(s) written.\n"
        assert stored_views(article) == 2

    def test_command_can_queue_the_task(self, client, article):
        beacon(client, article.pk)
        out = StringIO()
        call_command("flush_view_counts", "--enqueue", stdout=out)
        assert out.getvalue().startswith("Queued as ")
        assert stored_views(article) == 1  # the test task backend runs it at once

    def test_task_returns_the_views_written(self, client, article):
        beacon(client, article.pk)
        assert view_counts_flush_task.enqueue().return_value == 1


class TestMostRead:
    @pytest.fixture
    def ranked(self, now):
        made = {
            name: ArticleFactory(slug=name, published_at=now - timedelta(hours=hours))
            for name, hours in [("a", 5), ("b", 6), ("c", 7), ("old_news", 60), ("tie", 1)]
        }
        add_views(made["a"], 10, now=now)
        add_views(made["a"], 5, hours_ago=3, now=now)
        add_views(made["b"], 25, hours_ago=23, now=now)
        add_views(made["c"], 3, now=now)
        add_views(made["tie"], 3, hours_ago=1, now=now)
        # Read a lot, but more than a day ago.
        add_views(made["old_news"], 500, hours_ago=24, now=now)
        draft = DraftFactory(slug="ciorna")
        add_views(draft, 1000, now=now)
        return made

    def test_most_read_ranks_views_of_the_last_day_newest_first_on_ties(self, ranked):
        assert [a.slug for a in articles_most_read(limit=10, hours=24)] == [
            "b",
            "a",
            "tie",
            "c",
        ]

    def test_most_read_keeps_to_the_limit(self, ranked):
        assert [a.slug for a in articles_most_read(limit=2, hours=24)] == ["b", "a"]

    def test_longer_window_reaches_older_views(self, ranked):
        assert articles_most_read(limit=1, hours=48)[0].slug == "old_news"

    def test_ranking_is_kept_a_minute(self, ranked, now, time_machine):
        assert articles_most_read(limit=2)[0].slug == "b"
        add_views(ranked["c"], 1000, hours_ago=2, now=now)
        assert articles_most_read(limit=2)[0].slug == "b"
        time_machine.move_to(now + timedelta(seconds=61), tick=False)
        assert articles_most_read(limit=2)[0].slug == "c"

    def test_unpublished_article_leaves_the_list_at_once(self, ranked):
        assert articles_most_read(limit=2)[0].slug == "b"
        Article.objects.filter(slug="b").update(status=Article.Status.DRAFT)
        assert [a.slug for a in articles_most_read(limit=2)] == ["a"]

    def test_most_read_takes_one_query_with_the_ranking_cached(
        self, ranked, django_assert_num_queries
    ):
        for queries in (2, 1):  # the ranking, then the cards; then the cards alone
            with django_assert_num_queries(queries):
                articles = articles_most_read(limit=5)
            with django_assert_num_queries(0):
                [a.get_absolute_url() for a in articles]

    def test_home_page_lists_the_most_read(self, client, ranked):
        page = parse(client.get(reverse("frontpage:home")).content)
        block = page.find("section", class_="most-read")
        assert block.find("h2").text == "Cele mai citite"
        assert [a["href"] for a in block.find("ol").find_all("a")] == [
            ranked[name].get_absolute_url() for name in ["b", "a", "tie", "c"]
        ]

    def test_home_page_without_views_has_no_most_read_block(self, client, now):
        ArticleFactory(published_at=now - timedelta(hours=1))
        page = parse(client.get(reverse("frontpage:home")).content)
        assert not page.find_all("section", class_="most-read")

    def test_home_page_with_the_ranking_cached_skips_only_the_ranking_query(self, client, ranked):
        SectionFactory()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("frontpage:home")).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1] + 1

    def test_counted_views_reach_the_home_page(self, client, now, time_machine):
        read, unread = (
            ArticleFactory(slug=s, published_at=now - timedelta(hours=1)) for s in ["da", "nu"]
        )
        for n in range(3):
            beacon(client, read.pk, ip=f"203.0.113.{n}")
        call_command("flush_view_counts", stdout=StringIO())
        page = parse(client.get(reverse("frontpage:home")).content)
        links = [a["href"] for a in page.find("section", class_="most-read").find_all("a")]
        assert links == [read.get_absolute_url()]
        assert unread.get_absolute_url() not in links


class TestPublishedCards:
    """The cards the most-read list and the home page read by id."""

    def test_cards_of_published_articles_only_by_id(self, now):
        shown = [ArticleFactory(published_at=now - timedelta(hours=n)) for n in range(1, 4)]
        draft = DraftFactory()
        later = ArticleFactory(published_at=now + timedelta(hours=1))
        ids = [shown[2].pk, draft.pk, shown[0].pk, later.pk, shown[1].pk]
        cards = published_cards(ids, now=now)
        assert set(cards) == {a.pk for a in shown}
        assert all(cards[a.pk].headline == a.headline for a in shown)

    def test_cards_carry_their_section_and_not_the_body(self, now, django_assert_num_queries):
        article = ArticleFactory(published_at=now - timedelta(hours=1))
        with django_assert_num_queries(1):
            card = published_cards([article.pk], now=now)[article.pk]
            assert card.get_absolute_url() == article.get_absolute_url()
            assert card.section.name == article.section.name
        assert "body" in card.get_deferred_fields()

    def test_counts_up_to_a_step_share_one_prepared_query(self, now):
        articles = [ArticleFactory(published_at=now - timedelta(hours=n)) for n in range(1, 11)]
        _published_cards_query.cache_clear()
        for count in range(1, CARDS_QUERY_STEP + 1):
            assert len(published_cards([a.pk for a in articles[:count]], now=now)) == count
        assert _published_cards_query.cache_info().currsize == 1
        assert len(published_cards([a.pk for a in articles], now=now)) == len(articles)
        assert _published_cards_query.cache_info().currsize == 2

    def test_no_ids_no_query(self, now, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert published_cards([], now=now) == {}

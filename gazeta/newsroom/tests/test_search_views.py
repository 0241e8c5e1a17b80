"""The search page: form, results with marked snippets, filters, pagination, caching,
rate limit, and no query string that makes it fail."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from .html import parse
from .search_corpus import create_corpus, make_article

pytestmark = pytest.mark.django_db

SEARCH = reverse("newsroom:search")


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """Rate-limit counters live in the per-process cache; start every test from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def corpus(now):
    return create_corpus(now=now)


def result_titles(response) -> list[str]:
    lists = parse(response.content).find_all("ol", class_="search-results")
    return [h.text for h in lists[0].find_all("h2")] if lists else []


def test_masthead_has_a_labelled_search_form_on_every_page(client, corpus):
    page = parse(client.get(reverse("frontpage:home")).content)
    form = page.find("header", class_="masthead").find("form", role="search")
    assert form["action"] == SEARCH and form["method"] == "get"
    field = form.find("input", name="q")
    assert page.find("label", **{"for": field["id"]}).text
    assert form.find("button", type="submit").text


def test_empty_search_page_shows_the_form_and_no_results(client, corpus):
    response = client.get(SEARCH)
    assert response.status_code == 200
    page = parse(response.content)
    assert page.find("main").find("form", role="search").find("input", name="q")
    assert not page.find_all("ol", class_="search-results")


def test_query_without_diacritics_finds_text_with_them_and_marks_it(client, corpus):
    response = client.get(SEARCH, {"q": "inundatiile"})
    assert response.status_code == 200
    assert result_titles(response) == [corpus["inundatii"].headline]
    page = parse(response.content)
    title = page.find("ol", class_="search-results").find("h2")
    assert [m.text for m in title.find_all("mark")] == ["Inundațiile"]
    assert page.find("p", class_="search-count").text == "1 articol găsit"
    assert page.find("main").find("input", name="q")["value"] == "inundatiile"


def test_snippet_marks_matches_in_the_body(client, corpus):
    page = parse(client.get(SEARCH, {"q": "negociatori"}).content)
    snippet = page.find("p", class_="search-result__snippet")
    assert [m.text for m in snippet.find_all("mark")] == ["Negociatorii"]


def test_text_from_articles_is_escaped_in_results(client, now):
    make_article(now=now, headline="Tunelul <script>alert(1)</script>", body="<p>tunelul</p>")
    response = client.get(SEARCH, {"q": "tunel"})
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_no_results_page_says_so(client, corpus):
    response = client.get(SEARCH, {"q": "hipopotam"})
    assert response.status_code == 200
    assert result_titles(response) == []
    assert "Niciun articol publicat" in response.text


def test_query_of_exclusions_only_asks_for_a_word(client, corpus):
    response = client.get(SEARCH, {"q": "-fotbal"})
    assert response.status_code == 200
    assert "cel puțin un cuvânt" in response.text


def test_search_pages_are_private_and_not_indexed(client, corpus):
    response = client.get(SEARCH, {"q": "spital"})
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-cache" in cache_control
    assert "s-maxage" not in cache_control and "public" not in cache_control
    assert response["X-Robots-Tag"] == "noindex"
    assert parse(response.content).find("meta", name="robots")["content"] == "noindex"


def test_section_filter(client, corpus):
    response = client.get(SEARCH, {"q": "echipa", "sectiune": "externe"})
    assert result_titles(response) == []
    response = client.get(SEARCH, {"q": "echipa", "sectiune": "sport"})
    assert len(result_titles(response)) == 2
    options = parse(response.content).find("select", name="sectiune").find_all("option")
    assert [o["value"] for o in options if "selected" in o.attrs] == ["sport"]


def test_unknown_section_is_reported_and_ignored(client, corpus):
    response = client.get(SEARCH, {"q": "echipa", "sectiune": "nu-exista"})
    assert response.status_code == 200
    assert len(result_titles(response)) == 2
    assert parse(response.content).find_all(id="search-section-error")


def test_date_filter_accepts_iso_and_romanian_dates_in_either_order(client, now):
    # NOW is 1 November 2024, 17:21 in Bucharest.
    for days_ago, town in [(1, "Brașov"), (3, "Sibiu"), (10, "Iași")]:
        make_article(now=now, headline=f"Ninsoare la {town}", days_ago=days_ago)
    for start, end in [("2024-10-29", "2024-10-31"), ("31.10.2024", "29.10.2024")]:
        response = client.get(SEARCH, {"q": "ninsoare", "de_la": start, "pana_la": end})
        assert result_titles(response) == ["Ninsoare la Brașov", "Ninsoare la Sibiu"]
    page = parse(response.content)
    assert page.find("input", name="de_la")["value"] == "2024-10-29"
    assert page.find("input", name="pana_la")["value"] == "2024-10-31"


def test_bad_date_is_reported_and_ignored(client, corpus):
    response = client.get(SEARCH, {"q": "spital", "de_la": "ieri"})
    assert response.status_code == 200
    assert result_titles(response) == [corpus["spital"].headline]
    assert parse(response.content).find_all(id="search-from-error")


@pytest.fixture
def many_matches(now, settings):
    settings.GAZETA_SEARCH_PAGE_SIZE = 5
    for n in range(12):
        make_article(now=now, headline=f"Vremea de azi, ediția {n}", days_ago=n)


def test_results_are_paginated_and_links_keep_the_query(client, many_matches):
    first = client.get(SEARCH, {"q": "vremea", "sectiune": "diverse"})
    assert len(result_titles(first)) == 5
    assert result_titles(first)[0] == "Vremea de azi, ediția 0"
    next_link = parse(first.content).find("a", rel="next")["href"]
    assert "q=vremea" in next_link and "sectiune=diverse" in next_link and "page=2" in next_link
    last = client.get(SEARCH + next_link.replace("page=2", "page=3"))
    assert result_titles(last) == ["Vremea de azi, ediția 10", "Vremea de azi, ediția 11"]
    assert parse(first.content).find("ol", class_="search-results")["start"] == "1"
    assert parse(last.content).find("ol", class_="search-results")["start"] == "11"


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "99999999999999999999"])
def test_bad_page_is_404_as_on_sections(client, many_matches, page):
    assert client.get(SEARCH, {"q": "vremea", "page": page}).status_code == 404


def test_search_page_runs_a_fixed_number_of_queries(
    client, many_matches, django_assert_num_queries
):
    # Section menu; the newest matching articles (on PostgreSQL the span of the newest
    # articles first); one page of results with their sections (on PostgreSQL ranked from
    # the search table, then the page's articles read). The count for the paginator is the
    # number of articles found: no query.
    finding, page = (1, 1) if connection.vendor == "sqlite" else (2, 2)
    with django_assert_num_queries(1 + finding + page):
        assert client.get(SEARCH, {"q": "vremea"}).status_code == 200
    # Plus the section named in the filter.
    with django_assert_num_queries(2 + finding + page):
        assert client.get(SEARCH, {"q": "vremea", "sectiune": "diverse"}).status_code == 200


def test_searches_are_rate_limited_per_ip(client, corpus, settings):
    settings.GAZETA_SEARCH_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(SEARCH, {"q": "spital"}).status_code == 200
    limited = client.get(SEARCH, {"q": "spital"})
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "Prea multe căutări" in limited.text
    assert "private" in limited["Cache-Control"]
    assert result_titles(limited) == []
    # Another reader is not affected; the empty form does not count against anyone.
    assert client.get(SEARCH, {"q": "spital"}, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert client.get(SEARCH).status_code == 200


def test_rate_limit_counts_the_address_given_by_the_trusted_proxy(client, corpus, settings):
    settings.GAZETA_SEARCH_RATE_LIMIT = 1
    settings.GAZETA_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    assert (
        client.get(SEARCH, {"q": "spital"}, HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2").status_code
        == 200
    )
    assert client.get(SEARCH, {"q": "spital"}, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    assert client.get(SEARCH, {"q": "spital"}, HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 200


def test_rate_limit_zero_turns_it_off(client, corpus, settings):
    settings.GAZETA_SEARCH_RATE_LIMIT = 0
    for _ in range(40):
        assert client.get(SEARCH, {"q": "spital"}).status_code == 200


ODD_QUERIES = [
    "x" * 10_000,
    "cuvânt " * 2000,
    "' OR 1=1; DROP TABLE newsroom_article; --",
    'NEAR(guvern buget, 3) AND "ministr*" OR ^fotbal NOT *',
    "a:b col:guvern {headline}:x",
    '"',
    '"""',
    "-",
    "- \"\" -''",
    "\x00\x01\x1b[2J\x7f\u0085\u200b\ufeff",
    "diplomaţiei\u0000",
    "🙂 🇷🇴 𝕘𝕦𝕧𝕖𝕣𝕟",
    "\\'\\\"\\\\",
    "%s %(x)s {0} $1 ?",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_get_a_normal_page(client, corpus, query):
    response = client.get(SEARCH, {"q": query, "sectiune": query[:50], "de_la": query[:20]})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize(
    "raw", ["q=%FF%FE%FD", "q=%C3%28diplom", "q=%00%00", "q=%E2%82&sectiune=%FF", "q=%ZZ%"]
)
def test_invalid_utf8_and_broken_escapes_get_a_normal_page(client, corpus, raw):
    assert client.get(f"{SEARCH}?{raw}").status_code == 200


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(max_size=300))
def test_no_query_string_makes_the_search_page_fail(client, corpus, query, settings):
    settings.GAZETA_SEARCH_RATE_LIMIT = 0
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    words=st.lists(
        st.one_of(
            st.sampled_from(["diplomatie", "echipa", "fotbal", "NEAR", "AND", "OR", "NOT", "*"]),
            st.text(alphabet="\"-*()^:+'\\", min_size=1, max_size=3),
            st.text(max_size=8),
        ),
        max_size=8,
    )
)
def test_no_mix_of_words_and_operators_makes_the_search_page_fail(client, corpus, words, settings):
    settings.GAZETA_SEARCH_RATE_LIMIT = 0
    assert client.get(SEARCH, {"q": " ".join(words)}).status_code == 200


def test_future_and_draft_articles_stay_out_of_the_page(client, now):
    make_article(now=now, headline="Lansarea rachetei", published_at=now + timedelta(hours=2))
    assert result_titles(client.get(SEARCH, {"q": "racheta"})) == []

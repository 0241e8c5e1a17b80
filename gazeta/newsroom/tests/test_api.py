"""The read-only JSON API (``gazeta/newsroom/api.py``, ``docs/api.md``): its OpenAPI schema,
every documented endpoint, what it never shows, cursor pagination, ETags and query budgets."""

import json
import re
from base64 import urlsafe_b64decode, urlsafe_b64encode
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gazeta.comments.models import Comment
from gazeta.newsroom.models import Article, Byline, Credit
from gazeta.newsroom.search import search_index_update

from .factories import (
    AgencyFactory,
    ArticleFactory,
    AuthorFactory,
    DeskFactory,
    DraftFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

OPENAPI = "/api/openapi.json"
SITE = "https://www.gazeta.example"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PRIVATE_KEY = re.compile(r"(^|_)(ip|email|e_mail|user_agent|password)(_|$)|^comments?$", re.I)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.GAZETA_SITE_URL = SITE
    # The per-IP search limit has its own test; elsewhere it would only add noise.
    settings.GAZETA_SEARCH_RATE_LIMIT = 0


@pytest.fixture
def newsroom(now):
    """Two published articles, a draft and a scheduled one, with people and tags that only
    the unpublished ones use, and a comment that carries an e-mail and an IP address."""
    politica = SectionFactory(name="Politică", slug="politica", position=1)
    economie = SectionFactory(name="Economie", slug="economie", position=2)
    user = get_user_model().objects.create_user(
        username="ioana", email="ioana.popescu@gazeta.example"
    )
    ioana = AuthorFactory(name="Ioana Popescu", slug="ioana-popescu", user=user)
    desk = DeskFactory()
    hidden_author = AuthorFactory(name="Autor Nou", slug="autor-nou")
    afp = AgencyFactory(name="AFP", slug="afp")
    agerpres = AgencyFactory()
    buget, alegeri, secret = (
        TagFactory(name="Buget", slug="buget"),
        TagFactory(name="Alegeri", slug="alegeri"),
        TagFactory(name="Demisie", slug="demisie"),
    )
    vote = ArticleFactory(
        headline="Deputații au votat bugetul pe anul viitor",
        slug="deputatii-au-votat-bugetul",
        section=politica,
        standfirst="Votul final a venit după o ședință de zece ore.",
        body='<p>Ședința a început dimineața.</p><p><a href="https://exemplu.ro/">Sursa</a></p>',
        published_at=now - timedelta(hours=2),
        revised_at=now - timedelta(minutes=30),
        authors=[ioana, desk],
        agencies=[afp, agerpres],
    )
    vote.tags.set([buget, alegeri])
    prices = ArticleFactory(
        headline="Prețurile la energie scad din decembrie",
        slug="preturile-la-energie-scad",
        section=economie,
        body="<p>Bugetele familiilor mai respiră puțin.</p>",
        published_at=now - timedelta(days=1),
        authors=[desk],
    )
    prices.tags.set([buget])
    draft = DraftFactory(
        headline="Ciornă despre o demisie", slug="ciorna-demisie", section=politica
    )
    draft.tags.set([secret])
    Byline.objects.create(article=draft, author=hidden_author)
    scheduled = ArticleFactory(
        headline="Anunț programat pentru mâine",
        slug="anunt-programat",
        section=politica,
        status=Article.Status.SCHEDULED,
        published_at=now + timedelta(days=1),
        authors=[hidden_author, ioana],
    )
    scheduled.tags.set([secret, alegeri])
    search_index_update(articles=[vote, prices, draft, scheduled])
    Comment.objects.create(
        article=vote,
        name="Cititor Atent",
        email="cititor@exemplu.ro",
        body="Un comentariu aprobat.",
        status=Comment.Status.APPROVED,
        ip_address="203.0.113.7",
    )
    return SimpleNamespace(
        politica=politica,
        economie=economie,
        ioana=ioana,
        desk=desk,
        hidden_author=hidden_author,
        buget=buget,
        alegeri=alegeri,
        secret=secret,
        vote=vote,
        prices=prices,
        draft=draft,
        scheduled=scheduled,
    )


def get_json(client, url, params=None, status=200, **headers):
    response = client.get(url, params or {}, **headers)
    assert response.status_code == status, (url, params, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def ids(page) -> list[int]:
    return [item["id"] for item in page["items"]]


# The schema -------------------------------------------------------------------------------


def all_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_refs(value)


def resolve(spec, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def check_shape(value, schema, spec, where="$"):
    """Assert that ``value`` has the shape the OpenAPI (JSON Schema) ``schema`` describes:
    types, required and documented-only properties, array items, nullability, formats."""
    if "$ref" in schema:
        check_shape(value, resolve(spec, schema["$ref"]), spec, where)
        return
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            try:
                check_shape(value, option, spec, where)
                return
            except AssertionError:
                continue
        raise AssertionError(f"{where}: {value!r} matches no option of {schema['anyOf']}")
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), where
        missing = set(schema.get("required", [])) - set(value)
        assert not missing, f"{where}: missing {missing}"
        properties = schema.get("properties")
        if properties is not None:
            assert set(value) <= set(properties), (
                f"{where}: undocumented {set(value) - set(properties)}"
            )
            for name, sub in properties.items():
                if name in value:
                    check_shape(value[name], sub, spec, f"{where}.{name}")
    elif kind == "array":
        assert isinstance(value, list), where
        for i, item in enumerate(value):
            check_shape(item, schema["items"], spec, f"{where}[{i}]")
    elif kind == "string":
        assert isinstance(value, str), where
        if schema.get("format") == "date-time":
            assert datetime.fromisoformat(value).tzinfo is not None, where
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), where
    elif kind == "boolean":
        assert isinstance(value, bool), where
    elif kind == "null":
        assert value is None, where
    else:
        assert kind is None, f"{where}: unexpected schema type {kind}"


def test_openapi_schema_is_a_valid_openapi_3_document_for_a_read_only_api(client):
    spec = get_json(client, OPENAPI)
    assert re.fullmatch(r"3\.\d+\.\d+", spec["openapi"])
    assert spec["info"]["title"] and isinstance(spec["info"]["version"], str)
    assert spec["paths"]
    operation_ids = set()
    for path, item in spec["paths"].items():
        assert path.startswith("/api/")
        assert set(item) <= HTTP_METHODS
        assert set(item) == {"get"}, f"{path} is not read-only"
        operation = item["get"]
        assert operation["operationId"] not in operation_ids
        operation_ids.add(operation["operationId"])
        assert operation["summary"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]
        for status, response in operation["responses"].items():
            assert re.fullmatch(r"[1-5]\d\d", status) and response["description"]
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            assert parameter["in"] in {"query", "path", "header", "cookie"}
            assert parameter["name"] and "schema" in parameter
        path_params = {p["name"] for p in parameters if p["in"] == "path"}
        assert path_params == set(re.findall(r"{([^}]+)}", path))
        assert all(p["required"] for p in parameters if p["in"] == "path")
    refs = set(all_refs(spec))
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/")
        assert isinstance(resolve(spec, ref), dict)
    for name, schema in spec["components"]["schemas"].items():
        for field in schema.get("properties", {}):
            assert not PRIVATE_KEY.search(field), f"{name}.{field}"


def test_interactive_docs_are_served_and_point_at_the_schema(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert OPENAPI in response.content.decode()


def path_values(newsroom) -> dict[str, str]:
    return {
        "article_id": str(newsroom.vote.pk),
        "section_slug": newsroom.vote.section.slug,
        "article_slug": newsroom.vote.slug,
        "author_slug": newsroom.ioana.slug,
        "tag_slug": newsroom.buget.slug,
    }


def query_examples(newsroom) -> dict[str, str]:
    """One meaningful value for every query parameter the API documents (but ``cursor``,
    exercised by the pagination tests). A new parameter fails the test until it has one."""
    return {
        "section": "politica",
        "tag": "buget",
        "author": "ioana-popescu",
        "since": "2024-10-31",
        "until": "2024-11-01",
        "limit": "1",
        "q": "bugetul",
    }


def documented_requests(spec, newsroom):
    """(path, operation, url, params) for every documented operation: once with its required
    parameters only, then once more with each optional query parameter."""
    values, examples = path_values(newsroom), query_examples(newsroom)
    for path, item in spec["paths"].items():
        operation = item["get"]
        url = path
        for name in re.findall(r"{([^}]+)}", path):
            assert name in values, f"no test value for path parameter {name} of {path}"
            url = url.replace(f"{{{name}}}", values[name])
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        for parameter in query:
            assert parameter["name"] == "cursor" or parameter["name"] in examples, (
                f"no example for query parameter {parameter['name']} of {path}"
            )
        required = {p["name"]: examples[p["name"]] for p in query if p.get("required")}
        yield path, operation, url, required
        for parameter in query:
            if not parameter.get("required") and parameter["name"] != "cursor":
                yield (
                    path,
                    operation,
                    url,
                    {**required, parameter["name"]: examples[parameter["name"]]},
                )


def test_every_documented_endpoint_answers_200_in_its_documented_shape(client, newsroom):
    spec = get_json(client, OPENAPI)
    exercised = set()
    for path, operation, url, params in documented_requests(spec, newsroom):
        body = get_json(client, url, params)
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        check_shape(body, schema, spec, where=f"{url}?{params}")
        exercised.add(path)
    assert exercised == set(spec["paths"])
    assert {"/api/articles", "/api/articles/{article_id}", "/api/sections", "/api/authors"} <= (
        exercised
    )


def walk_keys(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from walk_keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_keys(value)


def test_no_response_carries_an_email_address_ip_address_or_comment(client, newsroom):
    spec = get_json(client, OPENAPI)
    for _path, _operation, url, params in documented_requests(spec, newsroom):
        response = client.get(url, params)
        text = response.content.decode()
        assert "@" not in text, url
        assert "203.0.113.7" not in text and "Cititor Atent" not in text, url
        assert not [key for key in walk_keys(response.json()) if PRIVATE_KEY.search(key)], url


# What an article looks like ---------------------------------------------------------------


def test_article_detail_has_absolute_urls_bylines_sources_and_tags_in_order(client, newsroom):
    vote = newsroom.vote
    article = get_json(client, f"/api/articles/{vote.pk}")
    assert article == {
        "id": vote.pk,
        "url": f"{SITE}/politica/deputatii-au-votat-bugetul/",
        "headline": "Deputații au votat bugetul pe anul viitor",
        "slug": "deputatii-au-votat-bugetul",
        "section": {"name": "Politică", "slug": "politica", "url": f"{SITE}/politica/"},
        "lead": "Votul final a venit după o ședință de zece ore.",
        "body_html": vote.body,
        "published_at": "2024-11-01T13:21:00Z",
        "updated_at": "2024-11-01T14:51:00Z",
        "authors": [
            {
                "name": "Ioana Popescu",
                "slug": "ioana-popescu",
                "is_desk": False,
                "url": f"{SITE}/autor/ioana-popescu/",
            },
            {
                "name": "Redacția Gazeta",
                "slug": "redactia-gazeta",
                "is_desk": True,
                "url": f"{SITE}/autor/redactia-gazeta/",
            },
        ],
        "sources": ["AFP", "Agerpres"],
        "tags": [{"name": "Alegeri", "slug": "alegeri"}, {"name": "Buget", "slug": "buget"}],
    }
    assert "<p>Ședința a început dimineața.</p>" in article["body_html"]


def test_article_by_section_and_slug_is_the_same_article_as_by_id(client, newsroom):
    by_id = get_json(client, f"/api/articles/{newsroom.vote.pk}")
    by_slug = get_json(client, "/api/sections/politica/articles/deputatii-au-votat-bugetul")
    assert by_slug == by_id


def test_article_list_has_no_body_and_unrevised_articles_have_no_update_time(client, newsroom):
    page = get_json(client, "/api/articles")
    assert ids(page) == [newsroom.vote.pk, newsroom.prices.pk]
    assert all("body_html" not in item for item in page["items"])
    assert page["items"][1]["updated_at"] is None
    assert page["next"] is None and page["next_cursor"] is None


def test_romanian_text_is_sent_as_utf8_not_escaped(client, newsroom):
    response = client.get(f"/api/articles/{newsroom.vote.pk}")
    assert "Deputații".encode() in response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"


# Drafts and scheduled articles ------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"section": "politica"},
        {"tag": "demisie"},
        {"tag": "alegeri"},
        {"author": "autor-nou"},
        {"author": "ioana-popescu"},
        {"since": "2024-11-01", "until": "2024-11-30"},
        {"limit": "100"},
    ],
)
def test_drafts_and_scheduled_articles_never_appear_in_lists(client, newsroom, params):
    page = get_json(client, "/api/articles", params)
    assert newsroom.draft.pk not in ids(page)
    assert newsroom.scheduled.pk not in ids(page)


@pytest.mark.parametrize("which", ["draft", "scheduled"])
def test_drafts_and_scheduled_articles_are_404_by_id_and_by_address(client, newsroom, which):
    article = getattr(newsroom, which)
    assert get_json(client, f"/api/articles/{article.pk}", status=404) == {"detail": "Not Found"}
    get_json(client, f"/api/sections/politica/articles/{article.slug}", status=404)


def test_scheduled_article_appears_once_its_time_has_come(client, newsroom, time_machine):
    time_machine.move_to(newsroom.scheduled.published_at + timedelta(seconds=1), tick=False)
    assert ids(get_json(client, "/api/articles"))[0] == newsroom.scheduled.pk
    get_json(client, f"/api/articles/{newsroom.scheduled.pk}")


def test_authors_and_tags_seen_only_on_unpublished_articles_stay_hidden(client, newsroom):
    authors = [a["slug"] for a in get_json(client, "/api/authors")["items"]]
    assert authors == ["ioana-popescu", "redactia-gazeta"]
    tags = [t["slug"] for t in get_json(client, "/api/tags")["items"]]
    assert tags == ["alegeri", "buget"]
    get_json(client, "/api/authors/autor-nou", status=404)
    get_json(client, "/api/tags/demisie", status=404)


# Filters ----------------------------------------------------------------------------------


def test_articles_filter_by_section_tag_and_author(client, newsroom):
    vote, prices = newsroom.vote.pk, newsroom.prices.pk
    assert ids(get_json(client, "/api/articles", {"section": "politica"})) == [vote]
    assert ids(get_json(client, "/api/articles", {"section": "economie"})) == [prices]
    assert ids(get_json(client, "/api/articles", {"tag": "buget"})) == [vote, prices]
    assert ids(get_json(client, "/api/articles", {"tag": "alegeri"})) == [vote]
    assert ids(get_json(client, "/api/articles", {"author": "redactia-gazeta"})) == [vote, prices]
    assert ids(get_json(client, "/api/articles", {"author": "ioana-popescu"})) == [vote]
    both = {"author": "redactia-gazeta", "section": "economie", "tag": "buget"}
    assert ids(get_json(client, "/api/articles", both)) == [prices]


def test_filter_by_unknown_slug_gives_an_empty_list(client, newsroom):
    for name in ("section", "tag", "author"):
        page = get_json(client, "/api/articles", {name: "nu-exista"})
        assert page == {"items": [], "next": None, "next_cursor": None}


def test_date_range_counts_days_in_the_site_time_zone(client, now):
    # 23:30 on 31 October and 00:30 on 1 November in Bucharest (UTC+2 after 27 October).
    late = ArticleFactory(published_at=datetime(2024, 10, 31, 21, 30, tzinfo=UTC))
    early = ArticleFactory(published_at=datetime(2024, 10, 31, 22, 30, tzinfo=UTC))
    assert ids(get_json(client, "/api/articles", {"until": "2024-10-31"})) == [late.pk]
    assert ids(get_json(client, "/api/articles", {"since": "2024-11-01"})) == [early.pk]
    both_days = {"since": "2024-10-31", "until": "2024-11-01"}
    assert ids(get_json(client, "/api/articles", both_days)) == [early.pk, late.pk]
    assert ids(get_json(client, "/api/articles", {"since": "2024-11-02"})) == []
    reversed_range = {"since": "2024-11-01", "until": "2024-10-31"}
    assert ids(get_json(client, "/api/articles", reversed_range)) == []


def test_extreme_dates_filter_nothing_out_instead_of_failing(client, newsroom):
    wide = {"since": "0001-01-01", "until": "9999-12-31"}
    assert ids(get_json(client, "/api/articles", wide)) == [newsroom.vote.pk, newsroom.prices.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"since": "ieri"},
        {"until": "2024-13-01"},
        {"section": "Politică"},
        {"section": "a\x00b"},
        {"tag": "x" * 500},
        {"author": "../etc"},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "zece"},
    ],
)
def test_invalid_parameters_get_400_with_a_json_error(client, newsroom, params):
    error = get_json(client, "/api/articles", params, status=400)
    assert error["detail"] == "Invalid request parameters."
    assert error["errors"][0]["loc"] == ["query", next(iter(params))]


# Pagination -------------------------------------------------------------------------------


def walk(client, url, params) -> tuple[list, int]:
    """Follow ``next`` links from the first page to the last: (the article ids or the
    names, in order; the number of pages)."""
    seen, pages = [], 0
    response = get_json(client, url, params)
    while True:
        pages += 1
        seen += [item["id"] if "id" in item else item["name"] for item in response["items"]]
        if response["next"] is None:
            assert response["next_cursor"] is None
            return seen, pages
        next_url = urlsplit(response["next"])
        assert response["next"].startswith(f"{SITE}{url}?")
        assert f"cursor={response['next_cursor']}" in next_url.query
        response = get_json(client, f"{next_url.path}?{next_url.query}")


def test_cursor_walks_every_article_once_when_many_share_a_publication_time(client, now):
    section = SectionFactory(slug="politica")
    other = SectionFactory(slug="sport")
    # Microseconds: the cursor must carry the time exactly, on SQLite and PostgreSQL.
    shared = now - timedelta(hours=1, microseconds=123_456)
    tied = [ArticleFactory(section=section, published_at=shared) for _ in range(23)]
    spread = [
        ArticleFactory(section=section, published_at=shared + timedelta(seconds=s))
        for s in (-7200, -1, 1, 60)
    ]
    sport = [ArticleFactory(section=other, published_at=shared) for _ in range(5)]
    # Same publication time but not published: never in any page.
    draft = DraftFactory(section=section)
    Article.objects.filter(pk=draft.pk).update(published_at=shared)
    everything = sorted(tied + spread + sport, key=lambda a: (a.published_at, a.pk), reverse=True)

    seen, pages = walk(client, "/api/articles", {"limit": "4"})
    assert seen == [a.pk for a in everything]
    assert pages == 8

    in_section = [a.pk for a in everything if a.section_id == section.pk]
    seen, pages = walk(client, "/api/articles", {"limit": "5", "section": "politica"})
    assert seen == in_section
    assert pages == 6
    assert len(set(seen)) == len(seen)


def test_cursor_pages_stay_in_place_when_an_article_is_published_between_them(client, now):
    articles = [
        ArticleFactory(published_at=now - timedelta(minutes=m)) for m in (5, 10, 10, 10, 20, 30)
    ]
    expected = sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)
    first = get_json(client, "/api/articles", {"limit": "3"})
    ArticleFactory(published_at=now - timedelta(minutes=1))
    second = get_json(client, "/api/articles", {"limit": "3", "cursor": first["next_cursor"]})
    assert ids(first) + ids(second) == [a.pk for a in expected]


def test_authors_and_tags_lists_are_paginated_by_name(client, now):
    authors = [AuthorFactory(name=f"Autor {letter}") for letter in "EDCBAF"]
    authors.append(AuthorFactory(name="Autor A"))  # same name, told apart by id
    article = ArticleFactory(authors=authors)
    article.tags.set([TagFactory(name=f"Tema {n:02}") for n in range(7)])
    names, pages = walk(client, "/api/authors", {"limit": "2"})
    assert names == sorted(a.name for a in authors)
    assert pages == 4
    page = get_json(client, "/api/authors", {"limit": "100"})
    by_name_then_id = sorted(authors, key=lambda a: (a.name, a.pk))
    assert [item["slug"] for item in page["items"]] == [a.slug for a in by_name_then_id]
    names, pages = walk(client, "/api/tags", {"limit": "3"})
    assert names == [f"Tema {n:02}" for n in range(7)]
    assert pages == 3


def b64(raw: str) -> str:
    return urlsafe_b64encode(raw.encode()).decode().rstrip("=")


BAD_CURSORS = [
    "abc",
    "!!!!",
    "ăîșț",
    "a\x00b",
    "x" * 10_000,
    b64("not json"),
    b64("[]"),
    b64("{}"),
    b64('"2024-11-01T10:00:00+00:00"'),
    b64('["2024-11-01T10:00:00+00:00"]'),
    b64('["2024-11-01T10:00:00+00:00", "7"]'),
    b64('["2024-11-01T10:00:00+00:00", -1]'),
    b64('["2024-11-01T10:00:00+00:00", 99999999999999999999999]'),
    b64('["2024-11-01T10:00:00+00:00", true]'),
    b64('["2024-11-01T10:00:00", 7]'),
    b64('["0001-01-01T00:00:00+05:00", 7]'),
    b64('["9999-12-31T23:59:59-05:00", 7]'),
    b64('["ieri", 7]'),
    b64("[null, 7]"),
    b64("[" * 5000),
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_bad_article_cursor_gets_400_with_a_json_error(client, newsroom, cursor):
    error = get_json(client, "/api/articles", {"cursor": cursor}, status=400)
    assert error == {"detail": "Invalid cursor."}


@pytest.mark.parametrize("endpoint", ["/api/authors", "/api/tags"])
@pytest.mark.parametrize("cursor", ["abc", b64('["A\\u0000", 3]'), b64(json.dumps(["x" * 400, 3]))])
def test_bad_name_cursor_gets_400_with_a_json_error(client, newsroom, endpoint, cursor):
    assert get_json(client, endpoint, {"cursor": cursor}, status=400) == {
        "detail": "Invalid cursor."
    }


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cursor=st.one_of(
        st.text(max_size=80),
        st.builds(b64, st.text(max_size=60)),
        st.builds(
            lambda value, pk: b64(json.dumps([value, pk])),
            st.one_of(st.text(max_size=40), st.datetimes(timezones=st.timezones()).map(str)),
            st.integers(),
        ),
    )
)
def test_no_cursor_makes_the_api_fail(client, newsroom, cursor):
    for endpoint in ("/api/articles", "/api/authors"):
        response = client.get(endpoint, {"cursor": cursor})
        assert response.status_code in (200, 400), (cursor, response.content[:300])
        assert response["Content-Type"].startswith("application/json")


# Topic and author lists ---------------------------------------------------------------------
# Read in order from the link tables' indexes (api.LINK_ORDERS): the same answers, order and
# cursors as ordering the articles themselves.


@pytest.fixture
def topic(now):
    """30 published articles on one topic by one author, three at each publication time, with
    a second author on some and more topics on others; around them, the topic's and the
    author's unpublished articles, and articles on other topics by other authors."""
    tag, other_tag, third_tag = TagFactory(slug="buget"), TagFactory(), TagFactory()
    author, other_author = AuthorFactory(slug="ioana-popescu"), AuthorFactory()
    sections = [SectionFactory(slug="politica"), SectionFactory(slug="economie")]
    articles = []
    for n in range(30):
        authors = [author, other_author] if n % 4 == 0 else [author]
        article = ArticleFactory(
            section=sections[n % 7 % 2],
            published_at=now - timedelta(minutes=7 * (n // 3) + 1),
            authors=authors,
        )
        article.tags.set([tag, other_tag, third_tag] if n % 5 == 0 else [tag])
        articles.append(article)
    unpublished = [
        DraftFactory(),
        ArticleFactory(status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=1)),
        ArticleFactory(published_at=now + timedelta(minutes=5)),
        ArticleFactory(
            published_at=now - timedelta(minutes=30), expires_at=now - timedelta(minutes=1)
        ),
    ]
    for article in unpublished:
        article.tags.add(tag)
        Byline.objects.create(article=article, author=author)
    for minutes in (3, 40):
        elsewhere = ArticleFactory(
            published_at=now - timedelta(minutes=minutes), authors=[other_author]
        )
        elsewhere.tags.set([other_tag])
    return SimpleNamespace(tag=tag, author=author, other_author=other_author, articles=articles)


def newest_first(articles) -> list[int]:
    """The ids in the order of the plain article list, computed from the articles alone."""
    return list(articles.order_by("-published_at", "-id").values_list("pk", flat=True))


@pytest.mark.parametrize(
    "params, articles",
    [
        ({"tag": "buget"}, lambda t: Article.objects.filter(tags=t.tag)),
        ({"author": "ioana-popescu"}, lambda t: Article.objects.filter(authors=t.author)),
        (
            {"tag": "buget", "author": "ioana-popescu"},
            lambda t: Article.objects.filter(tags=t.tag).filter(authors=t.author),
        ),
        (
            {"tag": "buget", "section": "economie"},
            lambda t: Article.objects.filter(tags=t.tag, section__slug="economie"),
        ),
        (
            {"author": "ioana-popescu", "section": "politica"},
            lambda t: Article.objects.filter(authors=t.author, section__slug="politica"),
        ),
    ],
)
@pytest.mark.parametrize("limit", ["1", "4", "7", "100"])
def test_topic_and_author_lists_page_through_in_the_plain_order(
    client, topic, params, articles, limit
):
    expected = newest_first(articles(topic).published())
    seen, pages = walk(client, "/api/articles", {**params, "limit": limit})
    assert seen == expected
    assert len(set(seen)) == len(seen)
    assert pages == max(1, -(-len(expected) // int(limit)))
    assert len(expected) >= 10


def test_other_authors_topics_lists_have_their_shared_articles_once(client, topic):
    expected = newest_first(Article.objects.published().filter(authors=topic.other_author))
    assert len(expected) == 10  # 8 shared bylines and 2 articles of its own
    seen, _pages = walk(client, "/api/articles", {"author": topic.other_author.slug, "limit": "3"})
    assert seen == expected
    for article in topic.articles[::5]:
        for tag in article.tags.all():
            seen, _pages = walk(client, "/api/articles", {"tag": tag.slug, "limit": "2"})
            assert seen == newest_first(Article.objects.published().filter(tags=tag))
            assert seen.count(article.pk) == 1


def test_topic_list_cursor_has_the_usual_format_and_is_understood_by_every_list(client, topic):
    page = get_json(client, "/api/articles", {"tag": "buget", "limit": "4"})
    last = page["items"][-1]
    moment, pk = json.loads(b64decode_cursor(page["next_cursor"]))
    assert pk == last["id"]
    assert datetime.fromisoformat(moment) == datetime.fromisoformat(last["published_at"])
    assert moment.endswith("+00:00")
    everything = newest_first(Article.objects.published())
    # The plain list's page ending on the same article ends with the same cursor.
    plain = get_json(client, "/api/articles", {"limit": str(everything.index(last["id"]) + 1)})
    assert plain["next_cursor"] == page["next_cursor"]

    plain = get_json(client, "/api/articles", {"limit": "100", "cursor": page["next_cursor"]})
    assert ids(plain) == everything[everything.index(last["id"]) + 1 :]
    # A position that is not on the topic: the topic's articles after it.
    outsider = next(pk for pk in everything[3:] if pk not in [a.pk for a in topic.articles])
    cursor = get_json(client, "/api/articles", {"limit": str(everything.index(outsider) + 1)})
    assert cursor["items"][-1]["id"] == outsider
    after = get_json(
        client, "/api/articles", {"tag": "buget", "limit": "100", "cursor": cursor["next_cursor"]}
    )
    topic_ids = newest_first(Article.objects.published().filter(tags=topic.tag))
    outsider_at = Article.objects.get(pk=outsider).published_at
    assert ids(after) == [
        pk
        for pk in topic_ids
        if (Article.objects.get(pk=pk).published_at, pk) < (outsider_at, outsider)
    ]


def b64decode_cursor(cursor: str) -> str:
    return urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()


def test_topic_and_author_lists_take_the_date_range_on_the_same_days(client, topic, now):
    topic.articles[0].published_at = now - timedelta(days=3)
    topic.articles[0].save()
    for params, articles in (
        ({"tag": "buget"}, Article.objects.filter(tags=topic.tag)),
        ({"author": "ioana-popescu"}, Article.objects.filter(authors=topic.author)),
    ):
        until = get_json(client, "/api/articles", {**params, "until": "2024-10-29"})
        assert ids(until) == [topic.articles[0].pk]
        since = get_json(client, "/api/articles", {**params, "since": "2024-11-01"})
        assert ids(since) == newest_first(articles.published())[:20]
        assert len(ids(since)) == 20 and topic.articles[0].pk not in ids(since)


@pytest.mark.parametrize("params", [{"tag": "buget"}, {"author": "ioana-popescu"}])
def test_topic_and_author_lists_query_count_does_not_grow(
    client, topic, params, django_assert_num_queries
):
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        first = get_json(client, "/api/articles", {**params, "limit": "10"})
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        second = get_json(
            client, "/api/articles", {**params, "limit": "10", "cursor": first["next_cursor"]}
        )
    assert len(ids(first)) == len(ids(second)) == 10


@pytest.mark.parametrize("cursor", ["abc", b64('["ieri", 7]'), b64('["2024-11-01T10:00:00", 7]')])
@pytest.mark.parametrize("params", [{"tag": "buget"}, {"author": "ioana-popescu"}])
def test_bad_cursor_on_a_topic_or_author_list_gets_400(client, topic, params, cursor):
    error = get_json(client, "/api/articles", {**params, "cursor": cursor}, status=400)
    assert error == {"detail": "Invalid cursor."}


# Search -----------------------------------------------------------------------------------


def headlines(page) -> list[str]:
    return [item["headline"] for item in page["items"]]


def test_search_finds_words_typed_without_diacritics_and_marks_them(client, newsroom):
    page = get_json(client, "/api/search", {"q": "sedinta"})
    assert ids(page) == [newsroom.vote.pk]
    hit = page["items"][0]
    assert "<mark>ședință</mark>" in hit["snippet_html"]
    assert hit["url"] == f"{SITE}/politica/deputatii-au-votat-bugetul/"
    assert [a["slug"] for a in hit["authors"]] == ["ioana-popescu", "redactia-gazeta"]
    page = get_json(client, "/api/search", {"q": "deputatii"})
    assert page["items"][0]["headline_html"].startswith("<mark>Deputații</mark>")


def test_search_filters_by_section_and_days(client, newsroom):
    assert set(ids(get_json(client, "/api/search", {"q": "buget"}))) == {
        newsroom.vote.pk,
        newsroom.prices.pk,
    }
    assert ids(get_json(client, "/api/search", {"q": "buget", "section": "economie"})) == [
        newsroom.prices.pk
    ]
    assert ids(get_json(client, "/api/search", {"q": "buget", "since": "2024-11-01"})) == [
        newsroom.vote.pk
    ]
    assert ids(get_json(client, "/api/search", {"q": "buget", "until": "2024-10-31"})) == [
        newsroom.prices.pk
    ]
    wide = {"q": "buget", "since": "0001-01-01", "until": "9999-12-31"}
    assert len(ids(get_json(client, "/api/search", wide))) == 2
    assert ids(get_json(client, "/api/search", {"q": "buget", "section": "nu-exista"})) == []


def test_section_filter_applies_before_the_search_keeps_its_newest_matches(
    client, newsroom, monkeypatch
):
    # With room for one match only, the newer "vote" would crowd out the economy article.
    monkeypatch.setattr("gazeta.newsroom.search.SEARCH_MAX_RESULTS", 1)
    assert ids(get_json(client, "/api/search", {"q": "buget", "section": "economie"})) == [
        newsroom.prices.pk
    ]


@pytest.mark.parametrize("q", ["demisie", "ciorna", "programat", "anunt maine"])
def test_search_never_finds_drafts_or_scheduled_articles(client, newsroom, q):
    assert get_json(client, "/api/search", {"q": q})["items"] == []


@pytest.mark.parametrize(
    "q",
    ["", " ", "-buget", '"', "' OR 1=1; --", "a\x00b", "\ud7ff\x1b[0m", "ș" * 10_000, "*:(^)"],
)
def test_odd_search_queries_get_a_normal_answer(client, newsroom, q):
    page = get_json(client, "/api/search", {"q": q})
    assert page["next"] is None


def test_search_needs_a_query(client, newsroom):
    error = get_json(client, "/api/search", status=400)
    assert error["errors"][0]["loc"] == ["query", "q"]


def test_search_results_page_through_with_a_cursor(client, now):
    articles = [
        ArticleFactory(
            headline=f"Bugetul orașului, partea {n}", published_at=now - timedelta(hours=n)
        )
        for n in range(1, 24)
    ]
    search_index_update(articles=articles)
    seen, pages = walk(client, "/api/search", {"q": "bugetul", "limit": "10"})
    assert sorted(seen) == sorted(a.pk for a in articles)
    assert pages == 3


@pytest.mark.parametrize(
    "cursor",
    ["abc", b64("[0]"), b64("[-3]"), b64("[1000]"), b64('["2024-11-01T10:00:00+00:00", 7]')],
)
def test_bad_search_cursor_gets_400(client, newsroom, cursor):
    error = get_json(client, "/api/search", {"q": "buget", "cursor": cursor}, status=400)
    assert error == {"detail": "Invalid cursor."}


def test_search_is_rate_limited_per_address(client, newsroom, settings):
    cache.clear()
    settings.GAZETA_SEARCH_RATE_LIMIT = 2
    for _ in range(2):
        get_json(client, "/api/search", {"q": "buget"})
    error = get_json(client, "/api/search", {"q": "buget"}, status=429)
    assert "detail" in error
    assert client.get("/api/search", {"q": "buget"})["Retry-After"] == "60"
    other = client.get("/api/search", {"q": "buget"}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200


def test_search_answers_stay_out_of_shared_caches_but_have_an_etag(client, newsroom):
    response = client.get("/api/search", {"q": "buget"})
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    again = client.get("/api/search", {"q": "buget"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


# Caching ----------------------------------------------------------------------------------


def test_answers_carry_an_etag_and_short_public_cache_lifetimes(client, newsroom, settings):
    response = client.get("/api/articles")
    assert re.fullmatch(r'(W/)?"[^"]+"', response["ETag"])
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"public", f"max-age={settings.GAZETA_CACHE_BROWSER_MAX_AGE}"} <= directives
    assert f"s-maxage={settings.GAZETA_CACHE_SHARED_MAX_AGE}" in directives


@pytest.mark.parametrize("url", ["/api/articles", "/api/sections", "/api/tags"])
def test_matching_if_none_match_gets_304_without_a_body(client, newsroom, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "public" in response["Cache-Control"]


def test_etag_changes_when_the_article_changes(client, newsroom):
    url = f"/api/articles/{newsroom.vote.pk}"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    newsroom.vote.headline = "Deputații au votat bugetul, după zece ore"
    newsroom.vote.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["headline"] == "Deputații au votat bugetul, după zece ore"


def test_errors_are_not_cached_publicly(client, newsroom):
    for url in ("/api/articles/999999", "/api/articles?cursor=abc"):
        response = client.get(url)
        assert "public" not in response.get("Cache-Control", "")
        assert not response.has_header("ETag")


# Not found --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/articles/999999",
        "/api/articles/99999999999999999999999",
        "/api/sections/nu-exista",
        "/api/sections/economie/articles/deputatii-au-votat-bugetul",  # wrong section
        "/api/sections/politica/articles/nu-exista",
        "/api/authors/nu-exista",
        "/api/tags/nu-exista",
        "/api/nu-exista",
        "/api/articles/abc",
        "/api/articles/1/comments",
    ],
)
def test_unknown_things_get_404_as_json(client, newsroom, url):
    assert get_json(client, url, status=404) == {"detail": "Not Found"}


# Query budgets ----------------------------------------------------------------------------

# The page of articles with their sections; bylines with authors; credits with agencies; tags.
ARTICLE_PAGE_QUERIES = 4


def bulk_articles(count: int, now) -> list[Article]:
    sections = [SectionFactory() for _ in range(3)]
    authors = [AuthorFactory() for _ in range(3)]
    agencies = [AgencyFactory(name="AFP", slug="afp"), AgencyFactory()]
    tags = [TagFactory() for _ in range(3)]
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Știrea {i}",
            slug=f"stirea-{i}",
            section=sections[i % 3],
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i // 2 + 1),
        )
        for i in range(count)
    )
    Byline.objects.bulk_create(
        Byline(article=a, author=author, position=p)
        for a in articles
        for p, author in enumerate(authors)
    )
    Credit.objects.bulk_create(
        Credit(article=a, agency=agency, position=p)
        for a in articles
        for p, agency in enumerate(agencies)
    )
    Article.tags.through.objects.bulk_create(
        Article.tags.through(article=a, tag=tag) for a in articles for tag in tags
    )
    return articles


@pytest.mark.parametrize("size", [5, 50])
def test_article_list_query_count_does_not_grow_with_the_page(
    client, now, size, django_assert_num_queries
):
    bulk_articles(size, now)
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        page = get_json(client, "/api/articles", {"limit": "100"})
    assert len(page["items"]) == size
    assert all(len(item["authors"]) == 3 and len(item["tags"]) == 3 for item in page["items"])
    first = get_json(client, "/api/articles", {"limit": "2"})
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        page = get_json(client, "/api/articles", {"limit": "100", "cursor": first["next_cursor"]})
    assert len(page["items"]) == size - 2


@pytest.mark.parametrize("size", [5, 50])
def test_other_endpoints_query_count_does_not_grow(client, now, size, django_assert_num_queries):
    articles = bulk_articles(size, now)
    article = articles[-1]
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        get_json(client, f"/api/articles/{article.pk}")
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
        get_json(client, f"/api/sections/{article.section.slug}/articles/{article.slug}")
    for url in ("/api/sections", "/api/authors", "/api/tags"):
        with django_assert_num_queries(1):
            get_json(client, url, {"limit": "100"} if url != "/api/sections" else {})
    search_index_update(articles=Article.objects.all())
    # Plus finding the newest matching articles before they are ranked (search.py): one
    # query on SQLite, two on PostgreSQL.
    finding = 1 if connection.vendor == "sqlite" else 2
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES + finding):
        page = get_json(client, "/api/search", {"q": "stirea", "limit": "100"})
    assert len(page["items"]) == size

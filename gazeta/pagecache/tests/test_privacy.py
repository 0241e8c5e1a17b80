"""A page file is shared by every anonymous reader, so nothing of one reader may get into it:
not the commenter's remembered details, not their comment held for moderation, not a staff
preview. Nor may a reader with such a page of their own be given the shared file instead."""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import signing
from django.http import HttpResponse
from django.test import Client, RequestFactory

from gazeta.comments.models import Comment
from gazeta.comments.personal import HELD_PARAM, held_comment_token
from gazeta.comments.tests.factories import CommentFactory
from gazeta.core.cache import private_no_cache, public_cache
from gazeta.newsroom.tests.factories import ArticleFactory, DraftFactory
from gazeta.pagecache.middleware import is_storable

from .conftest import stored

pytestmark = pytest.mark.django_db

READER = {"name": "Maria Cititoare", "email": "maria.privat@example.org", "website": ""}


def consent_cookie() -> str:
    return signing.dumps(READER, salt="gazeta.comments.commenter", compress=True)


def reader_client() -> Client:
    client = Client()
    client.cookies[settings.GAZETA_COMMENTER_COOKIE] = consent_cookie()
    return client


def all_page_bytes(root) -> bytes:
    return b"".join(open(os.path.join(d, f), "rb").read() for d, _, fs in os.walk(root) for f in fs)


@pytest.fixture
def article():
    return ArticleFactory(headline="Podul se redeschide luni")


def test_a_reader_with_the_consent_cookie_creates_no_shared_file(page_files, article):
    url = article.get_absolute_url()

    own = reader_client().get(url)

    assert READER["email"] in own.content.decode()
    assert "private" in own["Cache-Control"]
    assert stored(page_files, url) is None
    assert READER["email"].encode() not in all_page_bytes(page_files)


def test_a_reader_with_the_consent_cookie_never_gets_the_shared_file(client, page_files, article):
    url = article.get_absolute_url()
    client.get(url)
    assert stored(page_files, url) is not None

    own = reader_client().get(url)

    assert "X-Gazeta-Page" not in own
    assert READER["email"] in own.content.decode()
    assert "private" in own["Cache-Control"]
    assert READER["email"].encode() not in stored(page_files, url).read_bytes()


def test_a_held_comment_link_is_never_written_and_never_answered_from_a_file(
    client, page_files, article
):
    url = article.get_absolute_url()
    client.get(url)
    shared = stored(page_files, url).read_bytes()
    held = CommentFactory(
        article=article, status=Comment.Status.PENDING, body="Comentariu încă nemoderat."
    )

    own = Client().get(url, {HELD_PARAM: held_comment_token(held)})

    assert "Comentariu încă nemoderat." in own.content.decode()
    assert "X-Gazeta-Page" not in own and "private" in own["Cache-Control"]
    assert stored(page_files, url).read_bytes() == shared
    assert b"nemoderat" not in all_page_bytes(page_files)


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user(username="editor", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_article", "publish_article"])
    )
    return user


def test_an_editor_previewing_a_draft_leaves_no_file(page_files, editor):
    draft = DraftFactory(headline="Ciornă secretă")
    client = Client()
    client.force_login(editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200 and "private" in response["Cache-Control"]
    assert stored(page_files, draft.get_absolute_url()) is None
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_a_logged_in_editor_neither_writes_nor_reads_page_files(page_files, editor, article):
    client = Client()
    client.force_login(editor)
    url = article.get_absolute_url()

    client.get(url)
    assert stored(page_files, url) is None

    Client().get(url)
    assert stored(page_files, url) is not None
    assert "X-Gazeta-Page" not in client.get(url)


def test_admin_pages_are_never_written(client, page_files, editor):
    client.force_login(editor)
    client.get("/admin/")
    Client().get("/admin/login/")

    assert not [f for _, _, fs in os.walk(page_files) for f in fs if f.startswith("index")]


def test_error_pages_are_never_written(client, page_files):
    assert client.get("/nu-exista/").status_code == 404
    assert client.get("/sectiune/articol-lipsa/").status_code == 404
    assert stored(page_files, "/nu-exista/") is None


def request_get(path="/sport/", **cookies):
    request = RequestFactory().get(path)
    request.COOKIES.update(cookies)
    return request


def public(**headers) -> HttpResponse:
    response = public_cache(HttpResponse("<p>pagină</p>"))
    for name, value in headers.items():
        response[name] = value
    return response


def test_only_public_responses_shared_by_everyone_are_storable():
    assert is_storable(request_get(), public())
    assert is_storable(request_get(), public(Vary="Accept-Encoding, Cookie"))

    assert not is_storable(request_get(), private_no_cache(HttpResponse("x")))
    assert not is_storable(request_get(), public(Vary="Accept-Language"))
    assert not is_storable(request_get(csrftoken="x"), public(Vary="Cookie"))
    assert not is_storable(request_get(), public(**{"Content-Encoding": "gzip"}))
    assert not is_storable(request_get(), public(**{"Cache-Control": "public, s-maxage=0"}))
    with_cookie = public()
    with_cookie.set_cookie("tracker", "1")
    assert not is_storable(request_get(), with_cookie)
    head = RequestFactory().head("/sport/")
    assert not is_storable(head, public())

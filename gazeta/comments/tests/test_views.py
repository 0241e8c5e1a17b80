"""Posting a comment over HTTP, as a browser without JavaScript does."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from gazeta.comments.forms import form_started_token
from gazeta.comments.models import Comment
from gazeta.newsroom.tests.factories import ArticleFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

POST_URL = "/comentarii/trimite/"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture(autouse=True)
def no_fill_time(settings):
    settings.GAZETA_COMMENT_MIN_FILL_SECONDS = 0


@pytest.fixture
def article():
    return ArticleFactory()


def form_data(article, **overrides):
    return {
        "article": str(article.pk),
        "body": "Un comentariu cu diacritice: ș, ț, ă, î, â.",
        "name": "Ion Ionescu",
        "email": "ion@example.org",
        "website": "",
        "started": form_started_token(),
    } | overrides


def post(client, data, **headers):
    return client.post(POST_URL, data, **(SAME_ORIGIN | headers))


def test_held_comment_redirects_to_the_article_where_only_its_author_sees_it(client, article):
    response = post(client, form_data(article))
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    location = response["Location"]
    assert location.startswith(article.get_absolute_url() + "?comentariu=")
    assert location.endswith(f"#comment-{comment.pk}")

    own = client.get(location)
    own_html = own.content.decode()
    assert "Un comentariu cu diacritice" in own_html
    assert "Comentariul tău așteaptă moderarea." in own_html
    assert "private" in own["Cache-Control"] and "no-cache" in own["Cache-Control"]

    someone_else = client.get(article.get_absolute_url())
    assert "Un comentariu cu diacritice" not in someone_else.content.decode()
    assert "public" in someone_else["Cache-Control"]


def test_forged_preview_token_shows_nothing(client, article):
    held = CommentFactory(article=article, status=Comment.Status.PENDING, body="secret ținut")
    html = client.get(f"{article.get_absolute_url()}?comentariu={held.pk}:forged").content
    assert "secret ținut" not in html.decode()


def test_preview_token_of_a_comment_on_another_article_shows_nothing(client, article):
    response = post(client, form_data(article))
    token = response["Location"].split("comentariu=")[1].split("#")[0]
    other = ArticleFactory()
    html = client.get(f"{other.get_absolute_url()}?comentariu={token}").content.decode()
    assert "Un comentariu cu diacritice" not in html


def test_approved_commenter_lands_on_their_published_comment(client, article):
    CommentFactory(email="ion@example.org", created_at=timezone.now() - timedelta(days=1))
    response = post(client, form_data(article))
    comment = Comment.objects.latest("pk")
    assert comment.status == Comment.Status.APPROVED
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert f'id="comment-{comment.pk}"' in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"body": ""}, "comentariul"),
        ({"name": "   "}, "numele"),
        ({"email": ""}, "adresa de email"),
        ({"email": "nu-e-email"}, "adresă de email validă"),
        ({"body": "x" * 65_526}, "65525"),
        ({"name": "n" * 246}, "245"),
        ({"email": "a" * 95 + "@example.org"}, "100"),
        ({"website": "https://example.org/" + "p" * 200}, "200"),
        ({"website": "javascript:alert(1)"}, "URL valid"),
    ],
)
def test_invalid_form_is_shown_again_with_a_romanian_message_and_the_text_kept(
    client, article, overrides, message
):
    data = form_data(article, body="Textul meu lung, păstrat.") | overrides
    response = post(client, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message.lower() in html.lower()
    if overrides.get("body", "x") != "" and "body" not in overrides:
        assert "Textul meu lung, păstrat." in html
    assert Comment.objects.count() == 0


def test_closed_article_keeps_the_text_and_says_why(client, article):
    article.comments_open = False
    article.save()
    response = post(client, form_data(article, body="Aș fi vrut să spun ceva."))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Aș fi vrut să spun ceva." in html
    assert "închise" in html


def test_flood_answers_429_with_the_text_kept(client, article):
    post(client, form_data(article, body="primul"))
    response = post(client, form_data(article, body="al doilea, prea repede"))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "al doilea, prea repede" in response.content.decode()


def test_duplicate_is_refused_with_the_text_kept(client, article, settings):
    settings.GAZETA_COMMENT_RATE_LIMITS = False
    post(client, form_data(article, body="de două ori"))
    response = post(client, form_data(article, body="de două ori"))
    assert response.status_code == 409
    assert "de două ori" in response.content.decode()
    assert Comment.objects.count() == 1


def test_unknown_parent_is_refused_with_the_text_kept(client, article):
    response = post(client, form_data(article, parent="424242", body="răspuns pierdut?"))
    assert response.status_code == 400
    assert "răspuns pierdut?" in response.content.decode()


def test_foreign_parent_is_refused(client, article):
    foreign = CommentFactory()
    response = post(client, form_data(article, parent=str(foreign.pk)))
    assert response.status_code == 400
    assert Comment.objects.filter(article=article).count() == 0


def test_honeypot_refuses_the_comment(client, article):
    response = post(client, form_data(article, homepage="http://spam.example"))
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_too_fast_submit_is_refused_but_the_text_survives(client, article, settings):
    settings.GAZETA_COMMENT_MIN_FILL_SECONDS = 3
    response = post(client, form_data(article, body="scris foarte repede"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "scris foarte repede" in html
    assert Comment.objects.count() == 0


def test_missing_or_cross_site_origin_is_refused_with_the_text_kept(client, article):
    data = form_data(article, body="trimis de pe alt site")
    response = client.post(POST_URL, data, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert "trimis de pe alt site" in response.content.decode()
    assert client.post(POST_URL, data).status_code == 403
    assert client.post(POST_URL, data, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert Comment.objects.count() == 0


def test_origin_header_of_the_site_itself_is_accepted(client, article):
    response = client.post(POST_URL, form_data(article), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303


def test_unknown_or_unpublished_article_is_404(client):
    draft = ArticleFactory(status="draft", published_at=None)
    assert post(client, form_data(draft)).status_code == 404
    assert post(client, {"article": "abc"}).status_code == 404
    assert post(client, {}).status_code == 404


def test_get_is_not_allowed(client):
    assert client.get(POST_URL).status_code == 405


def test_control_characters_are_stripped(client, article):
    post(client, form_data(article, body="linia\x01 unu\x1b\x7f", name="Ana\x07"))
    comment = Comment.objects.get()
    assert comment.body == "linia unu"
    assert comment.name == "Ana"


def test_nul_bytes_and_invalid_utf8_get_a_4xx_never_a_500(client, article):
    response = client.generic(
        "POST",
        POST_URL,
        b"article=" + str(article.pk).encode() + b"&body=%FF%FE%00&name=%C3&email=a%40b.ro",
        content_type="application/x-www-form-urlencoded",
        **SAME_ORIGIN,
    )
    assert 400 <= response.status_code < 500


def test_huge_body_gets_a_4xx(client, article, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    response = post(client, form_data(article, body="a" * 2_000_000))
    assert 400 <= response.status_code < 500


def test_consent_cookie_is_set_only_when_ticked(client, article, settings):
    settings.GAZETA_COMMENT_RATE_LIMITS = False
    response = post(client, form_data(article, body="fără bifă"))
    cookie = response.cookies.get("gazeta_commenter")
    assert cookie is None or cookie.value == ""
    response = post(
        client,
        form_data(article, body="cu bifă", remember="on", website="https://blog.example.org"),
    )
    assert response.cookies["gazeta_commenter"].value
    assert response.cookies["gazeta_commenter"]["httponly"]
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    assert 'value="Ion Ionescu"' in html
    assert 'value="ion@example.org"' in html
    assert "private" in page["Cache-Control"]


def test_unticking_consent_forgets_the_reader(client, article, settings):
    settings.GAZETA_COMMENT_RATE_LIMITS = False
    post(client, form_data(article, body="cu bifă", remember="on"))
    response = post(client, form_data(article, body="acum fără"))
    assert response.cookies["gazeta_commenter"].value == ""
    assert 'value="ion@example.org"' not in client.get(article.get_absolute_url()).content.decode()


def test_reply_form_without_javascript(client, article):
    parent = CommentFactory(article=article, name="Elena")
    html = client.get(f"{article.get_absolute_url()}?raspunde={parent.pk}").content.decode()
    assert f'name="parent" value="{parent.pk}"' in html
    assert "Elena" in html
    assert re.search(r'href="[^"]*#raspunde"[^>]*>\s*Anulează răspunsul', html)


def test_reply_link_disappears_at_max_depth(client, article, settings):
    settings.GAZETA_COMMENT_MAX_DEPTH = 2
    top = CommentFactory(article=article)
    child = CommentFactory(article=article, parent=top)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"?raspunde={top.pk}#raspunde" in html
    assert f"?raspunde={child.pk}#raspunde" not in html


def test_comment_anchors_and_reply_link_of_a_large_id_are_plain_digits(client, article):
    # The site groups thousands ("12.345"); anchors and ?raspunde= must not.
    comment = CommentFactory(article=article, pk=12_345, name="Elena")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="comment-12345"' in html
    assert 'href="#comment-12345"' in html
    assert "?raspunde=12345#raspunde" in html
    replying = client.get(f"{article.get_absolute_url()}?raspunde={comment.pk}").content.decode()
    assert 'name="parent" value="12345"' in replying


def test_moderators_are_emailed_about_held_comments(
    client, article, django_user_model, django_capture_on_commit_callbacks
):
    django_user_model.objects.create_superuser("sef", "sef@gazeta.example", "x")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_data(article))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sef@gazeta.example"]
    assert article.headline in mail.outbox[0].subject


def test_database_unavailable_keeps_the_text_in_a_page_that_needs_no_database(
    client, article, monkeypatch
):
    from django.db import OperationalError

    from gazeta.comments import views

    def unavailable(raw_id):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "_article_or_404", unavailable)
    response = post(client, form_data(article, body="Textul meu, să nu se piardă."))
    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    assert "Textul meu, să nu se piardă." in html
    assert 'value="ion@example.org"' in html
    assert f'name="article" value="{article.pk}"' in html
    assert "private" in response["Cache-Control"]
    assert Comment.objects.count() == 0

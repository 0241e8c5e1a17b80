"""A commenter's email address is never published: not on any public page, not in the held
preview, not in a header, not hashed for an avatar service. The only place it is shown is the
commenter's own form, in a response no one else gets."""

import hashlib
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from gazeta.comments.forms import form_started_token
from gazeta.comments.models import Comment
from gazeta.newsroom.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

POST_URL = "/comentarii/trimite/"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
APPROVED_EMAIL = "Elena.Secret@example.org"
HELD_EMAIL = "ion.ascuns@example.org"
READER_EMAIL = "cititor.privat@example.org"


@pytest.fixture(autouse=True)
def no_fill_time(settings):
    settings.GAZETA_COMMENT_MIN_FILL_SECONDS = 0


@pytest.fixture
def article():
    section = SectionFactory(name="Local", slug="local")
    author = AuthorFactory(name="Ana Popescu", slug="ana-popescu")
    article = ArticleFactory(
        headline="Strada Lungă se redeschide", section=section, authors=[author]
    )
    approved = CommentFactory(
        article=article,
        name="Elena",
        email=APPROVED_EMAIL,
        website="https://elena.example.net",
        body="Scrieți-mi la elena (nu pun adresa aici). Vezi https://primaria.example.net/plan",
        ip_address="203.0.113.10",
        user_agent="Firefox 140",
    )
    CommentFactory(article=article, parent=approved, name="Dan", email="dan.ascuns@example.org")
    CommentFactory(
        article=article,
        name="Spammer",
        email="spam.ascuns@example.org",
        status=Comment.Status.SPAM,
    )
    return article


def form_data(article, **overrides):
    return {
        "article": str(article.pk),
        "body": "Părerea mea despre stradă.",
        "name": "Ion",
        "email": HELD_EMAIL,
        "started": form_started_token(),
    } | overrides


def forms_of(email: str) -> set[str]:
    """The ways an address can show up in a page: as typed, lowercased, escaped, percent-
    encoded, and as the MD5/SHA-256 hashes avatar services (Gravatar) look it up by."""
    lower = email.strip().lower()
    return {
        email,
        lower,
        quote(email),
        quote(lower),
        lower.replace("@", "&#64;"),
        hashlib.md5(lower.encode()).hexdigest(),  # noqa: S324 - the hash Gravatar uses
        hashlib.sha256(lower.encode()).hexdigest(),
    }


def assert_no_email(response, *emails):
    text = response.content.decode(errors="replace").lower()
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items()).lower()
    for email in emails:
        for form in forms_of(email):
            assert form.lower() not in text, f"{form} in {response.request['PATH_INFO']}"
            assert form.lower() not in headers, f"{form} in a header"


ALL_EMAILS = (APPROVED_EMAIL, HELD_EMAIL, "dan.ascuns@example.org", "spam.ascuns@example.org")


def test_public_pages_never_show_a_commenters_email(client, article):
    CommentFactory(article=article, email=HELD_EMAIL, status=Comment.Status.PENDING)
    elena = Comment.objects.get(name="Elena")
    author = article.authors.get()
    pages = [
        "/",
        article.section.get_absolute_url(),
        author.get_absolute_url(),
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?raspunde={elena.pk}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_email(response, *ALL_EMAILS)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Elena" in page and "Dan" in page  # the comments are there, their addresses not


def same_site_links(response) -> set[str]:
    """Addresses on this site that a page, feed or sitemap points to."""
    text = response.content.decode(errors="replace")
    found = re.findall(r'(?:href|src)="([^"]+)"', text)
    found += re.findall(r"<(?:loc|link|id)>\s*([^<\s]+)\s*</", text)
    found += re.findall(r"^Sitemap:\s*(\S+)", text, flags=re.MULTILINE)
    own = {"", "testserver", urlsplit(settings.GAZETA_SITE_URL).netloc}
    links = set()
    for url in found:
        parts = urlsplit(url.replace("&amp;", "&"))
        if parts.scheme in ("", "http", "https") and parts.netloc in own and parts.path:
            links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def test_no_public_page_linked_from_the_site_shows_a_commenters_email(client, article):
    """Whatever public pages, feeds and sitemaps the site has, follow every link from the
    home page, the article and robots.txt, and look for the addresses in each answer."""
    CommentFactory(article=article, email=HELD_EMAIL, status=Comment.Status.PENDING)
    to_visit = ["/", article.get_absolute_url(), "/robots.txt"]
    seen = set()
    while to_visit and len(seen) < 300:
        url = to_visit.pop()
        if url in seen or url.startswith(("/admin/", "/static/", POST_URL)):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        assert_no_email(response, *ALL_EMAILS)
        if response.status_code == 200 and not response.get("Content-Type", "").startswith(
            "image/"
        ):
            to_visit.extend(same_site_links(response) - seen)
    assert article.get_absolute_url() in seen
    assert article.section.get_absolute_url() in seen
    assert article.authors.get().get_absolute_url() in seen


def test_not_found_pages_never_show_a_commenters_email(client, article):
    for url in ("/nu-exista/", f"{article.section.get_absolute_url()}nu-exista/", "/autor/nimeni/"):
        response = client.get(url)
        assert response.status_code == 404
        assert_no_email(response, *ALL_EMAILS)


def test_held_preview_shows_the_comment_but_not_the_email(client, article):
    response = client.post(POST_URL, form_data(article), **SAME_ORIGIN)
    assert response.status_code == 303
    assert_no_email(response, *ALL_EMAILS)

    preview = client.get(response["Location"])

    assert "Părerea mea despre stradă." in preview.content.decode()
    assert "Comentariul tău așteaptă moderarea." in preview.content.decode()
    assert_no_email(preview, *ALL_EMAILS)


def email_inputs(html: str, email: str) -> list[str]:
    return [tag for tag in re.findall(r"<input[^>]*>", html) if email in tag]


def test_failed_submit_shows_the_email_only_in_the_readers_own_private_form(client, article):
    response = client.post(POST_URL, form_data(article, name="", email=READER_EMAIL), **SAME_ORIGIN)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Te rugăm să îți scrii numele." in html
    assert html.count(READER_EMAIL) == 1
    [own_input] = email_inputs(html, READER_EMAIL)
    assert 'name="email"' in own_input and f'value="{READER_EMAIL}"' in own_input
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert_no_email(response, APPROVED_EMAIL, "dan.ascuns@example.org")

    someone_else = Client().get(article.get_absolute_url())
    assert_no_email(someone_else, READER_EMAIL, *ALL_EMAILS)
    assert "public" in someone_else["Cache-Control"]


def test_remembered_email_fills_only_the_readers_own_private_form(client, article, settings):
    settings.GAZETA_COMMENT_RATE_LIMITS = False
    client.post(POST_URL, form_data(article, email=READER_EMAIL, remember="on"), **SAME_ORIGIN)
    cookie = client.cookies[settings.GAZETA_COMMENTER_COOKIE].value
    assert READER_EMAIL not in cookie and quote(READER_EMAIL) not in cookie

    own = client.get(article.get_absolute_url())

    html = own.content.decode()
    assert html.count(READER_EMAIL) == 1
    assert email_inputs(html, READER_EMAIL)
    assert "private" in own["Cache-Control"]
    assert "Cookie" in own["Vary"]
    assert_no_email(Client().get(article.get_absolute_url()), READER_EMAIL)
    # The cookie personalises only pages with the form: feeds stay shareable.
    feed = client.get("/feed/")
    assert feed.status_code == 200 and "public" in feed["Cache-Control"]


class _Links(HTMLParser):
    """Every address the page loads or links to: (tag, attribute, value, rel)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "action", "srcset", "poster", "data", "formaction"):
            value = attrs.get(name)
            if value:
                self.found.append((tag, name, value, attrs.get("rel") or ""))
        style = attrs.get("style") or ""
        for url in re.findall(r"url\(([^)]*)\)", style):
            self.found.append((tag, "style", url.strip("'\""), ""))


def test_article_page_loads_nothing_from_another_site_and_no_avatars(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "gravatar" not in html.lower()
    assert "avatar" not in html.lower()

    parser = _Links()
    parser.feed(html)
    own_hosts = {"", "testserver", urlsplit(settings.GAZETA_SITE_URL).netloc}
    reader_links = []
    for tag, attribute, value, rel in parser.found:
        host = urlsplit(value.split()[0]).netloc
        if host in own_hosts:
            continue
        # Only links readers wrote may point elsewhere, and only as marked user content.
        assert (tag, attribute) == ("a", "href"), (tag, attribute, value)
        assert {"nofollow", "ugc"} <= set(rel.split()), value
        reader_links.append(value)
    assert sorted(reader_links) == [
        "https://elena.example.net",
        "https://primaria.example.net/plan",
    ]
    assert not re.search(r"<(img|script|iframe)[^>]+src=\"https?://", html)

"""Reader comments in a real browser: a reader posts a comment and a reply, both wait for
moderation and only she sees them; a moderator approves them in the admin; then everyone sees
them, the reply under its parent. The form's error state passes axe."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from gazeta.comments.models import Comment
from gazeta.comments.tests.factories import CommentFactory
from gazeta.newsroom.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .conftest import VIEWPORTS

pytestmark = pytest.mark.browser

COMMENT = "Bine că s-a terminat podul. Când se redeschide și linia de autobuz?"
REPLY = "Elena, am întrebat la primărie: autobuzul revine de luni."
READER = {"name": "Ana Cititoare", "email": "ana.cititoare@example.org"}
MODERATOR_PASSWORD = "parola-moderatorului-7"  # noqa: S105 - a test account


@pytest.fixture(autouse=True)
def quick_comments(settings):
    # live_server runs in this process, so these reach its thread too.
    settings.GAZETA_COMMENT_MIN_FILL_SECONDS = 0
    # The reader posts her reply seconds after her first comment.
    settings.GAZETA_COMMENT_FLOOD_SECONDS = 0


@pytest.fixture
def article():
    article = ArticleFactory(
        headline="Podul de pe strada Morii s-a redeschis după un an de lucrări",
        slug="podul-de-pe-strada-morii-s-a-redeschis",
        section=SectionFactory(name="Local", slug="local"),
        standfirst="Mașinile circulă din nou peste pod, pe ambele sensuri.",
        authors=[AuthorFactory(name="Ana Popescu", slug="ana-popescu")],
    )
    CommentFactory(
        article=article,
        name="Elena",
        email="elena@example.org",
        body="În sfârșit! Am ocolit un an întreg prin centru.",
        created_at=timezone.now() - timedelta(minutes=30),
    )
    return article


@pytest.fixture
def moderator(db):
    group = Group.objects.create(name="Moderatori")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "delete_comment"],
        )
    )
    user = get_user_model().objects.create_user(
        username="moderator", password=MODERATOR_PASSWORD, is_staff=True
    )
    user.groups.add(group)
    return user


@pytest.fixture
def open_page(browser):
    """A new page in a browser context of its own: another person, with their own cookies."""
    contexts = []

    def open_(viewport_name="desktop"):
        context = browser.new_context(
            viewport=VIEWPORTS[viewport_name], locale="ro-RO", timezone_id="Europe/Bucharest"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def audit(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def comment_form(page):
    return page.locator("form[action^='/comentarii/trimite/']")


def test_reader_comment_and_reply_wait_for_a_moderator_then_everyone_sees_them(
    live_server, open_page, viewport_name, article, moderator, screenshot_dir
):
    url = live_server.url + article.get_absolute_url()
    elena = Comment.objects.get(name="Elena")

    # A first-time reader posts a comment and ticks the consent box.
    reader = open_page(viewport_name)
    reader.goto(url)
    form = comment_form(reader)
    form.get_by_role("textbox", name="Comentariu").fill(COMMENT)
    form.get_by_role("textbox", name="Nume").fill(READER["name"])
    form.get_by_role("textbox", name="Email").fill(READER["email"])
    form.get_by_role("checkbox", name="Salvează-mi numele").check()
    form.get_by_role("button", name="Publică comentariul").click()

    reader.wait_for_url(re.compile(r"\?comentariu=[^#]+#comment-\d+$"))
    first = Comment.objects.get(body=COMMENT)
    assert first.status == Comment.Status.PENDING
    held = reader.locator(f"#comment-{first.pk}")
    expect(held).to_be_visible()
    expect(held).to_contain_text(COMMENT)
    expect(held).to_contain_text(READER["name"])
    expect(held.get_by_role("status")).to_have_text("Comentariul tău așteaptă moderarea.")
    reader.screenshot(path=screenshot_dir / f"comment-held-{viewport_name}.png", full_page=True)
    audit(reader)

    # Someone else reading the article does not see it.
    other = open_page(viewport_name)
    other.goto(url)
    expect(other.locator("#comentarii .comment")).to_have_count(1)
    expect(other.locator("#comentarii")).not_to_contain_text(COMMENT)
    expect(other.locator("#comentarii")).not_to_contain_text("așteaptă moderarea")

    # The reader replies to Elena; her name and email come from the consent cookie.
    reader.goto(url)
    reader.get_by_role("link", name="Răspunde-i lui Elena").click()
    reader.wait_for_url(re.compile(rf"\?raspunde={elena.pk}#raspunde$"))
    form = comment_form(reader)
    expect(reader.get_by_role("heading", name="Răspunde-i lui Elena")).to_be_visible()
    expect(reader.get_by_role("link", name="Anulează răspunsul")).to_be_visible()
    expect(form.locator("input[name=parent]")).to_have_value(str(elena.pk))
    expect(form.get_by_role("textbox", name="Nume")).to_have_value(READER["name"])
    expect(form.get_by_role("textbox", name="Email")).to_have_value(READER["email"])
    expect(form.get_by_role("checkbox", name="Salvează-mi numele")).to_be_checked()
    reader.screenshot(path=screenshot_dir / f"comment-reply-form-{viewport_name}.png")
    audit(reader)
    form.get_by_role("textbox", name="Comentariu").fill(REPLY)
    form.get_by_role("button", name="Publică comentariul").click()

    reader.wait_for_url(re.compile(r"\?comentariu=[^#]+#comment-\d+$"))
    reply = Comment.objects.get(body=REPLY)
    assert (reply.status, reply.parent_id) == (Comment.Status.PENDING, elena.pk)
    held_reply = reader.locator(f"#comment-{elena.pk} .comment-list--replies #comment-{reply.pk}")
    expect(held_reply).to_contain_text(REPLY)
    expect(held_reply).to_contain_text("Comentariul tău așteaptă moderarea.")
    expect(reader.get_by_role("link", name="Anulează răspunsul")).to_have_count(0)

    # A moderator logs in and approves both from the queue.
    mod = open_page("desktop")
    mod.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/")
    mod.locator("#id_username").fill("moderator")
    mod.locator("#id_password").fill(MODERATOR_PASSWORD)
    mod.get_by_role("button", name="Autentificare").click()
    mod.wait_for_url(re.compile(r"/admin/comments/comment/$"))
    expect(mod.locator("html")).to_have_attribute("lang", "ro")
    rows = {
        c.pk: mod.locator("#result_list tbody tr").filter(has_text=c.body[:40])
        for c in (first, reply)
    }
    for row in rows.values():
        expect(row).to_contain_text("În așteptare")
        expect(row).to_contain_text("primul comentariu")
        expect(row).to_contain_text(READER["email"])
    # Held comments come first, above Elena's approved one.
    expect(mod.locator("#result_list tbody tr").last).to_contain_text(elena.body[:30])
    for pk, row in rows.items():
        row.locator(f"input.action-select[value='{pk}']").check()
    mod.locator("select[name=action]").select_option(label="Aprobă comentariile selectate")
    mod.screenshot(path=screenshot_dir / "comment-moderation-queue.png", full_page=True)
    # Django 6.1's "Run" button has no Romanian translation yet; find it by its place.
    mod.locator(".actions button[name=index]").click()
    expect(mod.locator(".messagelist")).to_contain_text("2 comentarii aprobate.")
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.APPROVED}

    # Now the other reader sees both, the reply under Elena's comment.
    other.reload()
    comments = other.locator("#comentarii")
    expect(comments.get_by_role("heading", level=2)).to_have_text("Comentarii (3 comentarii)")
    expect(comments.locator(f"#comment-{first.pk}")).to_contain_text(COMMENT)
    nested = comments.locator(f"#comment-{elena.pk} > .comment-list--replies > #comment-{reply.pk}")
    expect(nested).to_contain_text(REPLY)
    expect(comments).not_to_contain_text("așteaptă moderarea")
    expect(comments).not_to_contain_text(READER["email"])
    other.screenshot(path=screenshot_dir / f"comment-approved-{viewport_name}.png", full_page=True)
    audit(other)


def test_form_error_keeps_the_text_says_what_is_wrong_and_passes_axe(
    live_server, page, viewport_name, article, screenshot_dir
):
    page.goto(live_server.url + article.get_absolute_url())
    form = comment_form(page)
    form.get_by_role("textbox", name="Comentariu").fill(COMMENT)
    form.get_by_role("textbox", name="Email").fill(READER["email"])
    # The name stays empty. The browser would stop at the required field, so send the form
    # the way a browser without constraint validation does, to see the server's answer.
    form.evaluate("form => { form.noValidate = true; }")
    form.get_by_role("button", name="Publică comentariul").click()

    # The answer opens at the form, not at the top of the article.
    page.wait_for_url(re.compile(r"/comentarii/trimite/#raspunde$"))
    form = comment_form(page)
    expect(page.get_by_role("alert")).to_be_in_viewport()
    expect(page.get_by_role("alert")).to_contain_text("Te rugăm să corectezi câmpurile")
    expect(form.get_by_text("Te rugăm să îți scrii numele.")).to_be_visible()
    # A screen reader hears the error with the field.
    name = form.get_by_role("textbox", name="Nume")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("Te rugăm să îți scrii numele.")
    expect(form.get_by_role("textbox", name="Comentariu")).to_have_value(COMMENT)
    expect(form.get_by_role("textbox", name="Email")).to_have_value(READER["email"])
    expect(name).to_have_value("")
    assert Comment.objects.filter(body=COMMENT).count() == 0
    page.screenshot(path=screenshot_dir / f"comment-form-error-{viewport_name}.png", full_page=True)
    audit(page)

"""The article body editor in a real browser: an editor writes paragraphs and a subheading
without touching HTML, picks a library image through the picker window, embeds a video and
sets a featured image; the admin page runs without a JavaScript error, and readers see it
all on the public page, which passes axe."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from gazeta.accounts import roles
from gazeta.accounts.services import roles_sync
from gazeta.media.services import image_renditions_make
from gazeta.media.tests.factories import ImageFactory
from gazeta.newsroom.models import Article
from gazeta.newsroom.tests.factories import AuthorFactory, SectionFactory

from .conftest import VIEWPORTS

pytestmark = pytest.mark.browser

PASSWORD = "parola-editorului-3"  # noqa: S105 - a test account
HEADLINE = "Podul de pe strada Morii se redeschide luni dimineață"
FIRST = "Circulația se reia pe ambele sensuri, după un an de lucrări."
SUBHEADING = "Ce se schimbă pentru autobuze"
SECOND = "Linia 28 revine pe traseul obișnuit din aceeași zi."


@pytest.fixture
def editor(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = get_user_model().objects.create_user(username="editor", password=PASSWORD, is_staff=True)
    user.groups.add(roles_sync()[roles.EDITOR])
    AuthorFactory(name="Elena Editor", slug="elena-editor", user=user)
    SectionFactory(name="Local", slug="local")
    return user


@pytest.fixture
def admin_page(browser, live_server, editor):
    """The editor, logged in; every JavaScript error on the page is collected."""
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"], locale="ro-RO", timezone_id="Europe/Bucharest"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # Script errors only: a missing /favicon.ico is the browser's business.
    page.on(
        "console",
        lambda m: (
            page.errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    yield page
    context.close()


def start_article(page, live_server):
    page.goto(f"{live_server.url}/admin/newsroom/article/add/")
    page.locator("#id_headline").fill(HEADLINE)
    page.locator("#id_section").select_option(label="Local")
    editor = page.locator(".field-body [contenteditable=true]")
    editor.click()
    return editor


def choose_block(page, name):
    """Pick a block type from the editor's menu (the dropdown holding paragraph/headings)."""
    page.locator(".field-body .prose-menubar__selected").click()
    page.locator(f".field-body .prose-menubar__option[data-name={name}]").click()


def save_and_publish(page):
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/newsroom/article/(\?.*)?$"))
    article = Article.objects.get(headline=HEADLINE)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
    )
    return article


def read_as_a_reader(browser, live_server, article):
    page = browser.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    return page


def test_editor_writes_a_paragraph_and_a_subheading_and_readers_see_them(
    browser, live_server, admin_page
):
    start_article(admin_page, live_server)
    admin_page.keyboard.type(FIRST)
    admin_page.keyboard.press("Enter")
    choose_block(admin_page, "heading2")
    admin_page.keyboard.type(SUBHEADING)
    admin_page.keyboard.press("Enter")
    admin_page.keyboard.type(SECOND)

    article = save_and_publish(admin_page)

    assert article.body == f"<p>{FIRST}</p><h2>{SUBHEADING}</h2><p>{SECOND}</p>"
    assert admin_page.errors == []
    reader = read_as_a_reader(browser, live_server, article)
    body = reader.locator(".article__body")
    assert body.locator("h2").inner_text() == SUBHEADING
    assert body.locator("p").all_inner_texts() == [FIRST, SECOND]
    reader.close()


def test_editor_inserts_a_library_image_and_a_video(browser, live_server, admin_page):
    image = ImageFactory(
        width=1000, height=600, alt_text="Podul văzut de pe malul stâng", caption="Podul"
    )
    image_renditions_make(image=image)
    start_article(admin_page, live_server)
    admin_page.keyboard.type(FIRST)
    admin_page.keyboard.press("Enter")

    admin_page.locator(".field-body .prose-menubar__button[data-name=figure]").click()
    dialog = admin_page.locator("dialog.prose-editor-dialog")
    with admin_page.context.expect_page() as opened:
        dialog.get_by_role("button", name=re.compile("Browse")).click()
    picker = opened.value
    # Its script is deferred: a click on a choice before it ran would do nothing.
    picker.wait_for_load_state()
    # A choice closes the picker from its own click handler, which can happen before the
    # click's round trip to the browser returns: wait for the window to close instead.
    with picker.expect_event("close"):
        try:
            picker.locator(".image-picker__choice").first.click()
        except PlaywrightError:
            if not picker.is_closed():
                raise
    # The picker fills this dialog from its own window (the opener's callback): wait for it.
    expect(dialog.locator("input[name=altText]")).to_have_value(image.alt_text)
    dialog.locator("button[type=submit]").click()

    admin_page.locator(".field-body .prose-menubar__button[data-name=embed]").click()
    dialog = admin_page.locator("dialog.prose-editor-dialog")
    dialog.locator("input[name=src]").fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    dialog.locator("input[name=title]").fill("Inaugurarea podului")
    dialog.locator("button[type=submit]").click()
    admin_page.locator("#id_featured_image").fill(str(image.pk))
    article = save_and_publish(admin_page)

    assert f'data-file="{image.pk}"' in article.body and article.featured_image == image
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in article.body
    assert admin_page.errors == []
    reader = read_as_a_reader(browser, live_server, article)
    featured = reader.locator(".article__figure img")
    assert featured.get_attribute("fetchpriority") == "high"
    assert reader.evaluate("document.querySelector('.article__figure img').currentSrc").endswith(
        ".webp"
    )
    figure = reader.locator(".article__body figure")
    assert "320w" in figure.locator("img").get_attribute("srcset")
    assert "Ana Pop / Agerpres" in figure.locator("figcaption").inner_text()
    frame = reader.locator(".article__body iframe")
    assert frame.get_attribute("sandbox").startswith("allow-scripts")
    results = Axe().run(reader)
    assert results.violations_count == 0, results.generate_report()
    reader.close()

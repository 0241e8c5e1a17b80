"""The newsroom in a real browser: a reporter writes an article and submits it for review,
an editor schedules it, the task worker (django-tasks-db, as in production) publishes it at
its time, and it appears on the home page."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from gazeta.accounts import roles
from gazeta.accounts.services import roles_sync
from gazeta.newsroom.models import Article
from gazeta.newsroom.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .conftest import VIEWPORTS

pytestmark = pytest.mark.browser

PASSWORD = "parola-redactiei-9"  # noqa: S105 - test accounts
HEADLINE = "Consiliul local a aprobat bugetul pentru școlile din cartierul Nord"


@pytest.fixture
def newsroom(db):
    groups = roles_sync()
    users = {}
    for role in (roles.REPORTER, roles.EDITOR):
        user = get_user_model().objects.create_user(
            username=role.lower(), password=PASSWORD, is_staff=True
        )
        user.groups.add(groups[role])
        users[role] = user
    AuthorFactory(name="Maria Reporter", slug="maria-reporter", user=users[roles.REPORTER])
    section = SectionFactory(name="Local", slug="local")
    ArticleFactory(section=section, headline="O știre mai veche din oraș")
    return users


def log_in(browser, live_server, username):
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"], locale="ro-RO", timezone_id="Europe/Bucharest"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return context, page


def write_body(page, text):
    editor = page.locator(".field-body .ProseMirror:visible")
    if editor.count():
        editor.first.click()
        page.keyboard.type(text)
    else:
        page.locator("#id_body").fill(f"<p>{text}</p>")


def test_reporter_writes_editor_schedules_worker_publishes_home_shows_it(
    browser, live_server, newsroom, time_machine, task_worker
):
    time_machine.move_to(timezone.now(), tick=True)
    reporter_context, reporter = log_in(browser, live_server, "reporter")
    reporter.goto(f"{live_server.url}/admin/newsroom/article/add/")
    reporter.locator("#id_headline").fill(HEADLINE)
    reporter.locator("#id_section").select_option(label="Local")
    reporter.locator("#id_standfirst").fill("Banii merg la reparații și la laboratoare noi.")
    write_body(reporter, "Votul a fost unanim, după o dezbatere de două ore.")
    reporter.locator("input[name=_submit_review]").click()
    reporter.wait_for_url(re.compile(r"/admin/newsroom/article/\d+/change/$"))
    reporter_context.close()

    article = Article.objects.get(headline=HEADLINE)
    assert (article.workflow_state, article.status) == ("in_review", "draft")
    assert article.bylines.get().author.name == "Maria Reporter"

    editor_context, editor = log_in(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    at = timezone.localtime() + timedelta(minutes=3)
    editor.locator("#id_published_at_0").fill(f"{at:%d.%m.%Y}")
    editor.locator("#id_published_at_1").fill(f"{at:%H:%M:%S}")
    editor.locator("input[name=_schedule]").click()
    editor.wait_for_url(re.compile(rf"/admin/newsroom/article/{article.pk}/change/$"))
    editor_context.close()

    article.refresh_from_db()
    assert article.status == "scheduled" and article.workflow_state == "approved"
    before = browser.new_page()
    before.goto(live_server.url + "/")
    assert HEADLINE not in before.content()
    before.close()

    time_machine.move_to(at + timedelta(seconds=5), tick=True)
    task_worker()

    article.refresh_from_db()
    assert article.status == "published"
    home = browser.new_page()  # a reader who has not seen the page before (no browser cache)
    home.goto(live_server.url + "/")
    assert home.get_by_role("link", name=HEADLINE).first.is_visible()
    home.close()

"""Scheduled publishing through the real worker: tasks queued in the database by the
services and run by django-tasks-db's ``db_worker``, as in production."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from gazeta.newsroom import services
from gazeta.newsroom.models import Article, AuditEntry

from .factories import DraftFactory

pytestmark = pytest.mark.django_db


def test_worker_publishes_a_scheduled_article_at_its_time_not_before(
    task_worker, time_machine, now, client, django_capture_on_commit_callbacks
):
    article = DraftFactory()
    at = now + timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_schedule(article=article, at=at, user=None)
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("publication_sync_task") and queued.run_after == at

    task_worker()  # too early: the task waits for its time
    article.refresh_from_db()
    assert article.status == "scheduled" and DBTaskResult.objects.get().status == "READY"
    assert client.get(article.get_absolute_url()).status_code == 404

    time_machine.move_to(at + timedelta(seconds=1), tick=False)
    task_worker()

    article.refresh_from_db()
    assert (article.status, article.published_at) == ("published", at)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert AuditEntry.objects.filter(article=article, action="went_live").exists()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_overdue_articles_are_shown_while_waiting_and_published_when_the_worker_returns(
    task_worker, time_machine, now, client, django_capture_on_commit_callbacks
):
    article = DraftFactory()
    at = now + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_schedule(article=article, at=at, user=None)
    DBTaskResult.objects.all().delete()  # the queued run was lost with the worker

    time_machine.move_to(at + timedelta(hours=2), tick=False)
    # Readers never get a 404 for an article whose time has passed.
    assert client.get(article.get_absolute_url()).status_code == 200
    assert Article.objects.published().filter(pk=article.pk).exists()

    call_command("publish_scheduled", "--enqueue", stdout=io.StringIO())
    task_worker()

    article.refresh_from_db()
    assert (article.status, article.published_at) == ("published", at)


def test_worker_takes_an_article_offline_at_its_expiry(
    task_worker, time_machine, now, django_capture_on_commit_callbacks
):
    article = DraftFactory(expires_at=now + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=article, user=None)
    assert DBTaskResult.objects.get().run_after == now + timedelta(hours=1)

    time_machine.move_to(now + timedelta(hours=1, seconds=1), tick=False)
    task_worker()

    article.refresh_from_db()
    assert article.status == "draft"
    assert AuditEntry.objects.filter(article=article, action="expired").exists()

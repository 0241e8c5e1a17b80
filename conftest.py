import os

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; the ORM calls made around it
# are still synchronous and safe (pytest-django's live_server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def task_worker(settings, monkeypatch):
    """Queue tasks in the database and run them with django-tasks-db's real ``db_worker``, as
    in production; call the fixture's value to run the worker until the queue is empty."""
    # The worker drops connections it finds inside a transaction, which the test's own
    # transaction is; on PostgreSQL that would close the test's connection.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run

"""Nothing lost: when many readers post at once, every comment answered with success is stored,
and none answered with a refusal is.

The load test runs a real production-mode server (granian, 2 workers) on a database of its
own, so it needs neither pytest-django's test database nor a fixed port; the load itself lives
in bench/comment_post.py, which also reports throughput and latency.
"""

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import OperationalError, transaction

from gazeta.comments import services
from gazeta.comments.models import Comment
from gazeta.newsroom.tests.factories import ArticleFactory

CLIENTS = 50
COMMENTS = 2000
# Seconds after which no new post is sent; a run that needs longer fails instead of hanging.
DEADLINE = 240
BENCH = Path(__file__).resolve().parents[3] / "bench" / "comment_post.py"
TEST_DATABASE_URL = os.environ.get("DATABASE_URL", "")


def load_bench():
    spec = importlib.util.spec_from_file_location("gazeta_bench_comment_post", BENCH)
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the file executes.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "database",
    [
        "sqlite",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(
                not TEST_DATABASE_URL.startswith("postgres"),
                reason="the test run's DATABASE_URL is not PostgreSQL",
            ),
        ),
    ],
)
def test_every_comment_acknowledged_under_concurrent_posting_is_stored(database):
    bench = load_bench()
    with tempfile.TemporaryDirectory(prefix="gazeta-conc-") as workdir:
        result = bench.run_against_own_server(
            database,
            clients=CLIENTS,
            comments=COMMENTS,
            workdir=Path(workdir),
            postgres_url=TEST_DATABASE_URL or bench.DEFAULT_POSTGRES_URL,
            deadline=DEADLINE,
        )
    stored = set(result.stored)
    report = f"{database}: {result.summary()}\nserver log:\n{result.extra['server_log']}"
    print(report)  # the figures, with pytest -rP

    assert len(result.answers) == COMMENTS, report
    assert not result.unanswered, f"{len(result.unanswered)} posts got no answer; {report}"
    assert not result.lost, f"acknowledged but not stored: {sorted(result.lost)[:20]}; {report}"
    assert not result.refused_but_stored, (
        f"refused but stored: {sorted(result.refused_but_stored)[:20]}; {report}"
    )
    assert not result.stored_twice, report
    assert stored == result.acknowledged, report
    assert set(result.server_errors) <= {503}, report
    assert all(a.retry_after for a in result.answers if a.status == 503), report
    # Refusals are allowed only as the exception: a run where most posts fail proves nothing.
    assert len(result.acknowledged) > COMMENTS // 2, report


# Real commits: the notice is queued only when the comment's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_comment_stored_when_its_notice_cannot_be_queued_is_still_acknowledged(
    client, monkeypatch, settings
):
    settings.GAZETA_COMMENT_RATE_LIMITS = False

    class QueueDown:
        def enqueue(self, *args):
            raise OperationalError("database is locked")

    monkeypatch.setattr(services, "notify_moderators_of_held_comment", QueueDown())
    article = ArticleFactory()

    body = "Comentariu păstrat deși anunțul nu a plecat."
    response = client.post(
        "/comentarii/trimite/",
        {"article": str(article.pk), "body": body, "name": "Ana Pop", "email": "ana@example.org"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )

    assert response.status_code == 303
    assert Comment.objects.filter(body=body, status=Comment.Status.PENDING).exists()


@pytest.mark.django_db
def test_comment_submit_refuses_to_run_inside_a_transaction_it_cannot_commit(settings):
    settings.GAZETA_COMMENT_RATE_LIMITS = False
    article = ArticleFactory()

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.comment_submit(
            article=article, name="Ana Pop", email="ana@example.org", body="Doar după commit."
        )

    assert not Comment.objects.filter(body="Doar după commit.").exists()

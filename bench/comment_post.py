"""Many readers post comments at once; every comment that got a success answer must be stored.

Starts its own production-mode server on a fresh database (or posts to a running one with
``--url``), sends ``--comments`` posts from ``--clients`` concurrent connections, then looks
each comment up in the database. Prints throughput, latency, the answers by status and how many
acknowledged comments are missing. Exits non-zero when one is missing, when a refused comment
was stored anyway, or when the server answered 5xx other than 503. See bench/README.md.

``gazeta/comments/tests/test_concurrency.py`` runs the same load through these functions.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
POST_PATH = "/comentarii/trimite/"
DEFAULT_POSTGRES_URL = "postgres://root@127.0.0.1:5432/postgres"
MARKER_RE = re.compile(r"\bconc-([0-9a-f]+)-(\d+)\b")
# Environment variables passed through to the server; everything else is set explicitly so
# an outer shell (a demo's DJANGO_SETTINGS_MODULE, moderation words…) cannot change the run.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")

CREATE_ARTICLE = """
from datetime import timedelta
from django.utils import timezone
from gazeta.newsroom.models import Article
from gazeta.newsroom.services import article_save, section_get_or_create
article = article_save(article=Article(
    headline="Știre pentru proba de comentarii simultane",
    section=section_get_or_create(name="Probe"),
    standfirst="Cititorii comentează toți deodată.",
    body="<p>Un paragraf scurt.</p>",
    status=Article.Status.PUBLISHED,
    published_at=timezone.now() - timedelta(hours=1),
))
print(f"article={article.pk}")
"""


# Database ------------------------------------------------------------------------------------


def _postgres_admin_url(url: str) -> str:
    """The same server, connected to its ``postgres`` database (to create and drop others)."""
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme.startswith("postgres") else parts.scheme
    return urlunsplit((scheme, parts.netloc, "/postgres", "", ""))


def _postgres_url_for(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


@contextmanager
def fresh_database(kind: str, workdir: Path, *, postgres_url: str = DEFAULT_POSTGRES_URL):
    """Yield the ``DATABASE_URL`` of a new, empty database; drop it afterwards.
    SQLite: a file in ``workdir``. PostgreSQL: ``gazeta_conc_<random>`` on ``postgres_url``'s
    server."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'server.sqlite3'}"
        return
    if kind != "postgres":
        raise ValueError(f"unknown database kind: {kind}")
    import psycopg

    name = f"gazeta_conc_{secrets.token_hex(6)}"
    admin = _postgres_admin_url(postgres_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _postgres_url_for(postgres_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stored_markers(database_url: str, article_id: int, run_id: str) -> Counter[int]:
    """How many times each comment of this run is stored, by comment number."""
    query = "SELECT body FROM comments_comment WHERE article_id = {}"
    if database_url.startswith("sqlite:"):
        # As dj-database-url reads it: sqlite:///relative/path, sqlite:////absolute/path.
        path = urlsplit(database_url).path[1:]
        conn = sqlite3.connect(path, timeout=30)
        try:
            rows = conn.execute(query.format("?"), (article_id,)).fetchall()
        finally:
            conn.close()
    else:
        import psycopg

        parts = urlsplit(database_url)
        with psycopg.connect(urlunsplit(("postgresql", *parts[1:3], "", ""))) as conn:
            rows = conn.execute(query.format("%s"), (article_id,)).fetchall()
    found: Counter[int] = Counter()
    for (body,) in rows:
        match = MARKER_RE.search(body)
        if match and match.group(1) == run_id:
            found[int(match.group(2))] += 1
    return found


# Server --------------------------------------------------------------------------------------


def server_environment(database_url: str, var_dir: Path, *, rate_limits: bool = False) -> dict:
    """Production settings on plain http over loopback, mail to the console."""
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="gazeta.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=database_url,
        GAZETA_VAR_DIR=str(var_dir),
        GAZETA_HTTPS="0",
        GAZETA_CONSOLE_EMAIL="1",
        GAZETA_LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        GAZETA_COMMENT_RATE_LIMITS="on" if rate_limits else "off",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_site(env: dict) -> int:
    """Migrate, collect static files (production pages need the manifest) and publish one
    article. Returns the article's id."""
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    output = _manage(env, "shell", "-v", "0", "-c", CREATE_ARTICLE)
    match = re.search(r"article=(\d+)", output)
    if not match:
        raise RuntimeError(f"no article created:\n{output}")
    return int(match.group(1))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def granian_path() -> str:
    beside = Path(sys.executable).parent / "granian"
    return str(beside) if beside.exists() else (shutil.which("granian") or "granian")


def granian_command(port: int, target: str, *, workers: int, extra_args=()) -> list[str]:
    """granian serving the WSGI ``target`` on loopback ``port`` with ``workers`` workers."""
    return [
        granian_path(),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-ws",
        *extra_args,
        target,
    ]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # granian's workers are in the server's own process group (start_new_session).
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def _healthy(url: str) -> bool:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def start_server(env: dict, log_path: Path, *, workers: int = 2, extra_args=()) -> Server:
    """granian with the WSGI app on a free loopback port; returns once /healthz answers.
    Tries another port if the chosen one was taken in the meantime."""
    for _attempt in range(3):
        port = free_port()
        log = open(log_path, "ab")  # noqa: SIM115 - handed to the child process
        process = subprocess.Popen(  # noqa: S603 - our own granian
            granian_command(
                port, "gazeta.wsgi:application", workers=workers, extra_args=extra_args
            ),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        server = Server(process, f"http://127.0.0.1:{port}", log_path)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            if _healthy(server.url):
                return server
            time.sleep(0.2)
        server.stop()
    raise RuntimeError(f"granian did not become healthy:\n{server.log_tail()}")


# Load ----------------------------------------------------------------------------------------


@dataclass
class Answer:
    number: int
    status: int | None  # None: no answer (connection failed or timed out)
    seconds: float
    retry_after: str | None = None
    error: str = ""


@dataclass
class LoadResult:
    run_id: str
    answers: list[Answer]
    elapsed: float
    stored: Counter[int] | None = None  # None when the database was not checked
    extra: dict = field(default_factory=dict)

    def numbers(self, predicate) -> set[int]:
        return {a.number for a in self.answers if predicate(a)}

    @property
    def acknowledged(self) -> set[int]:
        return self.numbers(lambda a: a.status == 303)

    @property
    def refused(self) -> set[int]:
        """Answered, but not with success: the reader was told their comment was not saved."""
        return self.numbers(lambda a: a.status is not None and a.status != 303)

    @property
    def unanswered(self) -> set[int]:
        return self.numbers(lambda a: a.status is None)

    @property
    def lost(self) -> set[int]:
        return self.acknowledged - set(self.stored or ())

    @property
    def refused_but_stored(self) -> set[int]:
        return self.refused & set(self.stored or ())

    @property
    def stored_twice(self) -> set[int]:
        return {n for n, count in (self.stored or Counter()).items() if count > 1}

    @property
    def server_errors(self) -> Counter:
        return Counter(a.status for a in self.answers if a.status and a.status >= 500)

    @property
    def status_counts(self) -> dict:
        counts = Counter("no answer" if a.status is None else a.status for a in self.answers)
        return dict(sorted(counts.items(), key=lambda item: str(item[0])))

    def latency(self, quantile: float) -> float:
        times = sorted(a.seconds for a in self.answers)
        if not times:
            return 0.0
        if len(times) == 1:
            return times[0]
        return statistics.quantiles(times, n=100, method="inclusive")[round(quantile * 100) - 1]

    def latencies(self) -> str:
        return f"p50 {self.latency(0.5) * 1000:.0f} ms, p99 {self.latency(0.99) * 1000:.0f} ms"

    def summary(self) -> str:
        stored = "not checked" if self.stored is None else len(set(self.stored))
        lost = "not checked" if self.stored is None else len(self.lost)
        return (
            f"{len(self.answers)} posts in {self.elapsed:.1f} s: "
            f"{len(self.acknowledged) / self.elapsed:.1f} comments/s acknowledged; "
            f"latency {self.latencies()}; "
            f"statuses {self.status_counts}; stored {stored}; lost {lost}; "
            f"refused but stored {len(self.refused_but_stored)}; "
            f"stored twice {len(self.stored_twice)}; "
            f"5xx other than 503: {sum(n for s, n in self.server_errors.items() if s != 503)}"
        )

    @property
    def ok(self) -> bool:
        return (
            self.stored is not None
            and not self.lost
            and not self.refused_but_stored
            and not self.stored_twice
            and not any(status != 503 for status in self.server_errors)
        )


def comment_form(article_id: int, run_id: str, number: int) -> dict:
    marker = f"conc-{run_id}-{number:05d}"
    return {
        "article": str(article_id),
        "body": f"Comentariul {marker}: am citit știrea și vreau să adaug ceva.",
        "name": f"Cititorul {number}",
        "email": f"cititor.{run_id}.{number}@example.org",
        "website": "",
        "started": "",
    }


def post_comments(
    base_url: str,
    article_id: int,
    *,
    clients: int = 50,
    comments: int = 2000,
    timeout: float = 60.0,
    deadline: float = 600.0,
    run_id: str | None = None,
) -> LoadResult:
    """Post ``comments`` comments from ``clients`` threads, each with its own keep-alive
    connection; redirects are recorded, never followed. A post waits at most ``timeout``
    seconds for its answer; after ``deadline`` seconds no new post is sent (those missing from
    the answers). The server must run with ``GAZETA_COMMENT_RATE_LIMITS=off``: every post
    comes from one address, within seconds."""
    run_id = run_id or secrets.token_hex(4)
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    work: queue.SimpleQueue[int] = queue.SimpleQueue()
    for number in range(comments):
        work.put(number)
    answers: list[Answer] = []
    lock = threading.Lock()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Sec-Fetch-Site": "same-origin",
        "Origin": origin,
        "User-Agent": "gazeta-bench/1",
    }

    def connect():
        return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)

    def client() -> None:
        conn = connect()
        mine = []
        try:
            while time.perf_counter() < stop_at:
                try:
                    number = work.get_nowait()
                except queue.Empty:
                    break
                body = urlencode(comment_form(article_id, run_id, number))
                start = time.perf_counter()
                try:
                    conn.request("POST", POST_PATH, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    mine.append(
                        Answer(
                            number,
                            response.status,
                            time.perf_counter() - start,
                            response.getheader("Retry-After"),
                        )
                    )
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = connect()
                except (OSError, http.client.HTTPException) as error:
                    mine.append(
                        Answer(number, None, time.perf_counter() - start, error=repr(error))
                    )
                    conn.close()
                    conn = connect()
        finally:
            conn.close()
            with lock:
                answers.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    began = time.perf_counter()
    stop_at = began + deadline
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    answers.sort(key=lambda a: a.number)
    return LoadResult(run_id=run_id, answers=answers, elapsed=elapsed)


def run_against_own_server(
    kind: str,
    *,
    clients: int,
    comments: int,
    workdir: Path,
    postgres_url: str = DEFAULT_POSTGRES_URL,
    granian_args=(),
    deadline: float = 600.0,
) -> LoadResult:
    """Fresh database, migrate, one article, granian with 2 workers and rate limits off,
    the load, then the database check. The server is stopped and the database dropped."""
    with fresh_database(kind, workdir, postgres_url=postgres_url) as database_url:
        env = server_environment(database_url, workdir / "var")
        article_id = prepare_site(env)
        server = start_server(env, workdir / "granian.log", extra_args=granian_args)
        try:
            result = post_comments(
                server.url, article_id, clients=clients, comments=comments, deadline=deadline
            )
        finally:
            server.stop()
        result.stored = stored_markers(database_url, article_id, result.run_id)
        result.extra["server_log"] = server.log_tail()
        result.extra["database"] = kind
        return result


# Command line --------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url",
        help="post to this running server instead of starting one (needs --article; "
        "give --database-url to count lost comments)",
    )
    parser.add_argument("--article", type=int, help="id of a published article (with --url)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="the running server's DATABASE_URL, read to count lost comments (with --url)",
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent connections")
    parser.add_argument("--comments", type=int, default=2000, help="comments to post in all")
    parser.add_argument(
        "--deadline", type=float, default=600, help="seconds after which no new post is sent"
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="database of the server this script starts (a fresh one, dropped afterwards)",
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="PostgreSQL server on which to create the fresh database (--database postgres)",
    )
    parser.add_argument(
        "--granian-arg",
        action="append",
        default=[],
        help="extra granian option for the started server, e.g. --granian-arg=--blocking-threads=4",
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.url:
        if args.article is None:
            print("--url needs --article (the id of a published article)", file=sys.stderr)
            return 2
        result = post_comments(
            args.url,
            args.article,
            clients=args.clients,
            comments=args.comments,
            deadline=args.deadline,
        )
        if args.database_url:
            result.stored = stored_markers(args.database_url, args.article, result.run_id)
    else:
        with tempfile.TemporaryDirectory(prefix="gazeta-bench-") as tmp:
            result = run_against_own_server(
                args.database,
                clients=args.clients,
                comments=args.comments,
                workdir=Path(tmp),
                postgres_url=args.postgres_url,
                granian_args=args.granian_arg,
                deadline=args.deadline,
            )
    database = result.extra.get("database") or urlsplit(args.database_url or "").scheme
    print(f"database: {database or 'not checked'}")
    print(f"clients: {args.clients}, comments: {args.comments}")
    print(f"time: {result.elapsed:.2f} s")
    print(f"throughput: {len(result.acknowledged) / result.elapsed:.1f} comments/s acknowledged")
    print(f"latency: {result.latencies()}")
    print(f"statuses: {result.status_counts}")
    all_sent = len(result.answers) == args.comments
    if not all_sent:
        print(f"not sent before the deadline: {args.comments - len(result.answers)}")
    if result.unanswered:
        print(f"no answer (connection failed or timed out): {len(result.unanswered)}")
    if result.stored is None:
        print("lost: not checked (give --database-url)")
        return 0 if all_sent else 1
    print(f"stored: {len(set(result.stored))}")
    print(f"lost (acknowledged, not stored): {len(result.lost)}")
    print(f"refused, yet stored: {len(result.refused_but_stored)}")
    print(f"stored twice: {len(result.stored_twice)}")
    if not result.ok and result.extra.get("server_log"):
        print(f"server log (last lines):\n{result.extra['server_log']}")
    return 0 if result.ok and all_sent else 1


if __name__ == "__main__":
    sys.exit(main())

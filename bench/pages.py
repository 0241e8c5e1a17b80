"""Pages under load: Gazeta in production mode against nginx and a bare Django view, in one run.

Starts Gazeta the way it is deployed (granian, WSGI, 2 workers with 8 WSGI threads each as
``scripts/demo`` runs it, ``gazeta.settings.prod`` with a throwaway ``SECRET_KEY``,
``ALLOWED_HOSTS=127.0.0.1``, plain http on loopback) on a database holding a generated corpus
(``manage.py generate_demo_corpus``), and measures with wrk requests/s and p50/p99 latency at
16 and 64 connections for:

- the home page, a section page and an article page served as page files by Gazeta's own
  (embedded) server, and the article page from nginx in front of it (deploy/nginx/gazeta.conf);
- the same pages rendered by Django on every request (``GAZETA_PAGE_FILES=off``, no cache);
- a search (several queries in turn) and a comment post (a wrk Lua script POSTing the form
  with ``Origin``/``Sec-Fetch-Site``; ``GAZETA_COMMENT_RATE_LIMITS=off``).

In the same run it serves the very same article bytes from nginx as a plain file and from a bare
Django view (bench/bare_view.py, under the same granian options) and prints each figure's ratio
to both. This machine's speed drifts by tens of percent within minutes, so the article's three
figures with a target (page file from the embedded server and behind nginx, rendered by
Django) are measured in ``--rounds`` rounds, each run right after a run of its baseline, and
their ratio is the median of the rounds' ratios; the other figures' ratios are to the
baseline measured last before them. It also prints the resident memory of each granian worker
(in total and in its parts) and the publish-to-visible time: an edit saved through the
newsroom service, then the article address (embedded server and nginx) and the home page
polled at once, each from its own thread, until the change shows, timed from the commit.

Not a test: with the defaults it takes about 12 minutes and loads both cores. Client and
servers share the machine, so compare ratios measured in one run, never absolute figures from
different runs.

    .venv/bin/python bench/pages.py                                  # SQLite, 10,000 articles
    .venv/bin/python bench/pages.py --database postgres --articles 50000
    .venv/bin/python bench/pages.py --database-url sqlite:////abs/bench.sqlite3   # a corpus
    .venv/bin/python bench/pages.py --duration 5 --connections 16      # shorter

Needs Debian's ``wrk`` and ``nginx`` (``apt-get install -y wrk nginx``); without nginx the
nginx rows say so and the rest still runs. Everything it creates (temporary folder, PostgreSQL
database) is removed afterwards unless ``--keep``; a database given with ``--database-url`` is
kept, and an article edited for the publish-to-visible probe gets its headline back.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comment_post import (  # noqa: E402 - this folder is on the path just above
    DEFAULT_POSTGRES_URL,
    POST_PATH,
    ROOT,
    _healthy,
    _manage,
    free_port,
    fresh_database,
    granian_command,
    server_environment,
)

NGINX_CONF = ROOT / "deploy" / "nginx" / "gazeta.conf"
SEARCHES = ["guvernul", "spitalul", "echipa nationala", '"fonduri europene"', "bugetul -taxe"]
DEFAULT_ARTICLES = 10_000


# Processes -------------------------------------------------------------------------------


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    url: str
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT if self.name == "nginx" else signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# The options scripts/demo and the documented production command give granian (besides the
# address and the worker count); --granian-arg adds to them (a later value wins).
DEPLOYED_GRANIAN_ARGS = ("--blocking-threads", "2")
GRANIAN_ARGS: list[str] = []  # --granian-arg, the same for every server of the run


def start_granian(name: str, target: str, env: dict, workdir: Path, *, workers: int, cwd: Path):
    """granian (WSGI, ``workers`` workers) serving ``target`` on a free loopback port."""
    log_path = workdir / f"{name}.log"
    for _attempt in range(3):
        port = free_port()
        with open(log_path, "ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our own granian and arguments
                granian_command(
                    port,
                    target,
                    workers=workers,
                    extra_args=[*DEPLOYED_GRANIAN_ARGS, *GRANIAN_ARGS],
                ),
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        service = Service(name, process, f"http://127.0.0.1:{port}", log_path)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if _healthy(service.url):
                return service
            time.sleep(0.2)
        service.stop()
    raise RuntimeError(f"{name} did not start:\n{service.log_tail()}")


MEMORY_FIELDS = ("VmRSS", "RssAnon", "RssFile", "RssShmem")


def worker_memory_mb(service: Service) -> list[dict[str, float]]:
    """Resident memory (MB) of each process under ``service``'s granian (its workers): the
    total (``VmRSS``) and its parts from ``/proc/<pid>/status``: ``RssAnon`` (the process's own
    heap and stacks), ``RssFile`` (pages of mapped files: the interpreter, shared libraries, a
    memory-mapped database; shared with the other workers and given back under pressure) and
    ``RssShmem`` (shared memory)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(children.get(service.process.pid, []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        values = {}
        for field in MEMORY_FIELDS:
            match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                values[field] = int(match.group(1)) / 1024
        if "VmRSS" in values:
            found.append(values)
    return sorted(found, key=lambda values: values["VmRSS"])


def nginx_config(workdir: Path, *, plain_port: int, gazeta_port: int, app_port: int, pages: Path):
    """An nginx.conf for this run: one server with the article as a plain file, and Gazeta's
    own configuration (its EDIT lines pointed at this run) in front of the embedded server.
    Returns (text, None) or (text without Gazeta's server, why it is missing)."""
    temp = workdir / "nginx-temp"
    temp.mkdir(exist_ok=True)
    gazeta, problem = "", None
    if NGINX_CONF.exists():
        text = NGINX_CONF.read_text()
        replacements = [
            (r"^\s*server 127\.0\.0\.1:\d+;.*# EDIT.*$", f"    server 127.0.0.1:{app_port};"),
            (r"^\s*default \S+;\s*# EDIT.*$", f"    default {pages};"),
            (r"^\s*listen \S+;\s*# EDIT.*$", f"    listen 127.0.0.1:{gazeta_port};"),
            (r"^\s*server_name \S+;\s*# EDIT.*$", "    server_name 127.0.0.1;"),
        ]
        for pattern, line in replacements:
            text, count = re.subn(pattern, line, text, flags=re.MULTILINE)
            if count != 1:
                problem = f"{NGINX_CONF.name}: no line matching {pattern!r}"
        if "# EDIT" in text and problem is None:
            problem = f"{NGINX_CONF.name} has EDIT lines this benchmark does not know"
        gazeta = "" if problem else text
    else:
        problem = f"{NGINX_CONF.relative_to(ROOT)} does not exist"
    # Workers read page files that Gazeta writes with its own permissions.
    user = "user root root;" if os.geteuid() == 0 else ""
    return (
        f"""
{user}
worker_processes auto;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{plain_port};
        root {workdir}/plain;
        types {{ text/html html; }}
        charset utf-8;
    }}
{gazeta}
}}
""",
        problem,
    )


def start_nginx(workdir: Path, config: str) -> Service:
    path = workdir / "nginx.conf"
    path.write_text(config)
    log_path = workdir / "nginx.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - Debian's nginx with our config
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(path), "-p", str(workdir)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    time.sleep(0.5)
    if process.poll() is not None:
        error = (workdir / "nginx-error.log").read_text(errors="replace")
        raise RuntimeError(f"nginx did not start:\n{log_path.read_text()}\n{error}")
    return Service("nginx", process, "", log_path)


# HTTP ------------------------------------------------------------------------------------


def get(url: str, *, headers=None) -> tuple[int, dict, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def warm(url: str, times: int = 3) -> tuple[int, dict, bytes]:
    for _ in range(times):
        answer = get(url)
    return answer


# wrk -------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    connections: int
    rps: float | None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: str = ""
    note: str = ""
    # The baselines measured last before this figure, at the same connection count: its
    # ratios are to these, so that the machine's drift between distant runs does not enter
    # them (speeds here move by tens of percent within minutes).
    nginx_base: float | None = None
    bare_base: float | None = None
    # For a figure measured in rounds alternating with its baseline (``paired``): the median
    # of the rounds' own ratios, printed instead of the ratio to the last baseline.
    nginx_ratio: float | None = None
    bare_ratio: float | None = None


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(name: str, url: str, connections: int, duration: int, *, script: Path | None = None):
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    done = subprocess.run(  # noqa: S603 - Debian's wrk, our arguments
        [*command, url], capture_output=True, text=True, timeout=duration + 60, check=False
    )
    out = done.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    if not rps:
        return Figure(name, connections, None, note=(out + done.stderr).strip()[-300:])
    errors = []
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        errors.append(f"{non_2xx.group(1)} non-2xx/3xx")
    sockets = re.search(r"Socket errors: (.*)", out)
    if sockets:
        errors.append("socket errors: " + sockets.group(1))
    return Figure(
        name,
        connections,
        float(rps.group(1)),
        _ms(p50.group(1)) if p50 else None,
        _ms(p99.group(1)) if p99 else None,
        "; ".join(errors),
    )


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def combined(name: str, runs: list[Figure]) -> Figure:
    """One figure for several runs of the same thing: the median rate, p50 and p99, the
    worst p99 and any errors in the note."""
    measured = [f for f in runs if f.rps]
    if not measured:
        return runs[-1]
    p50s = [f.p50_ms for f in measured if f.p50_ms is not None]
    p99s = [f.p99_ms for f in measured if f.p99_ms is not None]
    return Figure(
        name,
        measured[0].connections,
        median([f.rps for f in measured]),
        median(p50s) if p50s else None,
        median(p99s) if p99s else None,
        "; ".join(f.errors for f in runs if f.errors),
        f"worst p99 {max(p99s):.2f}" if len(p99s) > 1 else "",
    )


def lua_rotating_get(workdir: Path, paths: list[str]) -> Path:
    script = workdir / "rotate.lua"
    listed = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    script.write_text(
        f"""
local paths = {{{listed}}}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
"""
    )
    return script


def lua_comment_post(workdir: Path, *, article_id: int, origin: str) -> Path:
    """POSTs the comment form, each with its own text and address (duplicates are refused)."""
    script = workdir / "comment.lua"
    run = secrets.token_hex(3)
    script.write_text(
        f"""
local counter = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
  -- Each wrk run (one per connection count) writes its own addresses and texts: the same
  -- again would be refused as a duplicate.
  thread:set("stamp", tostring(os.time()))
end
request = function()
  counter = counter + 1
  local id = stamp .. "-" .. tostring(tid) .. "-" .. tostring(counter)
  local body = "article={article_id}&name=Cititor+{run}+" .. id
    .. "&email=cititor." .. id .. ".{run}%40exemplu.ro"
    .. "&body=Comentariu+de+proba+{run}+" .. id .. "%3A+am+citit+stirea.&website=&started="
  return wrk.format("POST", "{POST_PATH}", {{
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = "{origin}",
    ["Sec-Fetch-Site"] = "same-origin",
  }}, body)
end
"""
    )
    return script


# Django in this process (targets, publish-to-visible) ------------------------------------


def configure_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pick_targets() -> dict:
    from gazeta.newsroom.models import Article, Section

    published = Article.objects.published().select_related("section").order_by("-published_at")
    newest = list(published[:3])
    if len(newest) < 3:
        raise RuntimeError("The database needs a corpus: run with --articles N.")
    section = Section.objects.filter(articles__in=published[:50]).first()
    return {
        "article": newest[1],
        "comment_article": newest[2],
        "section_path": section.get_absolute_url(),
    }


def publish_to_visible(servers: dict[str, str], article, *, timeout: float = 10.0) -> dict:
    """Edit ``article``'s headline through the service and poll every address at once, each
    from its own thread (as readers of different pages would), until the new headline shows.

    Returns the save's duration, when it committed (both from the start of the save) and, per
    address, the seconds from the commit to the first answer showing the edit (None: not within
    ``timeout``). The commit is the moment of publishing: before it readers could not see the
    edit whatever the servers did."""
    from django.db import OperationalError, transaction

    from gazeta.newsroom.services import article_save

    old = article.headline
    marker = f"Actualizare {secrets.token_hex(3)}".encode()
    for url in servers.values():
        warm(url, 2)  # the page files exist before the edit
    article.headline = f"{old} ({marker.decode()})"
    committed = threading.Event()
    moments: dict[str, float] = {}
    seen: dict[str, float | None] = dict.fromkeys(servers)

    def poll(name: str, url: str) -> None:
        committed.wait(timeout)
        while time.perf_counter() - moments.get("commit", 0) < timeout:
            if marker in get(url)[2]:
                seen[name] = time.perf_counter() - moments["commit"]
                return
            time.sleep(0.002)

    pollers = [threading.Thread(target=poll, args=item, daemon=True) for item in servers.items()]
    for poller in pollers:
        poller.start()

    def on_commit() -> None:
        moments["commit"] = time.perf_counter()
        committed.set()

    for attempt in range(3):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                # Registered before the save's own purge, so it runs first, at the commit.
                transaction.on_commit(on_commit)
                article_save(article=article)
            break
        except OperationalError:  # SQLite busy with writes still queued in the server
            if attempt == 2:
                committed.set()
                raise
            time.sleep(2)
    moments["saved"] = time.perf_counter()
    for poller in pollers:
        poller.join(timeout + 1)
    return {
        "save": moments["saved"] - started,
        "commit": moments["commit"] - started,
        **seen,
        "_restore": old,
    }


def restore_headline(article, headline: str) -> None:
    from gazeta.newsroom.services import article_save

    article.headline = headline
    article_save(article=article)


# The run ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        help="Use this database (kept afterwards) instead of a fresh one; it needs a corpus "
        "unless --articles is given.",
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help=f"Where a fresh PostgreSQL database may be created (default {DEFAULT_POSTGRES_URL}).",
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=None,
        help=f"Generate a corpus of this size first (default {DEFAULT_ARTICLES:,} on a fresh "
        "database, none on --database-url).",
    )
    parser.add_argument("--comments-per-article", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run (10).")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="The article's figures with a target (page file from the embedded server and "
        "behind nginx, rendered by Django) are measured this many times, alternating with "
        "their baseline; their ratio is the median of the rounds' ratios (3).",
    )
    parser.add_argument(
        "--connections",
        default="16,64",
        help="Comma-separated wrk connection counts (default 16,64).",
    )
    parser.add_argument("--workers", type=int, default=2, help="granian workers (default 2).")
    parser.add_argument(
        "--granian-arg",
        action="append",
        default=[],
        help="An extra granian option for every server, after the deployed ones "
        f"({' '.join(DEPLOYED_GRANIAN_ARGS)}), e.g. --granian-arg=--blocking-threads=16 (on "
        "PostgreSQL each WSGI thread keeps a connection: 2 workers × granian's default 256 "
        "threads would exceed max_connections=100 at 64 wrk connections).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    return parser.parse_args(argv)


def ratio(value: float | None, base: float | None) -> str:
    if not value or not base:
        return "—"
    return f"{value / base:.2f}"


def print_table(figures: list[Figure]) -> None:
    row = "{:<54}{:>6}{:>11}{:>10}{:>10}{:>10}{:>10}  {}"
    print(row.format("", "conns", "req/s", "p50 ms", "p99 ms", "/nginx", "/bare", "notes"))
    for f in figures:
        print(
            row.format(
                f.name,
                f.connections,
                f"{f.rps:,.0f}" if f.rps else "—",
                f"{f.p50_ms:.2f}" if f.p50_ms is not None else "—",
                f"{f.p99_ms:.2f}" if f.p99_ms is not None else "—",
                f"{f.nginx_ratio:.2f}" if f.nginx_ratio else ratio(f.rps, f.nginx_base),
                f"{f.bare_ratio:.2f}" if f.bare_ratio else ratio(f.rps, f.bare_base),
                " ".join(x for x in [f.errors, f.note] if x),
            )
        )


def main(argv=None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    connections = [int(c) for c in args.connections.split(",")]
    GRANIAN_ARGS[:] = args.granian_arg
    workdir = Path(tempfile.mkdtemp(prefix="gazeta-pages-"))
    (workdir / "var").mkdir()
    services: list[Service] = []
    try:
        with _database(args, workdir) as database_url:
            return _run(args, workdir, database_url, connections, services)
    finally:
        for service in reversed(services):
            service.stop()
        if args.keep:
            print(f"Kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


class _database:
    """The database URL: the one given (kept), or a fresh one removed afterwards."""

    def __init__(self, args, workdir: Path):
        self.args, self.workdir, self.context = args, workdir, None

    def __enter__(self) -> str:
        if self.args.database_url:
            return self.args.database_url
        self.context = fresh_database(
            self.args.database, self.workdir, postgres_url=self.args.postgres_url
        )
        return self.context.__enter__()

    def __exit__(self, *exc):
        if self.context is not None:
            from django.db import connections

            connections.close_all()
            return self.context.__exit__(*exc)
        return False


def _run(args, workdir: Path, database_url: str, connections: list[int], services) -> int:
    pages = workdir / "var" / "pages"
    env = server_environment(database_url, workdir / "var")
    env.update(
        GAZETA_SEARCH_RATE_LIMIT="0",
        GAZETA_PAGE_FILES="on",
        GAZETA_PAGE_FILES_DIR=str(pages),
        ALLOWED_HOSTS="127.0.0.1",
    )
    step = time.perf_counter()
    print("Preparing the database and static files…", file=sys.stderr)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    articles = args.articles or (None if args.database_url else DEFAULT_ARTICLES)
    if articles:
        print(f"Generating {articles:,} articles…", file=sys.stderr)
        print(
            _manage(
                env,
                "generate_demo_corpus",
                "--articles",
                str(articles),
                "--comments-per-article",
                str(args.comments_per_article),
                "--no-progress",
            ).strip()
        )
    configure_django(env)
    targets = pick_targets()
    article = targets["article"]
    print(f"Ready in {time.perf_counter() - step:.0f} s.", file=sys.stderr)

    figures: list[Figure] = []
    baselines: dict[int, dict[str, float | None]] = {c: {} for c in connections}
    memory: dict[str, list[float]] = {}

    # Gazeta with page files: the embedded server, and nginx in front of it.
    gazeta = start_granian(
        "gazeta-files", "gazeta.wsgi:application", env, workdir, workers=args.workers, cwd=ROOT
    )
    services.append(gazeta)
    article_path = article.get_absolute_url()
    status, headers, body = warm(gazeta.url + article_path)
    if status != 200:
        raise RuntimeError(f"{article_path} answered {status}")
    files_layer = headers.get("x-gazeta-page") == "file"
    (workdir / "plain").mkdir()
    (workdir / "plain" / "article.html").write_bytes(body)
    (workdir / "article.html").write_bytes(body)
    print(f"Article: {article_path} ({len(body):,} bytes)", file=sys.stderr)

    nginx, nginx_problem = None, None
    plain_port, nginx_gazeta_port = free_port(), free_port()
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        config, nginx_problem = nginx_config(
            workdir,
            plain_port=plain_port,
            gazeta_port=nginx_gazeta_port,
            app_port=urlsplit(gazeta.url).port,
            pages=pages,
        )
        try:
            nginx = start_nginx(workdir, config)
            services.append(nginx)
        except RuntimeError as error:
            nginx_problem = str(error)[:300]
            nginx = None
    else:
        nginx_problem = "nginx is not installed (apt-get install -y nginx)"

    bare_env = {**env, "BARE_VIEW_BODY": str(workdir / "article.html")}
    bare = start_granian(
        "bare-view",
        "bare_view:application",
        bare_env,
        workdir,
        workers=args.workers,
        cwd=ROOT / "bench",
    )
    services.append(bare)

    def measure(name, url, *, script=None, base_key=None, note=""):
        for c in connections:
            figure = run_wrk(name, url, c, args.duration, script=script)
            figure.note = " ".join(x for x in [figure.note, note] if x)
            if base_key:
                baselines[c][base_key] = figure.rps
            figure.nginx_base = baselines[c].get("nginx")
            figure.bare_base = baselines[c].get("bare")
            figures.append(figure)

    def paired(name, url, *, base_name, base_url, base_key, note=""):
        """``url`` and its baseline measured in turn, ``args.rounds`` times at each connection
        count: each ratio is taken between runs a few seconds apart, so that the machine's
        drift (tens of percent within a minute here) stays out of it."""
        for c in connections:
            bases, subjects = [], []
            for _ in range(args.rounds):
                bases.append(run_wrk(base_name, base_url, c, args.duration))
                subjects.append(run_wrk(name, url, c, args.duration))
            rounds = [
                (s.rps / b.rps)
                for b, s in zip(bases, subjects, strict=True)
                if s.rps is not None and b.rps
            ]
            base = combined(f"{base_name} (in turn)", bases)
            baselines[c][base_key] = base.rps
            base.nginx_base, base.bare_base = baselines[c].get("nginx"), baselines[c].get("bare")
            figure = combined(name, subjects)
            figure.nginx_base, figure.bare_base = base.nginx_base, base.bare_base
            if rounds:
                if base_key == "nginx":
                    figure.nginx_ratio = median(rounds)
                else:
                    figure.bare_ratio = median(rounds)
                ratios = " ".join(f"{r:.2f}" for r in rounds)
                figure.note = " ".join(
                    x for x in [figure.note, f"median of rounds {ratios}", note] if x
                )
            figures.extend([base, figure])

    plain_url = f"http://127.0.0.1:{plain_port}/article.html"
    plain_name = "nginx: the article bytes as a plain file"
    if nginx:
        measure(plain_name, plain_url, base_key="nginx")
    else:
        figures.append(Figure(plain_name, 0, None, note=nginx_problem or ""))
    measure("bare Django view: the same bytes", bare.url + "/", base_key="bare")
    memory["bare Django view"] = worker_memory_mb(bare)

    unavailable = "page-file layer not available"
    home_status, home_headers, _ = warm(gazeta.url + "/")
    section_headers = warm(gazeta.url + targets["section_path"])[1]
    name = "Gazeta, article as a page file (embedded server)"
    if not files_layer:
        figures.append(Figure(name, 0, None, note=unavailable))
    elif nginx:
        paired(
            name,
            gazeta.url + article_path,
            base_name=plain_name,
            base_url=plain_url,
            base_key="nginx",
        )
    else:
        measure(name, gazeta.url + article_path)
    for label, path, hdrs in [
        ("home", "/", home_headers),
        ("section", targets["section_path"], section_headers),
    ]:
        name = f"Gazeta, {label} as a page file (embedded server)"
        if hdrs.get("x-gazeta-page") == "file":
            measure(name, gazeta.url + path)
        else:
            figures.append(Figure(name, 0, None, note=unavailable))
    name = "Gazeta, article as a page file behind nginx"
    if nginx and not nginx_problem:
        nginx_url = f"http://127.0.0.1:{nginx_gazeta_port}{article_path}"
        answer = warm(nginx_url)
        if answer[0] == 200 and answer[1].get("x-gazeta-page") == "file":
            paired(name, nginx_url, base_name=plain_name, base_url=plain_url, base_key="nginx")
        else:
            figures.append(
                Figure(name, 0, None, note=f"nginx answered {answer[0]} without a page file")
            )
    else:
        figures.append(Figure(name, 0, None, note=nginx_problem or unavailable))

    memory["Gazeta serving page files"] = worker_memory_mb(gazeta)
    search_paths = [f"/cauta/?q={quote_plus(q)}" for q in SEARCHES]
    measure(
        "Gazeta, search (5 queries in turn)",
        gazeta.url + search_paths[0],
        script=lua_rotating_get(workdir, search_paths),
    )
    memory["Gazeta after the search"] = worker_memory_mb(gazeta)

    # Before the comment posts, which leave writers queued behind SQLite's lock.
    visible = None
    if files_layer:
        probes = {
            "article, embedded server": gazeta.url + article_path,
            "home, embedded server": gazeta.url + "/",
        }
        if nginx and not nginx_problem:
            probes["article, behind nginx"] = f"http://127.0.0.1:{nginx_gazeta_port}{article_path}"
        article.refresh_from_db()
        visible = publish_to_visible(probes, article)
        restore_headline(article, visible.pop("_restore"))
    gazeta.stop()

    # Every page rendered by Django: page files off, no cache in front.
    plain_env = {**env, "GAZETA_PAGE_FILES": "off"}
    rendered = start_granian(
        "gazeta-rendered",
        "gazeta.wsgi:application",
        plain_env,
        workdir,
        workers=args.workers,
        cwd=ROOT,
    )
    services.append(rendered)
    hdrs = warm(rendered.url + article_path)[1]
    paired(
        "Gazeta, article rendered by Django (files off)",
        rendered.url + article_path,
        base_name="bare Django view: the same bytes",
        base_url=bare.url + "/",
        base_key="bare",
        note="" if "x-gazeta-page" not in hdrs else "served from a file although files are off",
    )
    bare.stop()
    for label, path in [
        ("home", "/"),
        ("section", targets["section_path"]),
    ]:
        hdrs = warm(rendered.url + path)[1]
        note = "" if "x-gazeta-page" not in hdrs else "served from a file although files are off"
        measure(f"Gazeta, {label} rendered by Django (files off)", rendered.url + path, note=note)
    memory["Gazeta rendering every page"] = worker_memory_mb(rendered)
    comment_article = targets["comment_article"]
    measure(
        "Gazeta, comment post (303 expected)",
        rendered.url + POST_PATH,
        script=lua_comment_post(workdir, article_id=comment_article.pk, origin=rendered.url),
    )
    rendered.stop()

    print()
    print(
        f"Database: {database_url.split('@')[-1]}; granian workers: {args.workers}, "
        f"options: {' '.join([*DEPLOYED_GRANIAN_ARGS, *GRANIAN_ARGS])}; "
        f"wrk {args.duration} s per run, 2 threads."
    )
    print_table(figures)
    print()
    print(
        "Resident memory per granian worker, MB: total (VmRSS) = own (RssAnon) + mapped files "
        "(RssFile) + shared (RssShmem). The 120 MB target is about the total; mapped files are "
        "mostly the interpreter and libraries, shared between the workers."
    )
    for name, values in memory.items():
        print(
            f"  {name}: "
            + (
                ", ".join(
                    "{:.0f} = {:.0f} + {:.0f} + {:.0f}".format(
                        *(v.get(field, 0) for field in MEMORY_FIELDS)
                    )
                    for v in values
                )
                or "—"
            )
        )
    print()
    if visible is None:
        print(f"Publish-to-visible: {unavailable}.")
    else:
        saved_ms, commit_ms = visible.pop("save") * 1000, visible.pop("commit") * 1000
        print(
            f"Publish-to-visible: headline saved through article_save in {saved_ms:.0f} ms "
            f"(committed after {commit_ms:.0f} ms); from the commit until each address, polled "
            "at the same time, showed it:"
        )
        for name, seconds in visible.items():
            print(
                f"  {name}: "
                + (f"{seconds * 1000:.0f} ms" if seconds is not None else "not within 10 s")
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

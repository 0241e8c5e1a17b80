"""Uncached render times of the public pages on databases of different sizes.

For each database given (each holding a corpus from ``manage.py generate_demo_corpus``), renders
the home page, a section page (first and fifth page), an article page, a topic page, an author
page and the year, month and day archives through Django's test client, with page files off and
the cache emptied before every request, and prints the median and p95 time of each, side by
side, with the number of SQL queries. A page whose time does not grow with the archive shows
about the same figures in every column.

    .venv/bin/python bench/render_times.py sqlite:////abs/small.sqlite3 sqlite:////abs/big.sqlite3
    .venv/bin/python bench/render_times.py postgres://root@127.0.0.1:5432/gazeta_1k \\
        postgres://root@127.0.0.1:5432/gazeta_1m --rounds 30

Each database is measured in its own process (Django is set up once per process). Not a test:
the figures depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def pages() -> dict[str, str]:
    """Addresses to render, picked from the corpus: the same kind of page on every database."""
    from django.utils import timezone

    from gazeta.newsroom.models import Article, Author, Section, Tag

    published = Article.objects.published().select_related("section")
    newest = published.order_by("-published_at")[5]
    day = timezone.localtime(newest.published_at)
    section = Section.objects.get(slug="politica")
    return {
        "home": "/",
        "section": section.get_absolute_url(),
        "section, page 5": section.get_absolute_url() + "?page=5",
        "article": newest.get_absolute_url(),
        "topic": Tag.objects.get(slug="guvern").get_absolute_url(),
        "author": Author.objects.filter(bylines__isnull=False)
        .order_by("slug")[0]
        .get_absolute_url(),
        "archive, year": f"/arhiva/{day.year}/",
        "archive, month": f"/arhiva/{day.year}/{day.month:02d}/",
        "archive, day": f"/arhiva/{day.year}/{day.month:02d}/{day.day:02d}/",
    }


def measure(url: str, rounds: int) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazeta.settings.test")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.GAZETA_PAGE_FILES = False
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gazeta.newsroom.models import Article

    client = Client(HTTP_HOST="localhost")
    results = {"articles": Article.objects.count(), "pages": {}}
    for name, path in pages().items():
        cache.clear()
        client.get(path)  # templates and connections warm, as in a running worker
        times = []
        for _ in range(rounds):
            cache.clear()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        results["pages"][name] = {
            "median": statistics.median(times),
            "p95": percentile(times, 0.95),
            "queries": len(queries),
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_urls", nargs="+", help="Databases holding a demo corpus.")
    parser.add_argument("--rounds", type=int, default=20, help="Renders per page (default 20).")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one database
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.rounds)))
        return 0
    columns = []
    for url in args.database_urls:
        done = subprocess.run(  # noqa: S603 - this script, our arguments
            [sys.executable, __file__, "--one", url, "--rounds", str(args.rounds), url],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        columns.append(json.loads(done.stdout.strip().splitlines()[-1]))
    header = "{:<20}" + "{:>28}" * len(columns)
    print(header.format("", *(f"{c['articles']:,} articles" for c in columns)))
    print(header.format("page", *["median / p95 (queries)"] * len(columns)))
    for name in columns[0]["pages"]:
        cells = []
        for column in columns:
            page = column["pages"][name]
            cells.append(
                f"{page['median'] * 1000:.1f} / {page['p95'] * 1000:.1f} ms ({page['queries']})"
            )
        print(header.format(name, *cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())

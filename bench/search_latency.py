"""Search latency on a large archive: loads generated Romanian articles into a fresh database,
builds the search index, then times searches and prints p50/p95 per kind of query.

Not a test: it takes minutes. It sets up everything itself and removes it afterwards: a
SQLite file in a temporary folder and/or a new PostgreSQL database ``gazeta_searchbench_<random>``
(``migrate`` runs on each). Articles are written with ``bulk_create`` (as an import would,
around the services) and indexed with ``search_index_rebuild``, the code behind
``manage.py rebuild_search_index``; that time is printed too. PostgreSQL then gets ``ANALYZE``,
as autovacuum would do soon after a bulk load.

Each search is timed twice: the *query* (``article_search_results``: count for the
paginator, plus one page of ten results with highlighted snippets, what the search page
computes) and the *page* (the whole ``/cauta/?q=`` response through Django's test client:
form, query, template; no network).

    .venv/bin/python bench/search_latency.py                        # 100,000 articles, both DBs
    .venv/bin/python bench/search_latency.py --database sqlite --articles 5000
    .venv/bin/python bench/search_latency.py --database postgres \\
        --postgres-url postgres://USER@HOST:5432/postgres            # another PostgreSQL server
    .venv/bin/python bench/search_latency.py --database-url sqlite:////abs/corpus.sqlite3

With ``--database-url`` nothing is loaded or removed: the database must hold a corpus from
``manage.py generate_demo_corpus`` (a million articles take minutes to generate, so it is made
once and measured many times), and the queries come from that corpus's vocabulary.

The text is generated from a vocabulary of inflected Romanian words spelled three ways
(comma-below, legacy cedilla, no diacritics); queries come in the same three spellings.
Figures depend on the machine and on whatever else runs on it: compare runs made one after
the other.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://root@127.0.0.1:5432/postgres"


def split_words(text: str) -> list[str]:
    return text.split()


# Inflection families (comma-below spelling), one per line; articles use any form, queries
# too. Each article is about a few of them, so a word matches a realistic share of the archive.
FAMILIES = [
    split_words(line)
    for line in """
guvern guvernul guvernului guverne guvernele
ministru ministrul ministrului miniștri miniștrii miniștrilor
președinte președintele președintelui președinți
diplomație diplomația diplomației diplomații
situație situația situației situații situațiile
investiție investiția investiției investiții investițiile
inundație inundația inundațiile inundațiilor
spital spitalul spitalului spitale spitalele spitalelor
școală școala școlii școli școlile școlilor
pădure pădurea pădurii păduri pădurile
oraș orașul orașului orașe orașele
județ județul județului județe județele
primărie primăria primăriei primării
lege legea legii legi legile legilor
buget bugetul bugetului bugete
echipă echipa echipei echipe echipele
meci meciul meciului meciuri meciurile
alegeri alegerile alegerilor
parlament parlamentul parlamentului
economie economia economiei
pensie pensia pensiei pensii pensiile
autostradă autostrada autostrăzii autostrăzi
tren trenul trenului trenuri trenurile
spectacol spectacolul spectacolului spectacole
festival festivalul festivalului festivaluri
cercetare cercetarea cercetării cercetări
universitate universitatea universității universități
energie energia energiei
secetă seceta secetei
recoltă recolta recoltei recolte
""".strip().splitlines()
]
NOUNS = [word for family in FAMILIES for word in family]
ADJECTIVES = split_words(
    """
nou nouă noi mare mari local locală locale național națională naționale european europeană
europene important importantă importante public publică publice ultim ultima primul prima
"""
)
VERBS = split_words(
    """
a anunțat a decis a cerut au discutat a aprobat a respins au protestat a câștigat a pierdut
va construi vor analiza a promis au semnat a explicat au început a crescut a scăzut
"""
)
SMALL = split_words("și în la de pe cu din pentru că dar care mai după până despre fără între")
CITIES = split_words("București Cluj Iași Timișoara Constanța Brașov Craiova Galați Oradea Sibiu")
RARE = split_words("vulcanologie speologie apicultură filatelie origami")
CEDILLA = str.maketrans("șțȘȚ", "şţŞŢ")
PLAIN = str.maketrans("șțȘȚăâîĂÂÎ", "stSTaaiAAI")

QUERIES = {
    "one common word": ["guvernul", "spitale", "echipa", "bugetului", "orașe"],
    "one rare word": ["vulcanologie", "speologie", "filatelie"],
    "no diacritics": ["diplomatiei", "inundatii", "scolile", "padurilor", "pensiile"],
    "cedilla": ["diplomaţiei", "situaţia", "investiţii", "preşedintele", "judeţul"],
    "two words": ["spitalul județean", "guvern buget", "echipa meci", "tren autostrada"],
    "phrase": ['"ministrul economiei"', '"primăria orașului"', '"legea pensiilor"'],
    "exclusion": ["guvern -buget", "echipa -meci", "spital -școală"],
    "three words + section": ["guvern lege parlament", "meci echipa festival"],
}


# The same kinds of query in the vocabulary of gazeta/newsroom/corpus.py (--database-url).
DEMO_QUERIES = {
    "one common word": ["guvernul", "proiectul", "autoritatilor", "spitalul", "echipa"],
    "less common word": ["vaccinare", "moțiunea", "gimnastele", "jazz", "satelitului"],
    "no diacritics": ["sedinta", "investitii", "pensiilor", "tarii", "judetele"],
    "cedilla": ["şedinţă", "investiţii", "ţării", "judeţele", "preşedintele"],
    "two words": ["spitalul judetean", "guvernul bugetul", "echipa nationala", "teatrul national"],
    "phrase": ['"fonduri europene"', '"legea pensiilor"', '"consiliul judetean"'],
    "exclusion": ["guvernul -buget", "echipa -fotbal", "spitalul -vaccinare"],
    "three words + section": ["guvernul proiectul bugetul", "parlamentul legea pensiilor"],
}


def spell(word: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return word.translate(CEDILLA)
    if roll < 0.30:
        return word.translate(PLAIN)
    return word


def sentence(rng: random.Random, words: int, topic: list[str]) -> str:
    out = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.35:
            out.append(rng.choice(topic if rng.random() < 0.9 else NOUNS))
        elif roll < 0.5:
            out.append(rng.choice(ADJECTIVES))
        elif roll < 0.6:
            out.append(rng.choice(VERBS))
        elif roll < 0.65:
            out.append(rng.choice(CITIES))
        elif roll < 0.6505:
            out.append(rng.choice(RARE))
        else:
            out.append(rng.choice(SMALL))
    text = " ".join(spell(w, rng) for w in out)
    return text[:1].upper() + text[1:] + "."


def article_fields(n: int, rng: random.Random) -> dict:
    topic = [word for family in rng.sample(FAMILIES, 3) for word in family]
    paragraphs = [
        "<p>" + " ".join(sentence(rng, rng.randint(10, 22), topic) for _ in range(3)) + "</p>"
        for _ in range(rng.randint(3, 6))
    ]
    return {
        "headline": sentence(rng, rng.randint(6, 11), topic).rstrip("."),
        "standfirst": sentence(rng, rng.randint(18, 30), topic),
        "body": "".join(paragraphs),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextmanager
def database(kind: str, postgres_url: str):
    """A fresh, empty database URL of ``kind``; removed afterwards."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="gazeta-searchbench-")
        try:
            yield f"sqlite:///{folder}/bench.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    name = f"gazeta_searchbench_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazeta.settings.test")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.GAZETA_SEARCH_RATE_LIMIT = 0
    settings.ALLOWED_HOSTS = ["*"]
    # As gazeta/wsgi.py does in a worker: what is loaded now stays, out of the garbage
    # collector's reach (a full collection would otherwise walk it during some search).
    gc.freeze()


def load(count: int, seed: int) -> tuple[float, float]:
    from django.db import connection, transaction
    from django.utils import timezone

    from gazeta.newsroom.models import Article
    from gazeta.newsroom.search import search_index_rebuild
    from gazeta.newsroom.services import section_get_or_create

    rng = random.Random(seed)  # noqa: S311 - repeatable text, not secrets
    sections = [section_get_or_create(name=n) for n in ["Politică", "Social", "Sport", "Cultură"]]
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    for n in range(count):
        batch.append(
            Article(
                **article_fields(n, rng),
                slug=f"articol-{n}",
                section=sections[n % len(sections)],
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=7 * n + 1),
            )
        )
        if len(batch) == 2000 or n == count - 1:
            with transaction.atomic():
                Article.objects.bulk_create(batch)
            batch = []
            print(f"\r  articles written: {n + 1:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    written = time.perf_counter() - started
    started = time.perf_counter()
    done = [0]

    def progress(n):
        done[0] += n
        print(f"\r  articles indexed: {done[0]:,}", end="", file=sys.stderr, flush=True)

    search_index_rebuild(chunk_size=1000, progress=progress)
    print(file=sys.stderr)
    if connection.vendor == "postgresql":
        # Autovacuum would do it soon after a bulk load; measure that steady state.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return written, time.perf_counter() - started


def measure(
    rounds: int, queries=None, per_query: dict | None = None
) -> dict[str, tuple[list[float], list[float], list[int]]]:
    from django.test import Client

    from gazeta.newsroom.models import Section
    from gazeta.newsroom.search import article_search_results, attach_highlights

    client = Client(HTTP_HOST="localhost")
    politics = Section.objects.get(slug="politica")
    results = {}
    for kind, texts in (queries or QUERIES).items():
        query_times, page_times, counts = [], [], []
        for _ in range(rounds):
            for q in texts:
                section = politics if kind.endswith("section") else None
                started = time.perf_counter()
                found = article_search_results(query=q, section=section)
                total = found.count()
                attach_highlights(found[:10], q)
                query_times.append(time.perf_counter() - started)
                counts.append(total)
                params = {"q": q, **({"sectiune": "politica"} if section else {})}
                started = time.perf_counter()
                response = client.get("/cauta/", params)
                page_times.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
                if per_query is not None:
                    times = per_query.setdefault((kind, q), ([], []))
                    times[0].append(query_times[-1])
                    times[1].append(page_times[-1])
        results[kind] = (query_times, page_times, counts)
    return results


def ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.1f} ms"


def report(kind_db: str, count: int, load_times, results) -> None:
    if load_times is None:
        print(f"\n{kind_db}: {count:,} articles (demo corpus)")
    else:
        written, indexed = load_times
        print(
            f"\n{kind_db}: {count:,} articles; written in {written:.1f} s, "
            f"indexed in {indexed:.1f} s"
        )
    header = ("query kind", "matches", "query p50", "query p95", "page p50", "page p95")
    row = "{:<24}{:>10}{:>12}{:>12}{:>12}{:>12}"
    print(row.format(*header))
    all_query, all_page = [], []
    for kind, (query_times, page_times, counts) in results.items():
        all_query += query_times
        all_page += page_times
        print(
            row.format(
                kind,
                f"{statistics.median(counts):,.0f}",
                ms(query_times, 0.5),
                ms(query_times, 0.95),
                ms(page_times, 0.5),
                ms(page_times, 0.95),
            )
        )
    print(
        row.format(
            "all",
            "",
            ms(all_query, 0.5),
            ms(all_query, 0.95),
            ms(all_page, 0.5),
            ms(all_page, 0.95),
        )
    )


def report_per_query(per_query: dict) -> None:
    print("\nper query (slowest first)")
    row = "{:<24}{:<32}{:>12}{:>12}"
    print(row.format("query kind", "query", "query max", "page max"))
    slowest = sorted(per_query.items(), key=lambda item: -max(item[1][0] + item[1][1]))
    for (kind, q), (query_times, page_times) in slowest:
        print(row.format(kind, q, ms(query_times, 1.0), ms(page_times, 1.0)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="Which database to measure (default both, one after the other).",
    )
    parser.add_argument(
        "--articles", type=int, default=100_000, help="How many articles to load (100,000)."
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="How many times each query runs (default 5)."
    )
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generated text.")
    parser.add_argument(
        "--database-url",
        help="Measure this database, which holds a demo corpus (generate_demo_corpus); "
        "nothing is loaded or removed.",
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="A PostgreSQL server database where the bench may create and drop its own "
        f"database (default {DEFAULT_POSTGRES_URL}).",
    )
    parser.add_argument(
        "--per-query",
        action="store_true",
        help="Also print each query's slowest time (query and page), slowest first.",
    )
    args = parser.parse_args()
    per_query = {} if args.per_query else None
    if args.database_url:
        configure_django(args.database_url)
        from gazeta.newsroom.models import Article

        count = Article.objects.count()
        results = measure(args.rounds, DEMO_QUERIES, per_query)
        report(args.database_url.split("@")[-1], count, None, results)
        if per_query:
            report_per_query(per_query)
        return 0
    if args.database == "both":
        # One process per database: Django is set up once per process.
        for kind in ["sqlite", "postgres"]:
            argv = [sys.executable, __file__, "--database", kind, "--articles", str(args.articles)]
            argv += ["--rounds", str(args.rounds), "--seed", str(args.seed)]
            argv += ["--postgres-url", args.postgres_url]
            argv += ["--per-query"] if args.per_query else []
            done = subprocess.run(argv, check=False)  # noqa: S603 - this script, our arguments
            if done.returncode:
                return done.returncode
        return 0
    with database(args.database, args.postgres_url) as url:
        configure_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"{args.database}: loading {args.articles:,} articles…", file=sys.stderr)
        load_times = load(args.articles, args.seed)
        results = measure(args.rounds, per_query=per_query)
        report(args.database, args.articles, load_times, results)
        if per_query:
            report_per_query(per_query)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A generated Romanian demo corpus for benchmarks: many articles, fast.

Text comes from word lists and sentence templates written for Gazeta: each article gets its
own headline and lead built from them, and a body of several paragraphs drawn from a pool of
generated sentences of its section. Articles are spread over sections, reporters, topics and
dates (about ``ARTICLES_PER_DAY`` a day back from now, so a million span years); a few are
drafts or scheduled. Published articles get threaded reader comments, mostly approved.

Rows are written straight to the tables in large batches, one transaction per batch
(``executemany`` on SQLite, ``COPY`` on PostgreSQL), with their ids chosen here so bylines,
tags and comment replies can point at them without reading anything back. The search index
is filled in the same transaction from the lexemes :mod:`.search` gives each vocabulary
sentence, the same entries ``rebuild_search_index`` would write. Sections, reporters, topics
and agencies go through the newsroom services. Nothing is switched off: foreign keys,
constraints and indexes stay on.

Each generated article has ``external_id`` ``demo-corpus:<n>``, so a second run sees the
corpus that is there: the same size is left alone, another size is refused.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.management.color import no_style
from django.db import connection as default_connection
from django.db import transaction
from django.db.models import NOT_PROVIDED, Max
from django.utils import timezone

from gazeta.comments.models import Comment
from gazeta.comments.text import render_comment_body
from gazeta.core.text import romanian_slugify

from . import search
from .models import Agency, Article, ArticleViewCount, Author, Byline, Credit, Section, Tag
from .popularity import hour_of
from .services import (
    agency_get_or_create,
    author_get_or_create,
    section_get_or_create,
    tag_get_or_create,
)

EXTERNAL_ID_PREFIX = "demo-corpus:"
ARTICLES_PER_DAY = 200
MIN_DAYS = 60
DRAFT_SHARE = 0.01
SCHEDULED_SHARE = 0.002
FEATURED_SHARE = 0.02
REVISED_SHARE = 0.1
NO_BYLINE_SHARE = 0.08
TWO_AUTHORS_SHARE = 0.12
CREDIT_SHARE = 0.15
REPLY_SHARE = 0.35
MAX_REPLY_DEPTH = 4
VIEW_COUNT_HOURS = 48
COMMENT_STATUSES = [
    (Comment.Status.APPROVED.value, 0.94),
    (Comment.Status.PENDING.value, 0.04),
    (Comment.Status.SPAM.value, 0.02),
]
SENTENCES_PER_SECTION = 400
APPROVED = Comment.Status.APPROVED.value
COMMENT_POOL = 3000


# Vocabulary ------------------------------------------------------------------------------


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


@dataclass(frozen=True)
class Beat:
    """What one section writes about: who acts, what they act on, and its topics (tags)."""

    subjects: list[str]
    objects: list[str]
    tags: list[str]


BEATS: dict[str, Beat] = {
    "Politică": Beat(
        subjects=lines("""
            Guvernul
            Parlamentul
            Senatul
            Camera Deputaților
            Premierul
            Ministrul Justiției
            Opoziția
            Coaliția de guvernare
            Președintele
            Curtea Constituțională
            Comisia juridică
            Liderul grupului parlamentar
        """),
        objects=lines("""
            proiectul de buget pe anul viitor
            legea pensiilor speciale
            noul cod administrativ
            reforma administrativă
            ordonanța privind salarizarea
            strategia națională de apărare
            calendarul alegerilor locale
            moțiunea de cenzură
            lista miniștrilor propuși
            regulamentul de funcționare
            pachetul de măsuri fiscale
            acordul de guvernare
        """),
        tags=lines("""
            Guvern
            Parlament
            Alegeri locale
            Alegeri parlamentare
            Buget
            Justiție
            Coaliția de guvernare
            Opoziție
            Reforma administrativă
            Moțiune de cenzură
            Curtea Constituțională
            Pensii speciale
        """),
    ),
    "Economie": Beat(
        subjects=lines("""
            Banca Națională
            Ministerul Finanțelor
            Institutul Național de Statistică
            Patronatele
            Bursa de Valori
            Autoritatea de supraveghere financiară
            Marile lanțuri de magazine
            Producătorii de energie
            Fermierii
            Investitorii străini
        """),
        objects=lines("""
            dobânda de politică monetară
            prognoza de inflație
            prețul energiei pentru consumatori
            noile taxe pe proprietate
            programul de garantare a creditelor
            fondurile europene pentru infrastructură
            salariul minim pe economie
            deficitul bugetar
            exporturile de cereale
            planul de investiții în rețele
        """),
        tags=lines("""
            Inflație
            Dobânzi
            Taxe
            Investiții
            Energie
            Bănci
            Agricultură
            Fonduri europene
            Salariul minim
            Bursă
            Imobiliare
            Comerț
        """),
    ),
    "Social": Beat(
        subjects=lines("""
            Inspectoratul pentru Situații de Urgență
            Primăria Capitalei
            Consiliul județean
            Ministerul Educației
            Sindicatele din învățământ
            Pompierii
            Poliția locală
            Asociațiile de părinți
            Locatarii din cartier
            Protecția Copilului
        """),
        objects=lines("""
            planul de evacuare a localităților afectate
            programul de reabilitare termică
            calendarul anului școlar
            noile reguli de parcare
            rețeaua de transport public
            centrele de îngrijire pentru vârstnici
            lucrările la rețeaua de apă
            bursele pentru elevi
            proiectul de locuințe sociale
            alimentarea cu căldură
        """),
        tags=lines("""
            Educație
            Inundații
            Transport public
            Locuințe
            Vârstnici
            Copii
            Siguranță publică
            Mediu
            Vreme
            Apă și canalizare
        """),
    ),
    "Externe": Beat(
        subjects=lines("""
            Comisia Europeană
            Consiliul de Securitate
            Ministrul de Externe
            Ambasadorii statelor membre
            Liderii europeni
            Guvernul de la Chișinău
            Parlamentul European
            Secretarul general al alianței
            Negociatorii
            Observatorii internaționali
        """),
        objects=lines("""
            acordul comercial cu statele vecine
            sancțiunile economice
            planul de ajutor umanitar
            tratatul privind frontierele
            misiunea de pace
            regulile comune privind migrația
            aderarea la spațiul de liberă circulație
            pachetul de sprijin pentru reconstrucție
            declarația comună a summitului
            noua rundă de negocieri
        """),
        tags=lines("""
            Uniunea Europeană
            NATO
            Republica Moldova
            Diplomație
            Migrație
            Schengen
            Ucraina
            Balcani
            Summit
            Ajutor umanitar
        """),
    ),
    "Sport": Beat(
        subjects=lines("""
            Echipa națională
            Antrenorul federal
            Campioana en titre
            Federația de fotbal
            Handbalistele
            Gimnastele
            Tenismana
            Clubul din Ghencea
            Liga profesionistă
            Comitetul Olimpic
        """),
        objects=lines("""
            lotul pentru meciurile din toamnă
            calificarea la turneul final
            noul sezon al campionatului
            contractul de sponsorizare
            stadionul renovat
            finala cupei
            programul de pregătire
            transferul atacantului
            regulamentul competiției
            medalia de la campionatul european
        """),
        tags=lines("""
            Fotbal
            Handbal
            Tenis
            Gimnastică
            Atletism
            Jocurile Olimpice
            Liga I
            Echipa națională
            Cupa României
            Baschet
        """),
    ),
    "Cultură": Beat(
        subjects=lines("""
            Teatrul Național
            Filarmonica
            Muzeul de Artă
            Organizatorii festivalului
            Regizorul
            Editura
            Biblioteca Județeană
            Ministerul Culturii
            Orchestra de cameră
            Uniunea Scriitorilor
        """),
        objects=lines("""
            stagiunea de toamnă
            programul festivalului de film
            expoziția de pictură contemporană
            premiera noului spectacol
            colecția de manuscrise restaurate
            lista cărților premiate
            turneul prin orașele din țară
            restaurarea clădirii istorice
            concursul pentru tineri interpreți
            festivalul de jazz
        """),
        tags=lines("""
            Teatru
            Film
            Muzică
            Carte
            Expoziții
            Patrimoniu
            Festivaluri
            Operă
            Arte vizuale
            Jazz
        """),
    ),
    "Sănătate": Beat(
        subjects=lines("""
            Ministerul Sănătății
            Spitalul Județean
            Medicii de familie
            Casa Națională de Asigurări
            Institutul de Boli Infecțioase
            Colegiul Medicilor
            Direcția de Sănătate Publică
            Cercetătorii
            Farmaciștii
            Asociațiile de pacienți
        """),
        objects=lines("""
            campania de vaccinare
            lista medicamentelor compensate
            programul de screening
            noile secții de urgență
            normele de lucru în spitale
            planul pentru sezonul gripal
            finanțarea pentru aparatură
            protocolul de tratament
            centrele de transplant
            ghidul pentru alimentație sănătoasă
        """),
        tags=lines("""
            Spitale
            Vaccinare
            Medicamente
            Gripă
            Medici de familie
            Urgențe
            Cancer
            Nutriție
            Sănătate mintală
            Cercetare medicală
        """),
    ),
    "Tehnologie": Beat(
        subjects=lines("""
            Autoritatea pentru digitalizare
            Operatorii de telefonie
            Firmele de software
            Cercetătorii de la politehnică
            Centrul de securitate cibernetică
            Startup-urile locale
            Agenția spațială
            Producătorii de automobile electrice
            Universitățile tehnice
            Băncile
        """),
        objects=lines("""
            rețeaua de internet de mare viteză
            platforma de servicii publice online
            licitația pentru frecvențe
            programul de burse pentru programatori
            proiectul satelitului românesc
            aplicația pentru plăți
            centrul de date regional
            stațiile de încărcare pentru mașini electrice
            regulile privind inteligența artificială
            planul de protecție a datelor
        """),
        tags=lines("""
            Internet
            Securitate cibernetică
            Inteligență artificială
            Telefonie
            Startup
            Spațiu
            Mașini electrice
            Digitalizare
            Software
            Date personale
        """),
    ),
}

VERBS = lines("""
    a aprobat
    a respins
    a amânat
    a anunțat
    a prezentat
    a contestat
    a modificat
    a semnat
    a criticat
    a propus
    a lansat
    a suspendat
    a extins
    a finalizat
    a blocat
    analizează
    pregătește
    discută
    revizuiește
    susține
""")
HEADLINE_TAILS = lines("""
    după o ședință de noapte
    pentru anul viitor
    în ciuda protestelor
    fără vot în plen
    la cererea sindicatelor
    înaintea termenului
    cu sprijinul opoziției
    după luni de negocieri
    pentru a doua oară
    în plină criză
    sub presiunea străzii
    cu întârziere de un an
""")
PLACES = lines("""
    București
    Cluj-Napoca
    Iași
    Timișoara
    Constanța
    Brașov
    Craiova
    Galați
    Oradea
    Sibiu
    Suceava
    Bacău
    Pitești
    Arad
    Baia Mare
    Târgu Mureș
""")
OPENERS = lines("""
    Potrivit unor surse oficiale,
    Reprezentanții instituției au precizat că
    Specialiștii consultați de redacție spun că
    În ultimele luni,
    Conform datelor publicate joi,
    Un comunicat transmis vineri arată că
    Mai mulți martori au declarat că
    Din informațiile obținute de Gazeta reiese că
    Analiștii avertizează că
    Pe de altă parte,
    În același timp,
    Cel puțin deocamdată,
""")
CLAUSES = lines("""
    iar decizia intră în vigoare de luna viitoare
    după mai multe săptămâni de discuții
    deși nu toate detaliile au fost făcute publice
    chiar dacă bugetul nu a fost încă aprobat
    în timp ce criticii cer mai multă transparență
    fără ca termenele să fie modificate
    astfel încât efectele să se vadă până la iarnă
    iar primele rezultate vor fi prezentate în primăvară
    după ce consultarea publică s-a încheiat
    cu toate că opiniile rămân împărțite
""")
ENDINGS = lines("""
    până la sfârșitul anului
    în toate județele țării
    cu sprijinul autorităților locale
    în următoarele săptămâni
    la nivel național
    înainte de sezonul rece
    în mai multe etape
    pentru prima dată în ultimii zece ani
    în paralel cu alte proiecte
    doar după o evaluare atentă
""")
FIRST_NAMES = lines("""
    Andreea
    Ioana
    Maria
    Elena
    Cristina
    Alina
    Raluca
    Simona
    Diana
    Mihaela
    Andrei
    Mihai
    Alexandru
    Ștefan
    Radu
    Cristian
    Bogdan
    Vlad
    Tudor
    Adrian
""")
LAST_NAMES = lines("""
    Popescu
    Ionescu
    Dumitrescu
    Stănescu
    Georgescu
    Marinescu
    Constantinescu
    Munteanu
    Dobre
    Stoica
    Răducanu
    Toma
    Nistor
    Vasilescu
    Barbu
    Moldovan
    Lazăr
    Ciobanu
    Preda
    Neagu
""")
AGENCIES = ["Agerpres", "AFP", "Reuters", "Associated Press"]
COMMENT_SENTENCES = lines("""
    Foarte bun articolul, mulțumesc pentru informații.
    Nu sunt de acord cu această decizie.
    Când se aplică, de fapt, noile reguli?
    Ar fi trebuit să se întâmple de mult.
    Sper să nu rămână doar o promisiune.
    Am mai auzit asta și anul trecut.
    În orașul nostru situația e exact la fel.
    Cine plătește până la urmă?
    Bine că măcar se discută.
    Aștept să văd rezultatele, nu declarațiile.
    Mulțumim pentru că ați scris despre asta.
    Cifrele din al doilea paragraf nu se potrivesc cu cele oficiale.
    E o veste bună pentru toată lumea.
    Îmi pare rău, dar nu cred că va funcționa.
    Ar trebui întrebați și oamenii de rând.
    Felicitări celor implicați!
    Poate reveniți cu detalii după ședință.
    La noi în comună nu a ajuns nimic din toate acestea.
    Exact asta spuneam și eu acum o lună.
    Ce părere au specialiștii independenți?
""")
QUOTE_LEADS = lines("""
    Este un pas important pentru toată lumea
    Nu putem accepta întârzieri
    Vom reveni cu detalii în zilele următoare
    Avem nevoie de mai mult timp
    Rezultatele ne dau motive de optimism
    Situația este sub control
    Oamenii merită răspunsuri clare
    Am făcut tot ce depindea de noi
""")


# Text ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    text: str
    lexemes: tuple[str, ...]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class TextMaker:
    """Headlines, leads and bodies for one corpus, from a seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pools: dict[str, list[Sentence]] = {
            name: [self._body_sentence(beat) for _ in range(SENTENCES_PER_SECTION)]
            for name, beat in BEATS.items()
        }
        self.comments = [self._comment() for _ in range(COMMENT_POOL)]
        self.commenters = [self._commenter() for _ in range(COMMENT_POOL)]

    def _person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _body_sentence(self, beat: Beat) -> Sentence:
        rng = self.rng
        kind = rng.random()
        subject, verb, obj = rng.choice(beat.subjects), rng.choice(VERBS), rng.choice(beat.objects)
        if kind < 0.35:
            text = f"{rng.choice(OPENERS)} {subject} {verb} {obj} {rng.choice(ENDINGS)}."
            if text[0].islower():
                text = _cap(text)
        elif kind < 0.6:
            text = f"{subject} {verb} {obj}, {rng.choice(CLAUSES)}."
        elif kind < 0.8:
            amount = rng.choice([12, 35, 80, 150, 420, 900])
            unit = rng.choice(["milioane de lei", "milioane de euro", "angajați", "locuri noi"])
            # Romanian puts "de" between a number from twenty up and its noun.
            quantity = f"{amount} {unit}" if amount < 20 else f"{amount} de {unit}"
            text = (
                f"Proiectul privind {obj} are nevoie de {quantity} "
                f"și ar urma să fie gata {rng.choice(ENDINGS)}."
            )
        else:
            text = (
                f"„{rng.choice(QUOTE_LEADS)}”, a declarat {self._person()}, "
                f"la {rng.choice(PLACES)}."
            )
        if any(c in text for c in "<>&"):
            raise ValueError(f"Corpus sentences must be plain text: {text!r}")
        return Sentence(text, tuple(search.lexemes(text)))

    def _comment(self) -> tuple[str, str]:
        body = " ".join(self.rng.sample(COMMENT_SENTENCES, self.rng.randint(1, 3)))
        return body, str(render_comment_body(body))

    def headline(self, beat: Beat) -> str:
        rng = self.rng
        subject, verb, obj = rng.choice(beat.subjects), rng.choice(VERBS), rng.choice(beat.objects)
        roll = rng.random()
        if roll < 0.4:
            return f"{subject} {verb} {obj} {rng.choice(HEADLINE_TAILS)}"
        if roll < 0.7:
            return f"{rng.choice(PLACES)}: {subject} {verb} {obj}"
        if roll < 0.85:
            return f"{subject} {verb} {obj}. Ce se schimbă"
        return f"„{rng.choice(QUOTE_LEADS)}”: {subject} {verb} {obj}"

    def standfirst(self, beat: Beat) -> str:
        rng = self.rng
        subject, verb, obj = rng.choice(beat.subjects), rng.choice(VERBS), rng.choice(beat.objects)
        return f"{subject} {verb} {obj}, {rng.choice(CLAUSES)}, {rng.choice(ENDINGS)}."

    def body(self, section: str) -> tuple[str, list[str]]:
        """Body HTML (paragraphs of pooled sentences) and its lexemes, in order."""
        rng, pool = self.rng, self.pools[section]
        paragraphs, lexemes = [], []
        for _ in range(rng.randint(3, 6)):
            picked = rng.choices(pool, k=rng.randint(2, 4))
            paragraphs.append("<p>" + " ".join(s.text for s in picked) + "</p>")
            for sentence in picked:
                lexemes.extend(sentence.lexemes)
        return "".join(paragraphs), lexemes

    def comment(self) -> tuple[str, str]:
        return self.rng.choice(self.comments)

    def _commenter(self) -> tuple[str, str]:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        email = f"{romanian_slugify(first)}.{romanian_slugify(last)}{self.rng.randint(1, 999)}"
        return f"{first} {last}", f"{email}@exemplu.ro"

    def commenter(self) -> tuple[str, str]:
        return self.rng.choice(self.commenters)


# Writing rows ----------------------------------------------------------------------------


class TablePlan:
    """How rows of ``model`` are written: the columns the generator gives, in order, then
    every other column at its default (computed once), so fields added to the model later
    need nothing here."""

    def __init__(self, model, given: list[str], connection):
        self.table = model._meta.db_table
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        missing = [name for name in given if name not in by_attname]
        if missing:
            raise ValueError(f"{model.__name__} has no column {missing}")
        rest = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in given
            and not f.primary_key
            and not getattr(f, "generated", False)
            and f.db_default is NOT_PROVIDED
        ]
        self.columns = [by_attname[name].column for name in given] + [f.column for f in rest]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)


class RowWriter:
    """Inserts prepared rows: ``executemany`` on SQLite, ``COPY`` on PostgreSQL."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError("The demo corpus supports SQLite and PostgreSQL.")

    def datetime(self, value: datetime | None):
        """``value`` (aware) as the database driver takes it in a raw insert: on SQLite the
        text Django stores, UTC without an offset."""
        if value is None or self.vendor == "postgresql":
            return value
        return str(value.astimezone(UTC).replace(tzinfo=None))

    def insert(self, plan: TablePlan, rows: list[tuple]) -> None:
        if not rows:
            return
        if plan.defaults:
            rows = [row + plan.defaults for row in rows]
        columns = ", ".join(self.connection.ops.quote_name(c) for c in plan.columns)
        table = self.connection.ops.quote_name(plan.table)
        if self.vendor == "sqlite":
            self.connection.ensure_connection()
            marks = ", ".join("?" * len(plan.columns))
            self.connection.connection.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - our names
                rows,
            )
            return
        with self.connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


# The generator ---------------------------------------------------------------------------


@dataclass
class CorpusSummary:
    articles: int = 0
    published: int = 0
    comments: int = 0
    bylines: int = 0
    tags: int = 0
    view_counts: int = 0
    seconds: float = 0.0
    skipped: bool = False
    first_id: int | None = None
    last_id: int | None = None
    stages: dict[str, float] = field(default_factory=dict)


class CorpusExists(Exception):
    """The database already holds a demo corpus of another size."""


@dataclass
class Cast:
    """The rows every article picks from: sections, their reporters and topics, agencies."""

    sections: list[Section]
    reporters: dict[int, list[Author]]
    topics: dict[int, list[Tag]]
    places: list[Tag]
    agencies: list[Agency]


def cast_get_or_create(rng: random.Random) -> Cast:
    """Sections, reporters (ten per section), topics and agencies, through the services, so
    running again finds the same rows."""
    sections, reporters, topics = [], {}, {}
    names = iter(sorted({f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES}))
    shuffled = list(names)
    random.Random(7).shuffle(shuffled)  # noqa: S311 - a fixed cast, not a secret
    people = iter(shuffled)
    for name, beat in BEATS.items():
        section = section_get_or_create(name=name)
        sections.append(section)
        reporters[section.pk] = [author_get_or_create(name=next(people)) for _ in range(10)]
        topics[section.pk] = [tag_get_or_create(name=tag) for tag in beat.tags]
    places = [tag_get_or_create(name=place) for place in PLACES]
    agencies = [agency_get_or_create(name=name) for name in AGENCIES]
    return Cast(sections, reporters, topics, places, agencies)


def corpus_size() -> int:
    return Article.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX).count()


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _next_article_id(connection) -> int:
    """Past every article and every search index entry: an entry can outlive its article
    (deleted around the services, or a test database flushed), and the index rows are
    inserted, not replaced."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(rowid) FROM newsroom_article_search")
        indexed = cursor.fetchone()[0] or 0
    return max(_next_id(Article), indexed + 1)


def _spread(count: int, days: float | None, now: datetime) -> tuple[datetime, timedelta]:
    """The first publication time and the step between articles: newest a few minutes ago."""
    span = timedelta(days=days if days else max(MIN_DAYS, count / ARTICLES_PER_DAY))
    step = span / max(count, 1)
    return now - timedelta(minutes=5) - step * (count - 1), step


def corpus_generate(
    *,
    articles: int,
    comments_per_article: int,
    seed: int = 1,
    batch_size: int = 5000,
    days: float | None = None,
    progress: Callable[[int], None] | None = None,
    connection=None,
) -> CorpusSummary:
    """Write a demo corpus of ``articles`` articles with ``comments_per_article`` comments
    on each published one, its search index entries, then refresh the planner's statistics.
    Commits every ``batch_size`` articles. Does nothing when a corpus of that size is there;
    raises :class:`CorpusExists` when one of another size is."""
    connection = connection or default_connection
    started = time.perf_counter()
    existing = corpus_size()
    if existing == articles:
        return CorpusSummary(articles=existing, skipped=True)
    if existing:
        raise CorpusExists(
            f"This database already holds a demo corpus of {existing:,} articles. Generate "
            "another size into an empty database (DATABASE_URL or GAZETA_VAR_DIR)."
        )
    rng = random.Random(seed)  # noqa: S311 - repeatable demo text, not secrets
    text = TextMaker(rng)
    cast = cast_get_or_create(rng)
    writer = RowWriter(connection)
    article_plan = TablePlan(
        Article,
        [
            "id",
            "headline",
            "slug",
            "section_id",
            "standfirst",
            "body",
            "status",
            "published_at",
            "revised_at",
            "created_at",
            "updated_at",
            "is_featured",
            "external_id",
        ],
        connection,
    )
    byline_plan = TablePlan(Byline, ["article_id", "author_id", "position"], connection)
    credit_plan = TablePlan(Credit, ["article_id", "agency_id", "position"], connection)
    tag_plan = TablePlan(Article.tags.through, ["article_id", "tag_id"], connection)
    comment_plan = TablePlan(
        Comment,
        [
            "id",
            "article_id",
            "parent_id",
            "name",
            "email",
            "body",
            "body_html",
            "status",
            "created_at",
        ],
        connection,
    )
    summary = CorpusSummary()
    now = timezone.now().astimezone(UTC).replace(second=0, microsecond=0)
    first_time, step = _spread(articles, days, now)
    article_id, comment_id = _next_article_id(connection), _next_id(Comment)
    summary.first_id = article_id
    stages = {"text": 0.0, "write": 0.0}
    with _bulk_session(connection):
        for start in range(0, articles, batch_size):
            count = min(batch_size, articles - start)
            tick = time.perf_counter()
            batch = _make_batch(
                text=text,
                rng=rng,
                cast=cast,
                writer=writer,
                numbers=range(start, start + count),
                first_article_id=article_id,
                first_comment_id=comment_id,
                first_time=first_time,
                step=step,
                now=now,
                comments_per_article=comments_per_article,
            )
            stages["text"] += time.perf_counter() - tick
            tick = time.perf_counter()
            with transaction.atomic(using=connection.alias):
                writer.insert(article_plan, batch.articles)
                writer.insert(byline_plan, batch.bylines)
                writer.insert(credit_plan, batch.credits)
                writer.insert(tag_plan, batch.tags)
                writer.insert(comment_plan, batch.comments)
                with connection.cursor() as cursor:
                    search.backend_for(connection).append(cursor, batch.index)
            stages["write"] += time.perf_counter() - tick
            article_id += count
            comment_id += len(batch.comments)
            summary.articles += count
            summary.published += batch.published
            summary.comments += len(batch.comments)
            summary.bylines += len(batch.bylines)
            summary.tags += len(batch.tags)
            if progress:
                progress(count)
    summary.last_id = article_id - 1
    tick = time.perf_counter()
    summary.view_counts = view_counts_generate(rng=rng, now=now)
    _after_load(connection)
    stages["optimise"] = time.perf_counter() - tick
    summary.stages = stages
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass
class Batch:
    articles: list[tuple] = field(default_factory=list)
    bylines: list[tuple] = field(default_factory=list)
    credits: list[tuple] = field(default_factory=list)
    tags: list[tuple] = field(default_factory=list)
    comments: list[tuple] = field(default_factory=list)
    index: list[tuple] = field(default_factory=list)
    published: int = 0


def _make_batch(
    *,
    text: TextMaker,
    rng: random.Random,
    cast: Cast,
    writer: RowWriter,
    numbers: range,
    first_article_id: int,
    first_comment_id: int,
    first_time: datetime,
    step: timedelta,
    now: datetime,
    comments_per_article: int,
) -> Batch:
    batch = Batch()
    comment_id = first_comment_id
    section_names = list(BEATS)
    dt = writer.datetime
    published_status, draft, scheduled = (
        Article.Status.PUBLISHED.value,
        Article.Status.DRAFT.value,
        Article.Status.SCHEDULED.value,
    )
    for offset, n in enumerate(numbers):
        pk = first_article_id + offset
        index = rng.randrange(len(cast.sections))
        section, beat = cast.sections[index], BEATS[section_names[index]]
        headline = text.headline(beat)
        standfirst = text.standfirst(beat)
        body, body_lexemes = text.body(section_names[index])
        moment = first_time + step * n + timedelta(seconds=rng.uniform(0, step.total_seconds()))
        moment = min(moment, now - timedelta(minutes=1))
        roll = rng.random()
        if roll < DRAFT_SHARE:
            status, published_at = draft, None
        elif roll < DRAFT_SHARE + SCHEDULED_SHARE:
            status, published_at = scheduled, now + timedelta(days=rng.uniform(1, 30))
        else:
            status, published_at = published_status, moment
        is_live = status == published_status
        revised_at = None
        if is_live and rng.random() < REVISED_SHARE:
            revised_at = moment + timedelta(hours=rng.uniform(1, 12))
            revised_at = min(revised_at, now)
        created_at = moment - timedelta(hours=rng.uniform(0.5, 6))
        slug = f"{romanian_slugify(headline, max_length=70)}-{n}"
        batch.articles.append(
            (
                pk,
                headline,
                slug,
                section.pk,
                standfirst,
                body,
                status,
                dt(published_at),
                dt(revised_at),
                dt(created_at),
                dt(revised_at or moment),
                is_live and rng.random() < FEATURED_SHARE,
                f"{EXTERNAL_ID_PREFIX}{n}",
            )
        )
        batch.index.append((pk, search.lexemes(headline), search.lexemes(standfirst), body_lexemes))
        roll = rng.random()
        if roll >= NO_BYLINE_SHARE:
            count = 2 if roll < NO_BYLINE_SHARE + TWO_AUTHORS_SHARE else 1
            for position, author in enumerate(rng.sample(cast.reporters[section.pk], count)):
                batch.bylines.append((pk, author.pk, position))
        if rng.random() < CREDIT_SHARE:
            agencies = rng.sample(cast.agencies, rng.choice([1, 1, 2]))
            for position, agency in enumerate(agencies):
                batch.credits.append((pk, agency.pk, position))
        tags = rng.sample(cast.topics[section.pk], rng.randint(1, 3))
        if rng.random() < 0.3:
            tags.append(rng.choice(cast.places))
        batch.tags.extend((pk, tag.pk) for tag in tags)
        if not is_live:
            continue
        batch.published += 1
        comment_id = _add_comments(
            batch, text, rng, dt, pk, comment_id, moment, now, comments_per_article
        )
    return batch


def _add_comments(batch, text, rng, dt, article_pk, comment_id, published_at, now, count):
    """``count`` comments on one article, oldest first; about a third reply to an earlier
    one (never deeper than ``MAX_REPLY_DEPTH``)."""
    depths: list[tuple[int, int]] = []
    moment = published_at
    room = max((now - published_at).total_seconds(), 60.0)
    for _ in range(count):
        moment += timedelta(seconds=rng.uniform(1, room / (count + 1)))
        parent, depth = None, 1
        if depths and rng.random() < REPLY_SHARE:
            parent, parent_depth = rng.choice(depths)
            if parent_depth < MAX_REPLY_DEPTH:
                depth = parent_depth + 1
            else:
                parent = None
        roll, status = rng.random(), COMMENT_STATUSES[-1][0]
        for candidate, share in COMMENT_STATUSES:
            if roll < share:
                status = candidate
                break
            roll -= share
        if status == APPROVED:
            depths.append((comment_id, depth))
        body, body_html = text.comment()
        name, email = text.commenter()
        batch.comments.append(
            (comment_id, article_pk, parent, name, email, body, body_html, status, dt(moment))
        )
        comment_id += 1
    return comment_id


def view_counts_generate(*, rng: random.Random, now: datetime) -> int:
    """Hourly reader counts ("Most read") for the articles published in the last
    ``VIEW_COUNT_HOURS`` hours, a few of them far more read than the rest. Returns how many
    rows were written."""
    since = now - timedelta(hours=VIEW_COUNT_HOURS)
    recent = Article.objects.published(now=now).filter(published_at__gte=since)
    rows = []
    for pk, published_at in recent.values_list("pk", "published_at"):
        popularity = rng.paretovariate(1.2)
        hour = hour_of(published_at)
        while hour <= now:
            views = int(popularity * rng.randint(5, 40))
            if views:
                rows.append(ArticleViewCount(article_id=pk, hour=hour, views=views))
            hour += timedelta(hours=1)
    ArticleViewCount.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


@contextmanager
def _bulk_session(connection):
    """A bigger page cache on SQLite (random-order index inserts stay in memory) and no
    cyclic garbage collection while batches of fresh tuples pile up; both restored after."""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache_size = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        if sqlite:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


def _after_load(connection) -> None:
    """Point the id sequences past the rows written, merge the search index and refresh
    the query planner's statistics, as a bulk import should. On PostgreSQL, outside a
    transaction, ``VACUUM`` also marks the new rows visible to all, so counts can be answered
    from indexes alone (autovacuum would do both a while later)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Article, Comment]):
            cursor.execute(statement)
        search.backend_for(connection).optimize(cursor)
        if connection.vendor == "sqlite":
            # Every row, not a sample (PRAGMA analysis_limit): sampled statistics took a
            # section for a thousand articles instead of a hundred thousand, and SQLite then
            # sorted whole sections for a page of archive (half a minute at a million).
            cursor.execute("ANALYZE")
        elif connection.in_atomic_block:
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM (ANALYZE)")

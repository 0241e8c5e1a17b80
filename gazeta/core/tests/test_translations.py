"""Interface translations: the Romanian catalogue is complete and compiled, Romanian plurals
(“1 comentariu”, “3 comentarii”, “20 de comentarii”), and English still works."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "gazeta" / "locale"
RO_PLURAL_FORMS = "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def read_po(path: Path) -> list[Entry]:
    """The active entries of a .po file (obsolete ``#~`` entries left out)."""
    entries, entry, target = [], Entry(), None

    def finish():
        nonlocal entry
        if target is not None:
            entries.append(entry)
        entry = Entry()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            finish()
            target = None
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            kind, index = target
            value = ast.literal_eval(line)
            if kind == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, kind, getattr(entry, kind) + value)
        else:
            keyword, _, literal = line.partition(" ")
            value = ast.literal_eval(literal)
            if match := re.fullmatch(r"msgstr\[(\d)\]", keyword):
                target = ("msgstr", int(match[1]))
                entry.msgstr[target[1]] = value
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = value
            else:
                target = (keyword, None)
                setattr(entry, keyword, value)
    finish()
    return entries


def catalog_key(entry: Entry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def ro_entries() -> list[Entry]:
    return read_po(LOCALE_DIR / "ro" / "LC_MESSAGES" / "django.po")


def test_languages_are_romanian_by_default_and_english():
    assert settings.LANGUAGE_CODE == "ro"
    assert [code for code, _ in settings.LANGUAGES] == ["ro", "en"]


def test_romanian_catalogue_declares_romanian_plural_forms():
    header = ro_entries()[0]
    assert header.msgid == ""
    assert f"Plural-Forms: {RO_PLURAL_FORMS}\n" in header.msgstr[0]
    assert "Language: ro\n" in header.msgstr[0]


def test_every_romanian_message_is_translated_and_none_is_fuzzy():
    messages = ro_entries()[1:]
    assert messages
    untranslated = [e.msgid for e in messages if not all(e.msgstr.values())]
    assert untranslated == []
    assert [e.msgid for e in messages if "fuzzy" in e.flags] == []
    assert [e.msgid for e in messages if e.msgid_plural and len(e.msgstr) != 3] == []


def test_romanian_translations_use_comma_below_diacritics():
    cedilla = [e.msgid for e in ro_entries() if re.search("[şţŞŢ]", "".join(e.msgstr.values()))]
    assert cedilla == []


@pytest.mark.parametrize("language", ["ro", "en"])
def test_compiled_catalogue_matches_its_po_file(language):
    """The committed .mo holds exactly what the .po says (someone ran compilemessages)."""
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    with open(po_path.with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    expected = {}
    for entry in read_po(po_path):
        # msgfmt leaves out fuzzy and untranslated messages (never the header).
        if (entry.msgid and "fuzzy" in entry.flags) or not any(entry.msgstr.values()):
            continue
        if entry.msgid_plural is None:
            expected[catalog_key(entry)] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(catalog_key(entry), index)] = text
    # msgfmt drops the header's POT-Creation-Date so that builds are reproducible.
    for catalog in compiled, expected:
        catalog[""] = re.sub(r"POT-Creation-Date: .*\n", "", catalog[""])
    assert compiled == expected


@pytest.mark.parametrize(
    ("msgid", "context", "romanian"),
    [
        ("Home", None, "Prima pagină"),
        ("Comments", None, "Comentarii"),
        ("Leave a reply", None, "Lasă un răspuns"),
        (
            "Your email address will not be published.",
            None,
            "Adresa ta de email nu va fi publicată.",
        ),
        ("Required fields are marked *", None, "Câmpurile obligatorii sunt marcate cu *"),
        ("in", "byline: <author> in <section>", "în"),
        ("and", None, "și"),
        ("updated", None, "actualizat"),
        ("Source:", None, "Sursa:"),
        ("via", None, "prin"),
    ],
)
def test_newsroom_wording_in_romanian(msgid, context, romanian):
    with translation.override("ro"):
        text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert text == romanian


def romanian_comment_count(n: int) -> str:
    """The expected Romanian form, worked out here independently of the catalogue."""
    shown = f"{n:,}".replace(",", ".")
    if n == 1:
        return f"{shown} comentariu"
    if n == 0 or 1 <= n % 100 <= 19:
        return f"{shown} comentarii"
    return f"{shown} de comentarii"


def render_comment_count(n: int) -> str:
    count = engines["jinja2"].env.get_template("comments/count.html").module.comment_count
    return str(count(n)).strip()


@pytest.mark.parametrize("n", range(201))
def test_comment_count_follows_romanian_plural_rules(n):
    with translation.override("ro"):
        assert render_comment_count(n) == romanian_comment_count(n)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 comentariu"),
        (3, "3 comentarii"),
        (19, "19 comentarii"),
        (20, "20 de comentarii"),
        (101, "101 comentarii"),
        (120, "120 de comentarii"),
        (1000, "1.000 de comentarii"),
        (1001, "1.001 comentarii"),
        (10_000, "10.000 de comentarii"),
    ],
)
def test_large_comment_counts_get_the_romanian_thousands_dot(n, expected):
    with translation.override("ro"):
        assert render_comment_count(n) == expected


def test_comments_heading_shows_the_count_in_romanian():
    article = SimpleNamespace(get_absolute_url=lambda: "/")
    with translation.override("ro"):
        html = render_to_string(
            "comments/article_comments.html",
            {
                "count": 20,
                "thread": [],
                "article": article,
                "form": SimpleNamespace(is_bound=False),
                "comments_open": False,
            },
        )
    assert re.search(r"Comentarii\s*<span[^>]*>\(20 de comentarii\)</span>", html)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 comments"), (1, "1 comment"), (20, "20 comments"), (1000, "1,000 comments")],
)
def test_comment_count_in_english(n, expected):
    with translation.override("en"):
        assert render_comment_count(n) == expected


@pytest.mark.django_db
def test_home_page_is_romanian_by_default(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ro">' in html
    assert "Ultimele știri" in html
    assert "Sari la conținut" in html


@pytest.mark.django_db
def test_pages_stay_in_the_site_language_whatever_the_browser_asks(client):
    """One language per site: a cached page must not depend on a reader's browser."""
    response = client.get("/", headers={"accept-language": "en"})
    html = response.content.decode()
    assert '<html lang="ro">' in html
    assert "Ultimele știri" in html
    assert "Accept-Language" not in response.headers.get("Vary", "")


@pytest.mark.django_db
def test_home_page_is_english_when_the_site_language_is_english(client, settings):
    settings.LANGUAGE_CODE = "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Latest news" in html
    assert "Skip to content" in html
    assert "Ultimele știri" not in html


@pytest.mark.django_db
def test_article_page_speaks_the_site_language(client, settings):
    from gazeta.newsroom.tests.factories import AgencyFactory, ArticleFactory, SectionFactory

    article = ArticleFactory(
        section=SectionFactory(name="Internațional", slug="international"),
        agencies=[AgencyFactory(name="AFP", slug="afp"), AgencyFactory()],
    )
    romanian = client.get(article.get_absolute_url()).content.decode()
    settings.LANGUAGE_CODE = "en"
    english = client.get(article.get_absolute_url()).content.decode()

    assert ">Prima pagină<" in romanian and ">Home<" in english
    assert "Redacția Gazeta în" in romanian and "Redacția Gazeta in" in english
    assert re.search(r"Sursa:\s*<span[^>]*>AFP</span>, prin", romanian)
    assert re.search(r"Source:\s*<span[^>]*>AFP</span>, via", english)
    assert "Lasă un răspuns" in romanian and "Leave a reply" in english

"""The reference page (shared/seed/reference-article.txt, see ANATOMY.md there), read into one
JSON Lines record, imported through the command and served by the article page: every part a
reader sees must be there, in the same order. Skipped where the seed folder is absent."""

import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.html import escape, strip_tags
from django.utils.text import normalize_newlines

from gazeta.core.dates import ROMANIAN_SHORT_MONTHS
from gazeta.core.text import normalize_romanian
from gazeta.newsroom.models import Article

SEED_DIR = Path(settings.BASE_DIR).parent / "shared" / "seed"
REFERENCE = SEED_DIR / "reference-article.txt"

DATELINE = re.compile(r"^(\d{2}) (\S+) (\d{4}), (\d{2}):(\d{2}),?$")
WIRE_CREDIT = re.compile(r"informează (?P<origin>[A-Z][\w]+), potrivit (?P<relay>[A-Z][\w]+)")
SENTENCE_END = (".", "!", "?", "…", ":", ";", ",", "”", '"', ")")
SUBHEADING_MAX_LENGTH = 120
COMMENTER_EMAIL = "cititor.reper@example.com"


@dataclass
class Reference:
    title: str
    section: str
    desk: str
    published_at: datetime
    lead: str
    sources: list[str]
    blocks: list[tuple[str, str]]  # ("p" | "h2", text) after the lead
    comment: str

    @property
    def subheading(self) -> str:
        [text] = [text for tag, text in self.blocks if tag == "h2"]
        return text


def read_reference(text: str) -> Reference:
    lines = [line.strip() for line in normalize_newlines(text).split("\n")]
    title = lines[1]
    dateline_at = next(i for i, line in enumerate(lines) if DATELINE.match(line))
    day, month, year, hour, minute = DATELINE.match(lines[dateline_at]).groups()
    byline_at = dateline_at + 1
    desk, section = lines[byline_at].rsplit(" în ", 1)
    comments_at = lines.index("Comentarii")
    form_at = lines.index("Lasă un răspuns")
    paragraphs = [line for line in lines[byline_at + 1 : comments_at] if line]
    lead, *rest = paragraphs
    credit = WIRE_CREDIT.search(lead)
    return Reference(
        title=title,
        section=section,
        desk=desk,
        published_at=datetime(
            int(year),
            ROMANIAN_SHORT_MONTHS.index(month) + 1,
            int(day),
            int(hour),
            int(minute),
            tzinfo=ZoneInfo("Europe/Bucharest"),
        ),
        lead=lead,
        sources=[credit["origin"], credit["relay"]],
        blocks=[("h2" if is_subheading(p) else "p", p) for p in rest],
        comment=" ".join(
            line.lstrip("•").strip() for line in lines[comments_at + 1 : form_at]
        ).strip(),
    )


def is_subheading(line: str) -> bool:
    """A short line without final punctuation, between paragraphs."""
    return len(line) <= SUBHEADING_MAX_LENGTH and not line.endswith(SENTENCE_END)


def as_record(ref: Reference) -> dict:
    body = "".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in ref.blocks)
    return {
        "title": ref.title,
        "section": ref.section,
        "status": "published",
        "published_at": ref.published_at.isoformat(),
        "byline": [ref.desk],
        "sources": ref.sources,
        "lead": ref.lead,
        "body_html": body,
        "comments": [
            {
                "name": "Cititor de test",
                "email": COMMENTER_EMAIL,
                "body": ref.comment,
                "created_at": "2024-11-01T19:02:00+02:00",
                "status": "approved",
            }
        ],
    }


class PageReader:
    """Finds the parts of a page one after another, as a reader's eye moves down it."""

    def __init__(self, html: str):
        self.html = html
        self.position = 0

    def next(self, part: str, pattern: str) -> re.Match:
        match = re.compile(pattern, re.S).search(self.html, self.position)
        assert match, f"{part} not found after character {self.position}: /{pattern}/"
        self.position = match.end()
        return match


def html_text(value: str) -> str:
    """``value`` as the page shows it: comma-below diacritics, HTML-escaped, as a regex."""
    return re.escape(escape(normalize_romanian(value)))


@pytest.fixture
def reference() -> Reference:
    if not REFERENCE.is_file():
        pytest.skip(f"reference article not found at {REFERENCE}")
    return read_reference(REFERENCE.read_text(encoding="utf-8"))


def test_reference_text_is_read_into_the_parts_of_its_page(reference):
    assert reference.section == "International"
    assert reference.desk == "Redacția BZI"
    assert reference.published_at.isoformat() == "2024-11-01T17:21:00+02:00"
    assert reference.sources == ["AFP", "Agerpres"]
    assert reference.subheading.startswith("10.000 de soldați")
    assert reference.lead.startswith("Coreea de Nord va fi alături de Rusia")
    assert sum(tag == "p" for tag, _ in reference.blocks) > 5
    assert reference.comment and "•" not in reference.comment


@pytest.mark.django_db
def test_imported_reference_article_page_shows_each_part_in_reading_order(
    reference, tmp_path, client
):
    path = tmp_path / "reference.jsonl"
    path.write_text(json.dumps(as_record(reference), ensure_ascii=False) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_articles", str(path), "--no-progress", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("Import finished: 1 created")
    article = Article.objects.get()

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    title = normalize_romanian(reference.title)
    page = PageReader(html)

    breadcrumb = page.next("breadcrumb", r'<nav class="breadcrumb".*?</nav>')
    assert " ".join(strip_tags(breadcrumb.group()).split()) == (
        f"Prima pagină » {reference.section} » {escape(title)}"
    )
    assert re.findall(r"<h1\b[^>]*>(.*?)</h1>", html, re.S) == [escape(title)]
    page.next("title as the heading", rf"<h1\b[^>]*>{html_text(title)}</h1>")
    page.next("dateline", r"<time\b[^>]*>01 nov\. 2024, 17:21</time>")
    section_url = re.escape(article.section.get_absolute_url())
    page.next(
        "byline: the desk, then the section linked",
        rf"{html_text(reference.desk)}(?:</a>)?[^<]*<a\b[^>]*href=\"{section_url}\"[^>]*>"
        rf"{html_text(reference.section)}</a>",
    )
    page.next("lead", html_text(reference.lead))
    page.next(
        "wire credit line naming AFP then Agerpres",
        r"<p\b[^>]*>(?:(?!</p>).)*\bAFP\b(?:(?!</p>).)*\bAgerpres\b(?:(?!</p>).)*</p>",
    )
    page.next("subheading", rf"<h2\b[^>]*>{html_text(reference.subheading)}</h2>")
    page.next("quote in Romanian quotation marks", r"„[^„”<]+”")
    page.next("comments heading", r"<h2\b[^>]*>\s*Comentarii\b")
    page.next("reader comment", html_text(reference.comment))
    page.next("comment form heading", r"Lasă un răspuns")
    page.next("email note", r"Adresa ta de email nu va fi publicată")

    assert html.count(escape(normalize_romanian(reference.lead))) == 1
    for tag, text in reference.blocks:
        assert f"<{tag}>{escape(normalize_romanian(text))}</{tag}>" in html
    assert COMMENTER_EMAIL not in html

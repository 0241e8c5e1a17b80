"""Search text handling without a database: lexemes, query parsing, highlights."""

import sys
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gazeta.newsroom.search import (
    QUERY_MAX_CHARS,
    QUERY_MAX_TERMS,
    PostgresBackend,
    SqliteBackend,
    Term,
    fold,
    highlight,
    html_to_text,
    lexeme,
    lexemes,
    parse_query,
    snippet,
    stem,
)

# Inflection families that must share one lexeme, written with comma-below letters; each is
# also checked with cedilla letters and without diacritics.
FAMILIES = [
    "diplomație diplomația diplomației diplomații diplomațiile diplomațiilor",
    "situație situația situației situații situațiile situațiilor",
    "informație informații informațiile informațiilor",
    "inundație inundația inundației inundații inundațiile inundațiilor",
    "președinte președintele președintelui președinți președinții președinților",
    "ministru ministrul ministrului miniștri miniștrii miniștrilor",
    "țară țara țării țări țările țărilor",
    "pădure pădurea pădurii păduri pădurile pădurilor",
    "spital spitalul spitalului spitale spitalele spitalelor",
    "învățământ învățământul învățământului",
    "guvern guvernul guvernului guverne guvernele guvernelor",
    "echipă echipa echipei echipe echipele echipelor",
    "secetă seceta secetei secete secetele",
    "student studentul studenți studenții studenților",
    "candidat candidatul candidatului candidați candidații candidaților",
    "acțiune acțiunea acțiunii acțiuni acțiunile acțiunilor",
    "pensie pensia pensiei pensii pensiile pensiilor",
    "județ județul județului județe județele județelor",
]
FAMILY_WORDS = [word for family in FAMILIES for word in family.split()]
CEDILLA = str.maketrans("șțȘȚ", "şţŞŢ")


def spellings(word: str) -> list[str]:
    """The comma-below spelling, the legacy cedilla one and the one without diacritics."""
    return [word, word.translate(CEDILLA), fold(word)]


@pytest.mark.parametrize("family", FAMILIES, ids=[f.split()[0] for f in FAMILIES])
def test_inflected_forms_in_every_spelling_share_one_lexeme(family):
    found = {lexeme(spelling) for word in family.split() for spelling in spellings(word)}
    assert len(found) == 1, found


def test_the_issue_example_diplomatie_meets_the_cedilla_genitive():
    assert lexeme("diplomație") == lexeme("diplomaţiei") == lexeme("diplomatiei") == "diplom"


@pytest.mark.parametrize("word", ["Științe", "ŞTIINŢE", "științe", "stiinte", "Ştiinţe"])
def test_case_and_diacritics_do_not_matter(word):
    assert lexeme(word) == lexeme("științe")


def test_a_combining_cedilla_counts_like_the_precomposed_letter():
    assert lexeme("s\u0327coala") == lexeme("școala") == lexeme("scoala")


@pytest.mark.parametrize("word", FAMILY_WORDS)
def test_a_lexeme_is_a_prefix_of_its_folded_word(word):
    """Highlighting relies on it to skip most words without stemming them."""
    for spelling in spellings(word):
        assert fold(spelling).startswith(lexeme(spelling))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_lexemes_are_letters_and_digits_only(text):
    for lex in lexemes(text):
        assert lex and all(c.isalnum() for c in lex)
        assert '"' not in lex and "'" not in lex and "\\" not in lex


def test_html_to_text_keeps_words_apart_and_decodes_entities():
    assert html_to_text("<p>Unu</p><p>doi &amp; trei</p><ul><li>patru</li></ul>") == (
        "Unu doi & trei patru"
    )


def test_words_and_phrases_and_exclusions_are_parsed():
    query = parse_query('guvern "prim-ministru demisionat" -fotbal -"liga a doua"')
    assert query.terms == (
        Term(("guvern",)),
        Term(("prim", "ministr", "demision")),
        Term(("fotbal",), negated=True),
        Term(("lig", "a", "dou"), negated=True),
    )
    assert query.is_searchable


def test_a_hyphenated_word_is_a_phrase_and_punctuation_splits_words():
    query = parse_query("prim-ministru Cluj,Iași")
    assert query.terms == (Term(("prim", "ministr")), Term(("cluj",)), Term(("ias",)))


def test_a_lone_quote_runs_to_the_end_of_the_query():
    assert parse_query('guvern "criza diplomatiei').terms == (
        Term(("guvern",)),
        Term(("criz", "diplom")),
    )


@pytest.mark.parametrize("text", ["", "   ", '"', '""', "-", "-guvern", "- -", "!!! ??? ***"])
def test_queries_without_words_to_look_for_are_not_searchable(text):
    assert not parse_query(text).is_searchable


def test_search_operators_and_sql_are_plain_words():
    query = parse_query("NEAR(guvern, 5) AND * OR ' DROP TABLE newsroom_article; --")
    assert [t.lexemes for t in query.terms] == [
        ("near",),
        ("guvern",),
        ("5",),
        ("and",),
        ("or",),
        ("drop",),
        ("tabl",),
        ("newsroom",),
        ("articl",),
    ]


def test_control_characters_are_dropped_and_long_queries_cut():
    assert parse_query("guvern\x00\x1b[31m\x7fbuget\u0085").text == "guvern [31m buget"
    long = parse_query("cuvânt " * 5000)
    assert len(long.text) <= QUERY_MAX_CHARS
    assert len(long.terms) == 1
    many = parse_query(" ".join(f"c{i}" for i in range(100)))
    assert len(many.terms) == QUERY_MAX_TERMS


def test_backend_expressions_quote_every_lexeme():
    query = parse_query('guvern "criza diplomatiei" -fotbal')
    assert SqliteBackend().match(query)[1] == ['("guvern" AND "criz diplom") NOT "fotbal"']
    assert PostgresBackend.tsquery(query) == "('guvern') & ('criz' <-> 'diplom') & !('fotbal')"


def test_postgres_document_weights_fields_and_keeps_phrases_inside_them():
    literal = PostgresBackend.tsvector(["criz"], ["guvern", "nou"], ["text"])
    assert literal == "'criz':1A 'guvern':3B 'nou':4B 'text':6C"


def test_highlight_marks_every_spelling_and_escapes_the_rest():
    marked = highlight("<b>Criza</b> diplomaţiei și DIPLOMAȚIA", "diplomatie")
    assert marked == (
        "&lt;b&gt;Criza&lt;/b&gt; <mark>diplomaţiei</mark> și <mark>DIPLOMAȚIA</mark>"
    )


def test_highlight_ignores_excluded_words():
    assert highlight("guvern și fotbal", "guvern -fotbal") == "<mark>guvern</mark> și fotbal"


def test_snippet_is_cut_around_the_matches_with_ellipses():
    words = [f"umplutura{i}" for i in range(100)]
    words[60] = "inundațiile"
    text = " ".join(words)
    result = snippet(text, "inundatii", words=10)
    assert result.startswith("… ") and result.endswith(" …")
    assert "<mark>inundațiile</mark>" in result
    assert len(result.split()) <= 12


def test_snippet_of_a_short_text_is_the_whole_text():
    assert snippet("Spitalul <nou>", "spital") == "<mark>Spitalul</mark> &lt;nou&gt;"


def test_threads_stemming_at_once_get_the_same_stems_as_one_thread_alone():
    """A WSGI worker's threads search at the same time. Snowball's stemmer keeps the word it
    is working on in itself; shared between threads it garbled stems and raised IndexError
    (seen under load in bench/pages.py)."""
    words = [
        f"{root}{ending}"
        for root in ("guvern", "ministr", "primări", "spital", "școl", "alegeril", "stațiun")
        for ending in ("ul", "ului", "ele", "elor", "ilor", "ii", "ea", "ează", "ând", "iți")
    ]
    expected = [stem(w) for w in words]
    failures, results = [], []
    start = threading.Barrier(4)

    def worker():
        start.wait()
        try:
            for _ in range(30):
                results.append([stem(w) for w in words])
        except Exception as error:  # noqa: BLE001 - what the race raised is the finding
            failures.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: the race shows at once
    try:
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
    assert all(got == expected for got in results)
    assert len(results) == 4 * 30

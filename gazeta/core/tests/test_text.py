import pytest
from django.utils.text import Truncator
from markupsafe import Markup

from gazeta.core.text import (
    normalize_romanian,
    romanian_slugify,
    strip_control_chars,
    truncate_words,
)

CEDILLA_S, CEDILLA_T = "\u015f", "\u0163"  # ş ţ (legacy)
COMMA_S, COMMA_T = "\u0219", "\u021b"  # ș ț (correct)
COMBINING_CEDILLA = "\u0327"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u015f\u0163\u015e\u0162", "\u0219\u021b\u0218\u021a"),
        (f"s{COMBINING_CEDILLA}t{COMBINING_CEDILLA}", f"{COMMA_S}{COMMA_T}"),
        (f"S{COMBINING_CEDILLA}T{COMBINING_CEDILLA}", "\u0218\u021a"),
        # Already correct, and letters that only look related, stay as they are.
        ("Știință, țară, ăâî ĂÂÎ", "Știință, țară, ăâî ĂÂÎ"),
        ("ç Ç", "ç Ç"),
        ("", ""),
    ],
)
def test_normalize_romanian_turns_cedilla_forms_into_comma_below(text, expected):
    assert normalize_romanian(text) == expected


def test_normalize_romanian_leaves_no_cedilla_letters_in_mixed_text():
    text = f"diploma{CEDILLA_T}iei ({COMMA_T}), {CEDILLA_S}i s{COMBINING_CEDILLA}i"
    result = normalize_romanian(text)
    assert result == "diplomației (ț), și și"
    assert CEDILLA_S not in result and CEDILLA_T not in result
    assert COMBINING_CEDILLA not in result


def test_strip_control_chars_keeps_tab_and_newlines():
    assert strip_control_chars("a\x00b\x07c\x1b[0m\x7fd\x85e\tf\ng\r\n") == "abc[0mde\tf\ng\r\n"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Școala și țara", "scoala-si-tara"),
        ("Şcoala şi ţara", "scoala-si-tara"),  # cedilla forms
        (f"S{COMBINING_CEDILLA}coala", "scoala"),
        ("Mâine în Brăila", "maine-in-braila"),
        ("ÎNVĂȚĂMÂNT ȘI ŢARĂ", "invatamant-si-tara"),
        ("Ce spune „Guvernul”? Răspunsul: «nu» — azi!", "ce-spune-guvernul-raspunsul-nu-azi"),
        ("  Spaţii   multiple\tși tab  ", "spatii-multiple-si-tab"),
        ("10.000 de soldați", "10000-de-soldati"),
    ],
)
def test_romanian_slugify_gives_ascii_slugs(title, slug):
    assert romanian_slugify(title) == slug
    assert slug.isascii()


def test_romanian_slugify_cuts_a_long_title_at_a_word_boundary():
    title = "Consiliul Județean a aprobat bugetul pentru " + "drumuri județene " * 10
    slug = romanian_slugify(title, max_length=40)
    assert len(slug) <= 40
    assert not slug.endswith("-")
    assert title_words_prefix(slug, romanian_slugify(title, max_length=10_000))


def test_romanian_slugify_does_not_cut_when_the_limit_falls_between_words():
    assert romanian_slugify("unu doi trei", max_length=7) == "unu-doi"


def test_romanian_slugify_cuts_a_single_long_word_at_the_limit():
    assert romanian_slugify("ș" * 120, max_length=80) == "s" * 80


def test_romanian_slugify_default_limit_is_80():
    slug = romanian_slugify("cuvânt " * 40)
    assert len(slug) <= 80
    assert slug.endswith("cuvant")


def title_words_prefix(cut: str, full: str) -> bool:
    """``cut`` is made of whole words from the start of ``full``."""
    return full == cut or full.startswith(cut + "-")


@pytest.mark.parametrize(
    "text",
    [
        "Guvernul a aprobat bugetul pe anul viitor după o ședință de noapte",
        "  spații   multiple\nși\trânduri noi  ",
        "trei cuvinte scurte",
        "patru cuvinte deja tăiate …",
        "cinci cuvinte se termină cu …",
        "unu doi trei patru cinci șase …",
        "",
        None,
        Markup("<b>marcat</b> ca sigur și cu mai multe cuvinte decât trei"),
    ],
)
@pytest.mark.parametrize("count", [-1, 0, 1, 3, 5, 40])
def test_truncate_words_answers_as_djangos_truncator(text, count):
    assert truncate_words(text, count) == Truncator(text or "").words(count, truncate=" …")


def test_truncate_words_cuts_after_the_count_and_marks_the_cut():
    assert truncate_words("Primăria a anunțat azi lucrări noi", 3) == "Primăria a anunțat …"
    assert truncate_words("Primăria a anunțat", 3) == "Primăria a anunțat"

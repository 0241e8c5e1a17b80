"""Romanian text helpers: diacritics normalisation, ASCII slugs, control-character removal,
word truncation."""

import re
import unicodedata

from django.utils.text import slugify

# Legacy cedilla letters (ISO 8859-2 era) to the correct comma-below forms.
CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "Ş": "Ș", "ţ": "ț", "Ţ": "Ț"})
# C0 controls except tab, newline and carriage return; DEL; C1 controls.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalize_romanian(text: str) -> str:
    """Return ``text`` with cedilla ş/ţ/Ş/Ţ replaced by comma-below ș/ț/Ș/Ț (NFC)."""
    if not text:
        return text
    # NFC first: "s" + U+0327 COMBINING CEDILLA must become "ş" before it is mapped.
    return unicodedata.normalize("NFC", text).translate(CEDILLA_TO_COMMA)


def strip_control_chars(text: str) -> str:
    return CONTROL_CHARS.sub("", text) if text else text


def romanian_slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug: ș→s, ț→t, ă/â→a, î→i, cut at a word boundary within ``max_length``."""
    slug = slugify(normalize_romanian(text))
    if len(slug) <= max_length:
        return slug
    cut = slug[:max_length]
    if "-" in cut and slug[max_length] != "-":
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-")


TRUNCATION_MARK = " …"


def truncate_words(text: str | None, count: int) -> str:
    """Django's ``truncatewords``: the words of ``text`` joined by single spaces, at most
    ``count`` of them, then "…" when some were cut. Django's ``Truncator`` gives the same
    answers (test_text.py compares them), but as a lazy object it costs several times more,
    and a page with "Read also" cuts five leads."""
    if count <= 0:
        return ""
    words = str(text or "").split()
    if len(words) <= count:
        return " ".join(words)
    cut = " ".join(words[:count])
    return cut if cut.endswith(TRUNCATION_MARK) else cut + TRUNCATION_MARK

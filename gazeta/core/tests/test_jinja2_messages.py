"""``manage.py makemessages`` reads the Jinja2 templates (``core/management/commands``), and
every message those templates use is in the Romanian catalogue, translated."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import engines

from gazeta.core.management.commands.makemessages import jinja2_messages
from gazeta.core.tests.test_translations import LOCALE_DIR, read_po

GAZETA_DIR = Path(settings.BASE_DIR) / "gazeta"

SAMPLE_JINJA2 = """\
<h1>{{ _("Sample home") }}</h1>
{# Translators: a tag's page title #}
<p>{% trans name=tag.name %}Sample articles about {{ name }}{% endtrans %}</p>
<p>{% trans count=n, shown=n|intcomma %}{{ shown }} sample comment{% pluralize count %}\
{{ shown }} sample comments{% endtrans %}</p>
<p>{{ pgettext("sample byline", "in") }} {{ _(headline) }}</p>
"""
# Django's template language: not Jinja2 (which would refuse {% load %}), read by Django.
SAMPLE_DTL = """\
{% load i18n %}{% translate "Sample email" %}
{% blocktranslate with name=user.name %}Sample hello {{ name }}{% endblocktranslate %}
"""


def catalogue(path: Path) -> dict:
    return {(e.msgctxt, e.msgid): e for e in read_po(path)}


@pytest.mark.skipif(not shutil.which("msgmerge"), reason="needs GNU gettext")
def test_makemessages_reads_jinja2_and_django_templates(tmp_path, monkeypatch, settings):
    (tmp_path / "app" / "jinja2").mkdir(parents=True)
    (tmp_path / "app" / "jinja2" / "sample.html").write_text(SAMPLE_JINJA2, encoding="utf-8")
    (tmp_path / "app" / "templates").mkdir()
    (tmp_path / "app" / "templates" / "sample.html").write_text(SAMPLE_DTL, encoding="utf-8")
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)

    call_command("makemessages", locale=["ro"], verbosity=0)

    po_path = tmp_path / "locale" / "ro" / "LC_MESSAGES" / "django.po"
    messages = catalogue(po_path)
    assert messages[(None, "Sample home")].flags == set()
    about = messages[(None, "Sample articles about %(name)s")]
    assert about.flags == {"python-format"}
    comments = messages[(None, "%(shown)s sample comment")]
    assert comments.msgid_plural == "%(shown)s sample comments"
    assert comments.flags == {"python-format"}
    assert messages[("sample byline", "in")].msgid_plural is None
    assert messages[(None, "Sample email")].flags == set()
    assert messages[(None, "Sample hello %(name)s")].flags == {"python-format"}
    assert len(messages) == 1 + 6  # the header, then only these

    po = po_path.read_text(encoding="utf-8")
    # References name the template and its lines, as for Django's templates.
    for line in [1, 3, 4, 5]:
        assert f"#: app/jinja2/sample.html:{line}\n" in po
    assert "#: app/templates/sample.html:2\n" in po
    assert (
        "#. Translators: a tag's page title\n#: app/jinja2/sample.html:3\n#, python-format\n"
        'msgid "Sample articles about %(name)s"'
    ) in po
    # The Python copies handed to xgettext are gone.
    assert sorted(p.name for p in (tmp_path / "app").rglob("*.py")) == []


def project_jinja2_templates() -> list[Path]:
    return sorted(
        path
        for path in GAZETA_DIR.rglob("*.html")
        if "jinja2" in path.relative_to(GAZETA_DIR).parts[:-1]
    )


def test_every_jinja2_message_is_translated_in_romanian():
    env = engines["jinja2"].env
    romanian = catalogue(LOCALE_DIR / "ro" / "LC_MESSAGES" / "django.po")
    problems, found = [], 0
    for path in project_jinja2_templates():
        source = path.read_text(encoding="utf-8")
        for lineno, function, strings in jinja2_messages(source, env):
            found += 1
            context, *texts = strings if function.startswith(("p", "np")) else (None, *strings)
            msgid, plural = texts[0], texts[1] if len(texts) == 2 else None
            where = f"{path.relative_to(settings.BASE_DIR)}:{lineno} {msgid!r}"
            entry = romanian.get((context, msgid))
            if entry is None:
                problems.append(f"{where}: not in the catalogue (run makemessages)")
            elif entry.msgid_plural != plural:
                problems.append(f"{where}: the catalogue's plural is {entry.msgid_plural!r}")
            elif "fuzzy" in entry.flags or not all(entry.msgstr.values()):
                problems.append(f"{where}: not translated, or fuzzy")
    assert found
    assert problems == []

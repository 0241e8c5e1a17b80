"""``makemessages`` that also reads the Jinja2 templates of the public pages.

Django's ``makemessages`` reads every non-Python file as a Django template (``templatize``),
so it would not see ``{% trans %}`` blocks, ``pgettext()`` or ``ngettext()`` in the Jinja2
templates and would mark their messages obsolete. Here a file under a ``jinja2`` folder
(``gazeta/jinja2/``, ``gazeta/<app>/jinja2/``) is read by the Jinja2 environment instead, and
its messages are written as the gettext calls of a Python file, each on its template line, for
xgettext to read like any other source. Everything else (the admin's and emails' Django
templates, Python code) goes through Django's own steps.
"""

import os

from django.core.management.commands import makemessages
from django.template import engines

GETTEXT_ARGUMENTS = {"_": 1, "gettext": 1, "ngettext": 2, "pgettext": 2, "npgettext": 3}
TRANSLATORS_COMMENT = "Translators"


def jinja2_messages(source: str, env):
    """``(line, function, strings)`` for each gettext call on literal strings in a Jinja2
    template, ``{% trans %}`` blocks included: ``("gettext", (msgid,))``,
    ``("ngettext", (msgid, plural))``, ``("pgettext", (context, msgid))``,
    ``("npgettext", (context, msgid, plural))``."""
    for lineno, function, message in env.extract_translations(source):
        arguments = message if isinstance(message, tuple) else (message,)
        strings = arguments[: GETTEXT_ARGUMENTS[function]]
        if len(strings) == GETTEXT_ARGUMENTS[function] and None not in strings:
            yield lineno, "gettext" if function == "_" else function, strings


def jinja2_to_python(source: str, env) -> str:
    """The template's gettext calls as Python, each on its template line. Placeholders are
    already ``%(name)s`` in the strings, so xgettext marks them ``python-format`` as it does for
    Django's ``blocktranslate``. A ``{# Translators: … #}`` comment on lines of its own becomes a
    Python comment, so xgettext gives it to the message below, as Django does."""
    calls = [[] for _ in range(source.count("\n") + 1)]
    for lineno, function, strings in jinja2_messages(source, env):
        # The u prefix as in Django's templatize (#26093); plural forms get a count.
        literals = ", ".join(f"u{string!r}" for string in strings)
        count = ", n" if function in ("ngettext", "npgettext") else ""
        calls[lineno - 1].append(f"{function}({literals}{count})")
    lines = ["; ".join(line_calls) for line_calls in calls]
    for lineno, kind, value in env.lex(source):
        span = range(lineno - 1, lineno + value.count("\n"))
        if kind != "comment" or not value.strip().startswith(TRANSLATORS_COMMENT):
            continue
        if not any(calls[index] for index in span):
            for index, text in zip(span, value.split("\n"), strict=True):
                lines[index] = f"# {text.strip()}" if text.strip() else ""
    return "\n".join(lines) + "\n"


class BuildFile(makemessages.BuildFile):
    @property
    def is_jinja2(self) -> bool:
        return "jinja2" in os.path.normpath(self.translatable.dirpath).split(os.sep)

    def preprocess(self):
        if not (self.is_templatized and self.is_jinja2):
            return super().preprocess()
        with open(self.path, encoding="utf-8") as template:
            source = template.read()
        with open(self.work_path, "w", encoding="utf-8") as work_file:
            work_file.write(jinja2_to_python(source, engines["jinja2"].env))


class Command(makemessages.Command):
    build_file_class = BuildFile

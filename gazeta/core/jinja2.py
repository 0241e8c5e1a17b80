"""The Jinja2 environment of the public pages (``gazeta/jinja2/`` and each app's ``jinja2/``).

Readers' pages are rendered by Jinja2, the admin by Django's own templates. Jinja2 compiles a
template to Python once, so a page costs a fraction of what Django's template engine spends
resolving every variable on every render: for the article page, the largest part of an
uncached request (``bench/README.md``, "Rendering the article page").

Conventions, so the templates read alike:

- Words go through gettext: ``{{ _("Home") }}`` and ``{% trans name=x %}…{{ name }}…{% endtrans %}``
  (placeholders become ``%(name)s``, the same message ids Django's ``blocktranslate`` made).
  ``manage.py makemessages`` reads these templates too (``core/management/commands``).
- Components that take arguments are macros (``{% from "components/x.html" import x %}``);
  the values a page needs from Python are globals below, each a plain function.
- Numbers are printed as they are: Jinja2 never groups digits, so an id is never "9.861".
"""

from __future__ import annotations

from types import BuiltinFunctionType, FunctionType, MethodType

import jinja2
import markupsafe
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from jinja2 import Environment, nodes, pass_context
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context, Macro
from markupsafe import Markup, escape

from gazeta.core import render_scope
from gazeta.core.dates import local_dateline
from gazeta.core.text import truncate_words
from gazeta.core.urls import reverse, static


class Template(jinja2.Template):
    """Renders with Django's language, time zone and URL prefix read once for the whole page
    (``core/render_scope.py``)."""

    def render(self, *args, **kwargs) -> str:
        with render_scope.render_scope():
            return super().render(*args, **kwargs)


def url(name: str, *args, **kwargs) -> str:
    """``{{ url("newsroom:tag-detail", tag.slug) }}``: Django's ``reverse``, remembered."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def time_tag(value, css_class: str = "") -> Markup:
    """``<time datetime="2024-11-01T17:21:00+02:00">01 nov. 2024, 17:21</time>``: a moment in
    the site's time zone, as a Romanian dateline for readers and in ISO 8601 for machines, to
    the second (HTML allows at most three digits of a fraction; Django's ``date:"c"`` wrote
    six). Nothing for a missing time."""
    if not value:
        return Markup("")
    aware = timezone.is_aware(value)
    local = render_scope.localtime(value) if aware else value
    attributes = f' class="{escape(css_class)}"' if css_class else ""
    return Markup(  # noqa: S704 - the class is escaped, the rest is digits and month names
        f'<time{attributes} datetime="{local.isoformat(timespec="seconds")}">'
        f"{local_dateline(local)}</time>"
    )


@pass_context
def querystring(context, **changes) -> str:
    """Django's ``{% querystring %}``: the request's query string with ``changes`` applied,
    ``None`` dropping a key (``{{ querystring(page=2) }}`` gives ``?q=vreme&page=2``)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"?{params.urlencode()}"


def group_digits(value):
    """Django's ``intcomma`` (digits grouped as the language groups them: "12.345" in
    Romanian). An int under a thousand has no group to mark and is written as it is, without
    Django's trip through the language's number formats (a comment count on every article)."""
    if type(value) is int and -1000 < value < 1000:
        return str(value)
    return intcomma(value)


def language_code() -> str | None:
    """The active language (``<html lang>``), as the render read it."""
    return render_scope.language()


def configured_site_name() -> str:
    """The site's name where no request brings ``site_name`` (the 500 page)."""
    return settings.GAZETA_SITE_NAME


def now():
    """The current time in the site's time zone (``{{ now().year }}``)."""
    return render_scope.localtime()


# markupsafe's escaping of a plain string, without wrapping the answer in Markup (its C
# speedups; the pure-Python fallback when those are not built).
_escape_text = markupsafe._escape_inner


def escape_output(value) -> str:
    """What ``{{ value }}`` writes into an autoescaped page: markupsafe's ``escape(value)``,
    as a plain string. What a template writes is only ever joined into the page (Jinja2
    wraps a macro's or a block's whole output in Markup itself), so the Markup object
    ``escape`` makes for every value is thrown away unread; making it costs more than the
    escaping."""
    if type(value) is str:
        return _escape_text(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_text(str(value))


class _CodeGenerator(CodeGenerator):
    """Jinja2's code generator, writing ``escape_output`` where it writes ``escape`` around
    a printed value in an autoescaped template."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)

    def visit_Output(self, node, frame) -> None:
        """Jinja2's, but a run of text and printed values outside a buffer is one ``yield``
        of the pieces joined instead of one ``yield`` per piece: each piece a template yields
        is passed up through every generator of the page (a block, in a layout, in a layout),
        so fewer and longer pieces make the same page for less."""
        if frame.buffer is not None or frame.require_output_check:
            super().visit_Output(node, frame)
            return
        finalize = self._make_finalize()
        body = []
        # As Jinja2 does: text and constants joined when the template is compiled.
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        if len(body) <= 1:
            super().visit_Output(node, frame)  # one piece or none: Jinja2's own
            return
        self.writeline('yield "".join((')
        self.indent()
        for item in body:
            if isinstance(item, list):
                self.writeline(self._output_const_repr(item) + ",")
                continue
            self.newline(item)
            self._output_child_pre(item, frame, finalize)
            self.visit(item, frame)
            self._output_child_post(item, frame, finalize)
            self.write(",")
        self.outdent()
        self.writeline("))")


# What a template calls, most often: functions, bound methods, builtins and macros. For these
# ``__call__`` never carries Jinja2's pass_context mark, so only the callable's own needs
# checking.
_PLAIN_CALLABLES = frozenset({FunctionType, MethodType, BuiltinFunctionType, Macro})


class _Context(Context):
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja2's own signature
        """Jinja2's ``Context.call`` (every call a template makes), without its two lookups
        of ``__call__`` and two of the pass_context mark for plain functions, methods and
        macros that carry no mark. Anything else goes through Jinja2's."""
        if type(__obj) not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class _Environment(Environment):
    template_class = Template
    code_generator_class = _CodeGenerator
    context_class = _Context
    escape_output = staticmethod(escape_output)

    def make_globals(self, d):
        """Each template's globals as a plain dict, not Jinja2's ChainMap over the
        environment's: every render, include and macro import copies or compares them, which
        a ChainMap does key by key in Python (about 30 µs per include or import here). Jinja2
        asks that globals not change once templates are loaded; ``environment()`` sets them
        all before any is."""
        return {**self.globals, **(d or {})}


# Jinja2's "newstyle" gettext (jinja2.ext._make_new_gettext and friends), on the render's
# catalogue: the translation is safe markup (the template's autoescape escapes the values put
# into it) and ``%(name)s`` placeholders are filled from the keyword arguments; with none, a
# message without "%" is returned as it is (``"…" % {}`` would give the same).
def _format(translated: str, variables: dict) -> Markup:
    result = Markup(translated)  # noqa: S704 - message ids are the templates' own text
    return result % variables if variables or "%" in result else result


def _gettext(message: str, /, **variables) -> Markup:
    return _format(render_scope.gettext(message), variables)


def _ngettext(singular: str, plural: str, num: int, /, **variables) -> Markup:
    variables.setdefault("num", num)
    return _format(render_scope.ngettext(singular, plural, num), variables)


def _pgettext(context: str, message: str, /, **variables) -> Markup:
    variables.setdefault("context", context)
    return _format(render_scope.pgettext(context, message), variables)


def _npgettext(context: str, singular: str, plural: str, num: int, /, **variables) -> Markup:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _format(render_scope.npgettext(context, singular, plural, num), variables)


def environment(**options) -> Environment:
    # Autoescaping on unless a caller says otherwise (Django's backend turns it on too).
    env = _Environment(
        autoescape=options.pop("autoescape", True), extensions=["jinja2.ext.i18n"], **options
    )
    env.install_gettext_callables(
        gettext=render_scope.gettext,
        ngettext=render_scope.ngettext,
        pgettext=render_scope.pgettext,
        npgettext=render_scope.npgettext,
        newstyle=True,
    )
    # Jinja2's own newstyle wrappers pass through three context calls per word; these give
    # the same answers with one (they mark the translation safe, as Jinja2 does when the
    # template autoescapes, which every template here does).
    if env.autoescape is True:
        env.globals.update(
            _=_gettext,
            gettext=_gettext,
            ngettext=_ngettext,
            pgettext=_pgettext,
            npgettext=_npgettext,
        )
    env.globals.update(
        url=url,
        static=static,
        now=now,
        querystring=querystring,
        language_code=language_code,
        configured_site_name=configured_site_name,
    )
    env.filters.update(
        time_tag=time_tag,
        truncatewords=truncate_words,
        intcomma=group_digits,
    )
    for register in _registries():
        register(env)
    return env


def _registries():
    """Each app adds what its templates need (``<app>/jinja2_globals.py``: ``register(env)``)."""
    from gazeta.comments import jinja2_globals as comments
    from gazeta.media import jinja2_globals as media
    from gazeta.newsroom import jinja2_globals as newsroom

    return [comments.register, media.register, newsroom.register]


def render_fragment(name: str, context: dict) -> Markup:
    """A component template rendered to safe markup, for a global that returns HTML."""
    from django.template import engines

    # The template escapes every value it prints (autoescape).
    return Markup(engines["jinja2"].env.get_template(name).render(context))  # noqa: S704

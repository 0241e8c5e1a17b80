"""Our Jinja2 environment prints values and makes calls by shorter paths than Jinja2's own
(core/jinja2.py: ``escape_output``, ``_Context.call``); every template must render exactly as
it would under Jinja2's stock environment."""

from datetime import date

import pytest
from jinja2 import (
    DictLoader,
    Environment,
    pass_context,
    pass_environment,
    pass_eval_context,
)
from markupsafe import Markup, escape

from gazeta.core.jinja2 import environment, escape_output


class Headline:
    """An object that prints itself as text (``__str__``), like a model instance."""

    def __str__(self):
        return 'Ploi & "vânt" <puternic>'


class Snippet:
    """An object that knows its own HTML (``__html__``), like a rendered component."""

    def __html__(self):
        return "<em>deja sigur</em>"


class Tagged(str):
    """A ``str`` subclass that is not Markup."""


@pytest.mark.parametrize(
    "value",
    [
        "",
        "fără nimic de scăpat",
        "<script>alert('x')</script> & \"ghilimele\"",
        Markup("<b>sigur</b>"),
        Tagged("<i>subclasă</i>"),
        Headline(),
        Snippet(),
        42,
        3.5,
        None,
        True,
        date(2026, 11, 27),
        ["<a>", "b"],
    ],
)
def test_a_printed_value_is_escaped_as_markupsafe_escapes_it(value):
    printed = escape_output(value)
    assert printed == str(escape(value))
    assert type(printed) is str or hasattr(value, "__html__")


@pass_context
def from_context(context, name):
    return f"{name}={context.get(name)}"


@pass_eval_context
def autoescaping(eval_ctx, text):
    return f"{eval_ctx.autoescape}:{text}"


@pass_environment
def environment_name(env, text):
    return f"{type(env).__name__ != ''}:{text}"


class CallableWithContext:
    @pass_context
    def __call__(self, context, name):
        return f"call {name}={context.get(name)}"


class Page:
    title = "Titlu <mare>"

    def url(self, suffix=""):
        return f"/articol/{suffix}"

    @pass_context
    def greeting(self, context):
        return f"salut {context.get('reader')}"


def stopping():
    raise StopIteration


TEMPLATES = {
    "components/card.html": (
        "{% macro card(title, level=2) %}<h{{ level }}>{{ title }}</h{{ level }}>"
        "{% if caller %}{{ caller() }}{% endif %}{% endmacro %}"
    ),
    "page.html": """{% from "components/card.html" import card %}
{{ title }}|{{ html }}|{{ number }}|{{ nothing }}|{{ obj }}|{{ snippet }}
{{ card(title) }}{{ card(title, level=3) }}
{% call card("cu <caller>") %}<p>{{ title }}</p>{% endcall %}
{% set block %}<b>{{ title }}</b>{% endset %}{{ block }}|{{ block|length }}
{% filter upper %}{{ title }} & text{% endfilter %}
{{ title ~ html }}|{{ "%s and %s"|format(title, html) }}
{% for item in items %}{{ loop.index }}:{{ item }}{% if not loop.last %},{% endif %}{% endfor %}
{% for node in tree recursive %}[{{ node.name }}
{%- if node.children %}{{ loop(node.children) }}{% endif %}]{% endfor %}
{{ from_context("reader") }}|{{ autoescaping(title) }}|{{ environment_name(title) }}
{{ callable_class("reader") }}|{{ page.url("x<y") }}|{{ page.greeting() }}
{{ len(items) }}|{{ items|join(", ") }}|{{ stopping() is undefined }}
{% include "components/inner.html" %}""",
    "components/inner.html": "{{ title }} {% for item in items %}{{ item }}{% endfor %}",
    "layout.html": (
        "<title>{% block title %}{{ title }} | {{ number }}{% endblock %}</title>"
        "<main>{% block main %}{% endblock %}</main>{{ self.title() }}"
    ),
    # Text outside the blocks of a template that extends another is never printed.
    "child.html": """{% extends "layout.html" %}ignored {{ title }}
{% block title %}{{ super() }} & {{ html }}{% endblock %}
{% block main %}<h1>{{ title }}</h1>{% for item in items %}<p>{{ item }}|{{ loop.index }}</p>
{% endfor %}{% include "components/inner.html" %}{% endblock %}""",
}

CONTEXT = {
    "title": 'Ploi & "vânt" <puternic>',
    "html": Markup("<i>ales</i>"),
    "number": 1234567,
    "nothing": None,
    "obj": Headline(),
    "snippet": Snippet(),
    "items": ["<unu>", Markup("<b>doi</b>"), 3],
    "tree": [
        {"name": "a<", "children": [{"name": "b&", "children": []}]},
        {"name": "c", "children": []},
    ],
    "reader": "Ana & <Ion>",
    "from_context": from_context,
    "autoescaping": autoescaping,
    "environment_name": environment_name,
    "callable_class": CallableWithContext(),
    "page": Page(),
    "len": len,
    "stopping": stopping,
}


def test_templates_render_exactly_as_under_jinja2s_own_environment():
    ours = environment(loader=DictLoader(TEMPLATES))
    stock = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    rendered = ours.get_template("page.html").render(CONTEXT)
    assert rendered == stock.get_template("page.html").render(CONTEXT)
    # The cases the comparison is about were really drawn.
    assert "Ploi &amp; &#34;vânt&#34; &lt;puternic&gt;" in rendered
    assert "<i>ales</i>" in rendered
    assert "call reader=Ana &amp; &lt;Ion&gt;" in rendered
    assert "salut Ana &amp; &lt;Ion&gt;" in rendered
    assert "True:" in rendered
    assert "|True\n" in rendered  # the StopIteration call gave undefined


def test_a_layout_and_its_blocks_render_as_under_jinja2s_own_environment():
    ours = environment(loader=DictLoader(TEMPLATES))
    stock = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    rendered = ours.get_template("child.html").render(CONTEXT)
    assert rendered == stock.get_template("child.html").render(CONTEXT)
    assert "ignored" not in rendered
    title = "Ploi &amp; &#34;vânt&#34; &lt;puternic&gt; | 1234567 & <i>ales</i>"
    assert rendered.count(title) == 2  # the block, and the block printed again


def test_text_and_values_between_two_tags_are_yielded_as_one_piece():
    template = "<p>{{ a }} și {{ b }}</p>{% if a %}<i>{{ a }}</i>{% endif %}"
    ours = environment(loader=DictLoader({"t.html": template})).get_template("t.html")
    stock = Environment(loader=DictLoader({"t.html": template}), autoescape=True)
    values = {"a": "<x>", "b": Markup("<b>y</b>")}
    pieces = list(ours.generate(values))
    assert pieces == ["<p>&lt;x&gt; și <b>y</b></p>", "<i>&lt;x&gt;</i>"]
    assert "".join(pieces) == stock.get_template("t.html").render(values)
    assert len(list(stock.get_template("t.html").generate(values))) == 8


def test_an_undefined_callable_still_fails_loudly():
    ours = environment(loader=DictLoader({"t.html": "{{ missing() }}"}))
    with pytest.raises(Exception, match="undefined"):
        ours.get_template("t.html").render({})


@pytest.mark.parametrize("language", ["ro", "en"])
def test_digits_are_grouped_as_djangos_intcomma_groups_them(language):
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    from gazeta.core.jinja2 import group_digits

    values = [0, 7, -7, 999, -999, 1000, -1000, 1234, 98765, 1234567, 10**12, 2.5, "1234", None]
    with translation.override(language):
        for value in values:
            assert group_digits(value) == intcomma(value), value
        grouped = group_digits(1234567)
    assert grouped == ("1.234.567" if language == "ro" else "1,234,567")

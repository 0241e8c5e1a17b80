"""The comment form's template writes each field itself (comments/form.html, for speed): it
must draw exactly what Django's widgets draw for ``CommentForm``, for a blank form, a form
filled from the reader's cookie, and a submitted form with errors, hostile text included."""

from html.parser import HTMLParser

import pytest
from markupsafe import escape

from gazeta.comments import forms as comment_forms
from gazeta.comments.forms import CommentForm, blank_form, shown_form
from gazeta.core.jinja2 import render_fragment

HOSTILE = '"><script>alert(1)</script> & Ană'
TOKEN = "1795804554:1xX0na:signature"


class Fields(HTMLParser):
    """Each input and textarea by name (attributes and text), and each label's text by the
    field it is for."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.fields, self.labels = {}, {}
        self._open = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea"):
            self.fields[attrs["name"]] = {"tag": tag, "attrs": attrs, "text": ""}
            self._open = ("field", attrs["name"]) if tag == "textarea" else None
        elif tag == "label":
            self.labels[attrs["for"]] = ""
            self._open = ("label", attrs["for"])

    def handle_endtag(self, tag):
        if tag in ("textarea", "label"):
            self._open = None

    def handle_data(self, data):
        if self._open and self._open[0] == "field":
            self.fields[self._open[1]]["text"] += data
        elif self._open:
            self.labels[self._open[1]] += data


def drawn_by_template(shown):
    html = render_fragment(
        "comments/form.html",
        {"form": shown, "comments_open": True, "reply_to": None, "comment_error": ""},
    )
    return html, Fields(str(html))


def drawn_by_django(form):
    return Fields("".join(str(bound_field) for bound_field in form))


def assert_same_fields(template, django, form):
    assert template.fields.keys() == django.fields.keys() == set(form.fields)
    for name, field in django.fields.items():
        assert template.fields[name] == field, name
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        label = template.labels[f"id_{name}"]
        assert label.removesuffix(" *").strip() == str(field.label), name
        assert label.endswith("*") == field.required, name


@pytest.fixture(autouse=True)
def fixed_start_token(monkeypatch):
    monkeypatch.setattr(comment_forms, "form_started_token", lambda: TOKEN)


@pytest.mark.parametrize(
    ("parent", "remembered"),
    [
        (None, None),
        (41, {"name": HOSTILE, "email": "ioana@example.ro", "website": HOSTILE, "remember": True}),
    ],
    ids=["blank", "remembered"],
)
def test_a_new_form_is_drawn_as_django_draws_it(parent, remembered):
    _, template = drawn_by_template(blank_form(article=3, parent=parent, remembered=remembered))
    form = CommentForm(initial={"article": 3, "parent": parent} | (remembered or {}))
    assert_same_fields(template, drawn_by_django(form), form)


@pytest.mark.parametrize(
    "data",
    [
        {"body": HOSTILE, "name": HOSTILE, "email": "nu-e-email", "website": HOSTILE},
        {
            "article": "12",
            "parent": "9861",
            "body": "Un comentariu\npe două rânduri.",
            "name": "Ioana",
            "email": "ioana@example.ro",
            "remember": "on",
            "notify_replies": "on",
            "homepage": "spam",
            "started": TOKEN,
        },
    ],
    ids=["hostile", "filled"],
)
def test_a_submitted_form_is_drawn_again_as_django_draws_it(data):
    form = CommentForm(data)
    form.is_valid()
    html, template = drawn_by_template(shown_form(form))
    assert_same_fields(template, drawn_by_django(form), form)
    for name, errors in form.errors.items():
        if name in template.fields and not form.fields[name].widget.is_hidden:
            message = escape(" ".join(errors))
            assert f'<span class="field-error" id="id_{name}_error">{message}</span>' in html


def test_typed_text_is_escaped():
    form = CommentForm({"body": HOSTILE, "name": HOSTILE})
    form.is_valid()
    html, _ = drawn_by_template(shown_form(form))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html

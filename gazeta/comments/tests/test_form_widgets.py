"""The comment form's widgets, drawn in Python for speed, give exactly Django's markup."""

import pytest
from django import forms

from gazeta.comments.forms import CommentForm

STOCK = {
    "FlatHiddenInput": forms.HiddenInput,
    "FlatTextInput": forms.TextInput,
    "FlatEmailInput": forms.EmailInput,
    "FlatURLInput": forms.URLInput,
    "FlatCheckboxInput": forms.CheckboxInput,
    "FlatTextarea": forms.Textarea,
}

HOSTILE = '"><script>alert(1)</script> & Ană'


def stock_markup(bound_field):
    """The same field drawn by Django's own widget class and templates."""
    flat = bound_field.field.widget
    stock = STOCK[type(flat).__name__](attrs=dict(flat.attrs))
    bound_field.field.widget = stock
    try:
        return str(bound_field)
    finally:
        bound_field.field.widget = flat


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"body": HOSTILE, "name": HOSTILE, "email": "nu-e-email", "website": HOSTILE},
        {
            "article": "12",
            "parent": "9861",
            "body": "Un comentariu\npe două rânduri.",
            "name": "Ioana",
            "email": "ioana@example.ro",
            "remember": "on",
            "notify_replies": "on",
        },
    ],
    ids=["blank", "hostile", "filled"],
)
def test_every_field_is_drawn_as_django_draws_it(data):
    form = CommentForm(data) if data is not None else CommentForm(initial={"article": 3})
    if data is not None:
        form.is_valid()
    for bound_field in form:
        assert type(bound_field.field.widget).__name__ in STOCK, bound_field.name
        assert str(bound_field) == stock_markup(bound_field), bound_field.name


def test_typed_text_is_escaped():
    form = CommentForm({"body": HOSTILE, "name": HOSTILE})
    form.is_valid()
    html = str(form["body"]) + str(form["name"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html

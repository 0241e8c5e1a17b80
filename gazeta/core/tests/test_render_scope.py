"""Jinja2 renders read the language, time zone and URL prefix once (core/render_scope.py) and
must still give exactly what Django's own functions give, whatever is active."""

from datetime import UTC, datetime

import pytest
from django.template import engines
from django.urls import set_script_prefix
from django.utils import timezone, translation
from jinja2 import Environment

from gazeta.core import render_scope
from gazeta.core.urls import reverse


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_words_follow_the_language_active_when_the_page_is_drawn():
    source = '{{ _("Comments") }}|{{ pgettext("page title", "Search") }}'
    with translation.override("ro"):
        romanian = render(source)
    with translation.override("en"):
        english = render(source)
    with translation.override("ro"):
        assert romanian == f"{translation.gettext('Comments')}|" + translation.pgettext(
            "page title", "Search"
        )
    assert english == "Comments|Search"
    assert romanian != english


@pytest.mark.parametrize("language", ["ro", "en"])
@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("gettext", ("Comments",)),
        ("gettext", ("A message no catalogue has",)),
        ("gettext", ("",)),
        ("ngettext", ("%(count)s comment", "%(count)s comments", 1)),
        ("ngettext", ("%(count)s comment", "%(count)s comments", 7)),
        ("ngettext", ("%(count)s comment", "%(count)s comments", 21)),
        ("pgettext", ("page title", "Search")),
        ("pgettext", ("no such context", "Search")),
        ("npgettext", ("no such context", "one", "many", 3)),
    ],
)
def test_the_catalogue_answers_as_django_does(language, function, args):
    with translation.override(language):
        assert getattr(render_scope, function)(*args) == getattr(translation, function)(*args)
        with render_scope.render_scope():
            assert getattr(render_scope, function)(*args) == getattr(translation, function)(*args)


@pytest.mark.parametrize(
    "source",
    [
        '{{ _("Comments") }}',
        '{{ _("100%% sure") }}',
        "{% trans name=name %}Reply to {{ name }}{% endtrans %}",
        "{% trans count=n %}{{ count }} comment{% pluralize %}{{ count }} comments{% endtrans %}",
        '{{ pgettext("page title", "Search") }}',
        '{{ ngettext("%(num)s comment", "%(num)s comments", n) }}',
    ],
)
def test_template_words_are_what_jinja2s_own_gettext_gives(source):
    """The same template through Jinja2's stock newstyle gettext on Django's functions."""
    stock = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    stock.install_gettext_callables(
        gettext=translation.gettext,
        ngettext=translation.ngettext,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
        newstyle=True,
    )
    context = {"name": '<b>"Ana"</b>', "n": 3}
    with translation.override("ro"):
        assert render(source, **context) == stock.from_string(source).render(context)


def test_dates_follow_the_time_zone_active_when_the_page_is_drawn():
    moment = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    source = "{{ moment|time_tag }}"
    assert 'datetime="2026-07-01T12:30:00+03:00"' in render(source, moment=moment)
    with timezone.override("America/New_York"):
        assert 'datetime="2026-07-01T05:30:00-04:00"' in render(source, moment=moment)


def test_outside_a_render_each_helper_reads_djangos_active_value():
    moment = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    assert render_scope.active() is None
    with timezone.override("America/New_York"), translation.override("en"):
        assert render_scope.localtime(moment) == timezone.localtime(moment)
        assert render_scope.localtime(moment).utcoffset().total_seconds() == -4 * 3600
        assert render_scope.language() == "en"
        assert render_scope.gettext("Comments") == "Comments"
    with translation.override("ro"):
        assert render_scope.language() == "ro"
        assert render_scope.gettext("Comments") == translation.gettext("Comments")


def test_addresses_follow_the_script_prefix():
    set_script_prefix("/ziar/")
    try:
        assert render('{{ url("newsroom:search") }}') == "/ziar/cauta/"
        assert reverse("newsroom:search") == "/ziar/cauta/"
    finally:
        set_script_prefix("/")
    assert render('{{ url("newsroom:search") }}') == "/cauta/"


def test_the_scope_lasts_as_long_as_the_render():
    seen = []
    env = engines["jinja2"].env
    env.globals["peek"] = lambda: seen.append(render_scope.active()) or ""
    try:
        assert render_scope.active() is None
        with translation.override("en"):
            render("{{ peek() }}{{ inner() }}{{ peek() }}", inner=lambda: render("{{ peek() }}"))
        assert render_scope.active() is None
    finally:
        del env.globals["peek"]
    outer, inner, again = seen
    assert outer is inner is again  # an inner render keeps the page's scope
    assert outer.catalog is translation.trans_real.translation("en")


def test_with_translation_off_words_are_the_message_ids(settings):
    settings.USE_I18N = False
    assert render('{{ _("Comments") }}|{{ pgettext("page title", "Search") }}') == "Comments|Search"
    assert render('{{ ngettext("%(num)s comment", "%(num)s comments", 3) }}') == "3 comments"

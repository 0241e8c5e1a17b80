"""The ``time_tag`` filter of the Jinja2 templates
(``gazeta/core/jinja2.py``) and the ``gazeta.core.dates`` functions behind them: Romanian short
months, 24-hour clock, times stored in UTC shown in the site's zone (Europe/Bucharest, EET/EEST)."""

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.template import engines
from django.utils import dateformat, timezone, translation

from gazeta.core import render_scope
from gazeta.core.dates import local_dateline


def render(template: str, value) -> str:
    return engines["jinja2"].from_string(template).render({"value": value})


def shown(value) -> str:
    """The dateline readers see in ``<time>``."""
    return re.fullmatch(
        r'<time datetime="[^"]+">(.*)</time>', render("{{ value|time_tag }}", value)
    )[1]


def machine_time(value) -> str:
    """The ``datetime`` attribute of the ``<time>`` element."""
    return re.search(r'datetime="([^"]+)"', render("{{ value|time_tag }}", value))[1]


def test_site_time_zone_is_bucharest():
    assert settings.TIME_ZONE == "Europe/Bucharest"


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2024, 1, 15, 10, 5, tzinfo=UTC), "15 ian. 2024, 12:05"),
        (datetime(2024, 2, 29, 21, 59, tzinfo=UTC), "29 feb. 2024, 23:59"),
        (datetime(2024, 3, 12, 7, 0, tzinfo=UTC), "12 mar. 2024, 09:00"),
        (datetime(2024, 4, 3, 5, 45, tzinfo=UTC), "03 apr. 2024, 08:45"),
        (datetime(2024, 5, 9, 6, 30, tzinfo=UTC), "09 mai 2024, 09:30"),
        (datetime(2024, 6, 1, 12, 0, tzinfo=UTC), "01 iun. 2024, 15:00"),
        (datetime(2024, 7, 20, 20, 15, tzinfo=UTC), "20 iul. 2024, 23:15"),
        (datetime(2024, 8, 23, 9, 0, tzinfo=UTC), "23 aug. 2024, 12:00"),
        (datetime(2024, 9, 5, 14, 45, tzinfo=UTC), "05 sept. 2024, 17:45"),
        (datetime(2024, 10, 8, 16, 10, tzinfo=UTC), "08 oct. 2024, 19:10"),
        (datetime(2024, 11, 1, 15, 21, tzinfo=UTC), "01 nov. 2024, 17:21"),
        (datetime(2024, 12, 24, 7, 0, tzinfo=UTC), "24 dec. 2024, 09:00"),
    ],
    ids=lambda v: v.strftime("%b") if isinstance(v, datetime) else None,
)
def test_dateline_uses_romanian_short_month_and_local_time(utc, expected):
    assert shown(utc) == expected
    assert local_dateline(render_scope.localtime(utc)) == expected


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Summer time starts on the last Sunday of March at 03:00 local (01:00 UTC).
        (datetime(2024, 3, 31, 0, 59, tzinfo=UTC), "31 mar. 2024, 02:59"),
        (datetime(2024, 3, 31, 1, 0, tzinfo=UTC), "31 mar. 2024, 04:00"),
        # It ends on the last Sunday of October: 04:00 local becomes 03:00 again.
        (datetime(2024, 10, 27, 0, 59, tzinfo=UTC), "27 oct. 2024, 03:59"),
        (datetime(2024, 10, 27, 1, 0, tzinfo=UTC), "27 oct. 2024, 03:00"),
        # The local date, not the UTC one, decides the day, month and year.
        (datetime(2024, 4, 30, 21, 0, tzinfo=UTC), "01 mai 2024, 00:00"),
        (datetime(2024, 12, 31, 22, 30, tzinfo=UTC), "01 ian. 2025, 00:30"),
    ],
)
def test_dateline_follows_daylight_saving_and_local_date(utc, expected):
    assert shown(utc) == expected
    assert local_dateline(render_scope.localtime(utc)) == expected


def test_dateline_stays_romanian_when_the_interface_is_english():
    with translation.override("en"):
        assert shown(datetime(2024, 11, 1, 15, 21, tzinfo=UTC)) == "01 nov. 2024, 17:21"


@pytest.mark.parametrize("value", [None, ""])
def test_missing_time_renders_nothing(value):
    assert render("[{{ value|time_tag }}][{{ value|time_tag('dateline') }}]", value) == "[][]"


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 11, 1, 15, 21, 7, 123456, tzinfo=UTC),
        datetime(2024, 7, 20, 20, 15, tzinfo=UTC),
        datetime(2024, 10, 27, 1, 0, tzinfo=UTC),
    ],
)
def test_machine_time_is_what_date_c_gives_to_the_second(value):
    """What Django's ``date:'c'`` gave the templates before Jinja2, without the microseconds
    HTML does not allow in ``datetime`` (at most three digits of a fraction)."""
    whole_seconds = timezone.localtime(value).replace(microsecond=0)
    assert machine_time(value) == dateformat.format(whole_seconds, "c")


def test_machine_time_is_in_the_site_time_zone():
    assert machine_time(datetime(2024, 7, 20, 20, 15, tzinfo=UTC)) == "2024-07-20T23:15:00+03:00"


def test_the_element_carries_a_class_when_asked():
    html = render('{{ value|time_tag("dateline") }}', datetime(2024, 11, 1, 15, 21, tzinfo=UTC))
    assert html == (
        '<time class="dateline" datetime="2024-11-01T17:21:00+02:00">01 nov. 2024, 17:21</time>'
    )

"""``gazeta.core.urls`` answers as Django's ``reverse`` and ``static`` do, prefix included."""

import pytest
from django.templatetags.static import static as django_static
from django.urls import NoReverseMatch, set_script_prefix
from django.urls import reverse as django_reverse

from gazeta.core.urls import reverse, static


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("frontpage:home", None, None),
        ("newsroom:section-detail", None, {"slug": "politica"}),
        ("newsroom:article-detail", None, {"section_slug": "sport", "slug": "un-meci"}),
        ("newsroom:article-beacon", [9861], None),
        ("feeds:tag", ["buget"], None),
    ],
)
def test_same_address_as_django(name, args, kwargs):
    expected = django_reverse(name, args=args, kwargs=kwargs)
    assert reverse(name, args=args, kwargs=kwargs) == expected
    assert reverse(name, args=args, kwargs=kwargs) == expected  # remembered


def test_a_site_under_a_prefix_gets_prefixed_addresses():
    plain = reverse("newsroom:section-detail", kwargs={"slug": "politica"})
    set_script_prefix("/ziar/")
    try:
        prefixed = reverse("newsroom:section-detail", kwargs={"slug": "politica"})
        assert prefixed == django_reverse("newsroom:section-detail", kwargs={"slug": "politica"})
        assert prefixed == "/ziar" + plain
    finally:
        set_script_prefix("/")
    assert reverse("newsroom:section-detail", kwargs={"slug": "politica"}) == plain


def test_a_bad_argument_still_fails():
    with pytest.raises(NoReverseMatch):
        reverse("newsroom:section-detail", kwargs={"slug": "nu e slug"})


def test_static_addresses_follow_the_storage(settings):
    assert static("css/gazeta.css") == django_static("css/gazeta.css")
    settings.STATIC_URL = "/elsewhere/"
    assert static("css/gazeta.css") == django_static("css/gazeta.css")
    assert static("css/gazeta.css").startswith("/elsewhere/")

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from gazeta.frontpage.models import HomeSlot
from gazeta.newsroom.models import Article
from gazeta.newsroom.tests.factories import ArticleFactory, DraftFactory
from gazeta.newsroom.tests.html import parse

pytestmark = pytest.mark.django_db


def pin(*args) -> str:
    out = StringIO()
    call_command("pin_articles", *args, stdout=out)
    return out.getvalue()


def test_pins_articles_by_slug_or_external_id_to_consecutive_slots(now):
    top = ArticleFactory(slug="tramvai", headline="Tramvaiul revine")
    second = ArticleFactory(external_id="demo-007")

    output = pin("tramvai", "demo-007")

    assert list(HomeSlot.objects.values_list("position", "article")) == [
        (0, top.pk),
        (1, second.pk),
    ]
    assert "Tramvaiul revine" in output


def test_pinning_again_changes_nothing(now):
    ArticleFactory(slug="tramvai")
    pin("tramvai", "--slot", "2")
    before = list(HomeSlot.objects.values_list("pk", "position", "article", "pinned_until"))
    pin("tramvai", "--slot", "2")
    assert list(HomeSlot.objects.values_list("pk", "position", "article", "pinned_until")) == (
        before
    )


def test_until_is_read_in_the_site_time_zone(now):
    ArticleFactory(slug="tramvai")
    pin("tramvai", "--until", "2024-11-02T08:00")
    assert HomeSlot.objects.get().pinned_until == now.replace(day=2, hour=6, minute=0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nu-exista"], "No article"),
        (["ciorna"], "ciorna"),
        (["tramvai", "--slot", "9"], "tramvai"),
        (["tramvai", "--until", "2024-11-01T10:00"], "tramvai"),
    ],
    ids=["unknown", "draft", "no-such-slot", "past"],
)
def test_refused_pins_change_nothing(now, args, message):
    ArticleFactory(slug="tramvai")
    DraftFactory(slug="ciorna")
    with pytest.raises(CommandError, match=message):
        pin(*args)
    assert not HomeSlot.objects.exists()


def test_a_failure_part_way_keeps_none_of_the_pins(now):
    ArticleFactory(slug="tramvai", published_at=now - timedelta(hours=1))
    with pytest.raises(CommandError):
        pin("tramvai", "nu-exista")
    assert not HomeSlot.objects.exists()


def test_the_demo_step_pins_the_demo_front_and_can_run_again(client, time_machine):
    """``scripts/demo`` imports the demo articles, then runs this command."""
    time_machine.move_to(datetime(2026, 11, 27, 10, 0, tzinfo=UTC), tick=False)
    demo_step = ["demo-001", "demo-007", "demo-019", "demo-013"]
    call_command(
        "import_articles",
        str(settings.BASE_DIR / "demo" / "articles.jsonl"),
        "--no-progress",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    pin(*demo_step)
    pin(*demo_step)

    page = parse(client.get("/").content)

    pinned = {a.external_id: a.get_absolute_url() for a in Article.objects.all()}
    top = page.find("section", class_="front__top").find("a")["href"]
    featured = [
        a["href"]
        for a in page.find("section", class_="front__featured").find_all("a")
        if a["href"].count("/") == 3
    ]
    assert [top, *featured] == [pinned[name] for name in demo_step]
    assert HomeSlot.objects.count() == 4

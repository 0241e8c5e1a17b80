from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gazeta.frontpage.models import TOP_STORY, HomeSlot
from gazeta.frontpage.selectors import BreakingNews, home_page_stories
from gazeta.newsroom.models import Article, Section
from gazeta.newsroom.tests.factories import ArticleFactory, DraftFactory, SectionFactory

from .factories import BannerFactory, HomeSlotFactory

pytestmark = pytest.mark.django_db


def all_articles(page) -> list[Article]:
    return page.articles()


def test_empty_site_has_no_top_story_and_no_blocks(now):
    DraftFactory()
    page = home_page_stories()
    assert (page.top_story, page.latest, page.sections) == (None, [], [])


def test_top_story_is_the_newest_featured_article(now):
    ArticleFactory(published_at=now - timedelta(minutes=1))
    ArticleFactory(published_at=now - timedelta(hours=3), is_featured=True)
    newest_featured = ArticleFactory(published_at=now - timedelta(hours=2), is_featured=True)
    assert home_page_stories().top_story == newest_featured


def test_top_story_is_the_newest_article_when_none_is_featured(now):
    ArticleFactory(published_at=now - timedelta(hours=2))
    newest = ArticleFactory(published_at=now - timedelta(minutes=1))
    assert home_page_stories().top_story == newest


def test_unpublished_featured_article_is_never_the_top_story(now):
    DraftFactory(is_featured=True)
    ArticleFactory(published_at=now + timedelta(minutes=1), is_featured=True)
    ArticleFactory(
        status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=1), is_featured=True
    )
    published = ArticleFactory(published_at=now - timedelta(hours=1))
    page = home_page_stories()
    assert page.top_story == published
    assert all_articles(page) == [published]


def test_latest_list_excludes_the_top_story_and_is_newest_first(now, settings):
    settings.GAZETA_HOME_LATEST_COUNT = 3
    articles = [ArticleFactory(published_at=now - timedelta(hours=i)) for i in range(6)]
    featured = ArticleFactory(published_at=now - timedelta(hours=1, minutes=30), is_featured=True)
    page = home_page_stories()
    assert page.top_story == featured
    assert page.latest == articles[:3]


def test_latest_list_is_full_when_the_top_story_is_also_the_newest(now, settings):
    settings.GAZETA_HOME_LATEST_COUNT = 3
    articles = [ArticleFactory(published_at=now - timedelta(hours=i)) for i in range(6)]
    page = home_page_stories()
    assert page.top_story == articles[0]
    assert page.latest == articles[1:4]


def test_no_article_appears_twice_on_the_page(now, settings):
    settings.GAZETA_HOME_LATEST_COUNT = 4
    settings.GAZETA_HOME_SECTION_COUNT = 3
    sections = [SectionFactory(position=i) for i in range(3)]
    for i in range(20):
        ArticleFactory(
            section=sections[i % 3], published_at=now - timedelta(hours=i), is_featured=i == 11
        )
    shown = [a.pk for a in all_articles(home_page_stories())]
    assert len(shown) == len(set(shown)) == 1 + 4 + 3 * 3


def test_section_blocks_follow_section_order_and_skip_empty_sections(now, settings):
    settings.GAZETA_HOME_LATEST_COUNT = 1
    settings.GAZETA_HOME_SECTION_COUNT = 2
    sport = SectionFactory(name="Sport", slug="sport", position=2)
    local = SectionFactory(name="Local", slug="local", position=1)
    SectionFactory(name="Gol", slug="gol", position=3)
    local_articles = [
        ArticleFactory(section=local, published_at=now - timedelta(hours=i)) for i in range(4)
    ]
    sport_articles = [
        ArticleFactory(section=sport, published_at=now - timedelta(hours=i, minutes=30))
        for i in range(4)
    ]
    page = home_page_stories()
    assert page.top_story == local_articles[0]
    assert page.latest == [sport_articles[0]]
    assert [b.section for b in page.sections] == [local, sport]
    assert page.sections[0].articles == local_articles[1:3]
    assert page.sections[1].articles == sport_articles[1:3]


def test_cards_have_their_section_loaded(now, django_assert_num_queries):
    ArticleFactory()
    page = home_page_stories()
    with django_assert_num_queries(0):
        for article in all_articles(page):
            article.section.get_absolute_url()


# Curation: pinned slots, their fallbacks, the banner.


def test_pinned_article_is_the_top_story_over_the_newest_marked_one(now):
    ArticleFactory(published_at=now - timedelta(minutes=1), is_featured=True)
    old = ArticleFactory(published_at=now - timedelta(days=3))
    HomeSlotFactory(position=TOP_STORY, article=old)
    page = home_page_stories()
    assert page.top_story == old
    assert page.pinned_ids == {old.pk}


def test_featured_slots_hold_their_pins_in_order_and_fall_back_to_marked_articles(now):
    marked = [
        ArticleFactory(published_at=now - timedelta(hours=i + 1), is_featured=True)
        for i in range(3)
    ]
    pinned = ArticleFactory(published_at=now - timedelta(days=2))
    HomeSlotFactory(position=2, article=pinned)
    page = home_page_stories()
    # The top story takes the newest marked article; slot 1 the next; slot 2 is pinned;
    # slot 3 the last marked one.
    assert page.top_story == marked[0]
    assert page.featured == [marked[1], pinned, marked[2]]


def test_empty_featured_slots_are_left_out_rather_than_filled_with_the_newest(now):
    articles = [ArticleFactory(published_at=now - timedelta(hours=i)) for i in range(4)]
    page = home_page_stories()
    assert page.top_story == articles[0]
    assert page.featured == []
    assert page.latest[:3] == articles[1:4]


def test_pinned_article_marked_and_newest_appears_once(now, settings):
    settings.GAZETA_HOME_LATEST_COUNT = 3
    newest = ArticleFactory(published_at=now - timedelta(minutes=1), is_featured=True)
    others = [ArticleFactory(published_at=now - timedelta(hours=i + 1)) for i in range(4)]
    HomeSlotFactory(position=3, article=newest)
    page = home_page_stories()
    assert page.top_story == others[0]
    assert page.featured == [newest]
    assert page.latest == others[1:4]
    shown = [a.pk for a in all_articles(page)]
    assert len(shown) == len(set(shown))


def test_expired_pin_gives_the_slot_back_to_the_rules(now, time_machine):
    marked = ArticleFactory(published_at=now - timedelta(minutes=5), is_featured=True)
    pinned = ArticleFactory(published_at=now - timedelta(days=1))
    HomeSlotFactory(position=TOP_STORY, article=pinned, pinned_until=now + timedelta(hours=1))

    assert home_page_stories().top_story == pinned
    time_machine.move_to(now + timedelta(hours=1), tick=False)
    page = home_page_stories()
    assert page.top_story == marked
    assert page.pinned_ids == set()


@pytest.mark.parametrize("state", ["draft", "future", "scheduled"])
def test_pinned_article_that_is_not_live_is_never_shown(now, state):
    fallback = ArticleFactory(published_at=now - timedelta(hours=1))
    pinned = {
        "draft": lambda: ArticleFactory(published_at=now - timedelta(hours=2)),
        "future": lambda: ArticleFactory(published_at=now + timedelta(minutes=5)),
        "scheduled": lambda: ArticleFactory(
            status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=1)
        ),
    }[state]()
    HomeSlotFactory(position=TOP_STORY, article=pinned)
    if state == "draft":  # unpublished after it was pinned
        Article.objects.filter(pk=pinned.pk).update(status=Article.Status.DRAFT)

    page = home_page_stories()

    assert page.top_story == fallback
    assert pinned.pk not in {a.pk for a in all_articles(page)}


def test_pinned_scheduled_article_takes_its_slot_when_its_time_comes(now, time_machine):
    ArticleFactory(published_at=now - timedelta(hours=1))
    scheduled = ArticleFactory(
        status=Article.Status.SCHEDULED, published_at=now + timedelta(minutes=30)
    )
    HomeSlotFactory(position=TOP_STORY, article=scheduled)

    page = home_page_stories()
    assert page.top_story != scheduled
    assert page.next_change_at == scheduled.published_at

    time_machine.move_to(scheduled.published_at, tick=False)
    assert home_page_stories().top_story == scheduled


def test_slots_beyond_the_configured_number_are_ignored(now, settings):
    settings.GAZETA_HOME_FEATURED_COUNT = 1
    newest = ArticleFactory(published_at=now - timedelta(minutes=1))
    pinned = ArticleFactory(published_at=now - timedelta(days=1))
    HomeSlot.objects.create(position=2, article=pinned)
    page = home_page_stories()
    assert page.pinned_ids == set()
    assert (page.top_story, page.featured, page.latest) == (newest, [], [pinned])


def test_active_banner_is_the_one_that_started_last(now):
    BannerFactory(text="Mai vechi", starts_at=now - timedelta(hours=1))
    BannerFactory(text="Mai nou", starts_at=now - timedelta(minutes=1))
    BannerFactory(text="Încă nu", starts_at=now + timedelta(minutes=1))
    BannerFactory(
        text="Expirat", starts_at=now - timedelta(minutes=1), expires_at=now - timedelta(seconds=1)
    )
    page = home_page_stories()
    assert page.banner == BreakingNews(text="Mai nou", url="")


def test_no_banner_and_no_change_time_without_timed_content(now):
    ArticleFactory()
    HomeSlotFactory(position=TOP_STORY)
    page = home_page_stories()
    assert page.banner is None
    assert page.next_change_at is None


def test_next_change_is_the_nearest_banner_start_or_end_or_pin_end(now):
    BannerFactory(starts_at=now - timedelta(minutes=1), expires_at=now + timedelta(minutes=50))
    BannerFactory(starts_at=now + timedelta(minutes=20), expires_at=now + timedelta(hours=2))
    HomeSlotFactory(position=1, pinned_until=now + timedelta(minutes=30))
    assert home_page_stories().next_change_at == now + timedelta(minutes=20)


# No article twice, whatever the pins, marks, sections and counts: the page must equal a
# plain reading of the rules over every article (the selector only reads a bounded window).

SCENARIO = st.fixed_dictionaries(
    {
        "articles": st.lists(
            st.tuples(
                st.integers(0, 3),  # section
                st.integers(-30, 600),  # minutes before now (negative: in the future)
                st.integers(0, 7).map(lambda n: n == 0),  # is_featured, now and then
                st.sampled_from(["published", "scheduled", "draft"]),
            ),
            max_size=40,
        ),
        "pins": st.dictionaries(
            st.integers(0, 3),
            st.tuples(st.integers(0, 39), st.sampled_from([None, -10, 10])),
            max_size=4,
        ),
        "latest": st.integers(0, 5),
        "per_section": st.integers(0, 3),
        "featured": st.integers(0, 3),
    }
)


def expected_page(articles, slots, *, now, latest_count, per_section, positions):
    """The rules read naively over all articles, newest first."""
    live = sorted(
        (a for a in articles if a.is_published),
        key=lambda a: (a.published_at, a.pk),
        reverse=True,
    )
    pinned = {
        s.position: s.article
        for s in slots
        if s.position in positions
        and (s.pinned_until is None or s.pinned_until > now)
        and s.article in live
    }
    shown = {a.pk for a in pinned.values()}

    def take(candidates, count):
        taken = [a for a in candidates if a.pk not in shown][:count]
        shown.update(a.pk for a in taken)
        return taken

    filled = {}
    for position in positions:
        chosen = (
            [pinned[position]]
            if position in pinned
            else take([a for a in live if a.is_featured], 1)
        )
        if not chosen and position == TOP_STORY:
            chosen = take(live, 1)
        if chosen:
            filled[position] = chosen[0]
    latest = take(live, latest_count)
    blocks = []
    for section in Section.objects.all():
        block = take([a for a in live if a.section_id == section.pk], per_section)
        if block:
            blocks.append((section, block))
    return (
        filled.get(TOP_STORY),
        [filled[p] for p in positions if p and p in filled],
        latest,
        blocks,
    )


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=SCENARIO)
def test_page_follows_the_rules_and_never_repeats_an_article(now, settings, scenario):
    settings.GAZETA_HOME_LATEST_COUNT = scenario["latest"]
    settings.GAZETA_HOME_SECTION_COUNT = scenario["per_section"]
    settings.GAZETA_HOME_FEATURED_COUNT = scenario["featured"]
    with transaction.atomic():
        sections = [SectionFactory(slug=f"s{i}", position=i) for i in range(4)]
        articles = [
            ArticleFactory(
                section=sections[section],
                published_at=now - timedelta(minutes=minutes),
                is_featured=featured,
                status=status,
            )
            for section, minutes, featured, status in scenario["articles"]
        ]
        slots = []
        for position, (index, until) in scenario["pins"].items():
            if index < len(articles) and articles[index] not in [s.article for s in slots]:
                slots.append(
                    HomeSlot.objects.create(
                        position=position,
                        article=articles[index],
                        pinned_until=None if until is None else now + timedelta(minutes=until),
                    )
                )

        page = home_page_stories()

        top, featured, latest, blocks = expected_page(
            articles,
            slots,
            now=now,
            latest_count=scenario["latest"],
            per_section=scenario["per_section"],
            positions=range(scenario["featured"] + 1),
        )
        assert (page.top_story, page.featured, page.latest) == (top, featured, latest)
        assert [(b.section, b.articles) for b in page.sections] == blocks
        shown = [a.pk for a in all_articles(page)]
        assert len(shown) == len(set(shown))
        assert all(a.is_published for a in all_articles(page))
        transaction.set_rollback(True)

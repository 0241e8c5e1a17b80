from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.tasks import default_task_backend

from gazeta.frontpage import services
from gazeta.frontpage.models import TOP_STORY, Banner, HomeSlot
from gazeta.frontpage.selectors import home_page_stories
from gazeta.frontpage.signals import home_page_changed
from gazeta.frontpage.tasks import home_page_refresh
from gazeta.newsroom.models import Article
from gazeta.newsroom.tests.factories import ArticleFactory, DraftFactory

from .factories import BannerFactory

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def announcements():
    """Senders of ``home_page_changed``, in order."""
    received = []

    def receiver(sender, **kwargs):
        received.append(sender)

    home_page_changed.connect(receiver)
    yield received
    home_page_changed.disconnect(receiver)


class TestSlots:
    def test_pinning_fills_the_slot_and_pinning_again_replaces_its_article(self, now):
        first, second = ArticleFactory(), ArticleFactory()
        services.slot_pin(position=1, article=first)
        slot = services.slot_pin(position=1, article=second, until=now + timedelta(hours=3))
        assert list(HomeSlot.objects.values_list("position", "article", "pinned_until")) == [
            (1, second.pk, now + timedelta(hours=3))
        ]
        assert slot.pk == HomeSlot.objects.get().pk

    def test_pinning_an_article_moves_it_out_of_its_other_slot(self, now):
        article = ArticleFactory()
        services.slot_pin(position=2, article=article)
        services.slot_pin(position=TOP_STORY, article=article)
        assert list(HomeSlot.objects.values_list("position", "article")) == [
            (TOP_STORY, article.pk)
        ]

    def test_a_scheduled_article_may_be_pinned_ahead_of_its_time(self, now):
        scheduled = ArticleFactory(
            status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=1)
        )
        services.slot_pin(position=TOP_STORY, article=scheduled)
        assert HomeSlot.objects.get().article == scheduled

    @pytest.mark.parametrize(
        ("position", "until", "draft"),
        [(9, None, False), (0, -1, False), (0, None, True)],
        ids=["unknown-slot", "time-in-the-past", "draft"],
    )
    def test_pin_is_refused(self, now, position, until, draft):
        article = DraftFactory() if draft else ArticleFactory()
        with pytest.raises(ValidationError):
            services.slot_pin(
                position=position,
                article=article,
                until=None if until is None else now + timedelta(minutes=until),
            )
        assert not HomeSlot.objects.exists()

    def test_unpin_empties_the_slot_once(self, now):
        services.slot_pin(position=TOP_STORY, article=ArticleFactory())
        assert services.slot_unpin(position=TOP_STORY) is True
        assert services.slot_unpin(position=TOP_STORY) is False
        assert not HomeSlot.objects.exists()

    def test_pin_and_unpin_announce_the_change_after_commit(
        self, now, announcements, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.slot_pin(position=TOP_STORY, article=ArticleFactory())
            assert announcements == []  # not before the commit
        with django_capture_on_commit_callbacks(execute=True):
            services.slot_unpin(position=TOP_STORY)
            services.slot_unpin(position=TOP_STORY)  # nothing left to remove: no news
        assert announcements == [HomeSlot, HomeSlot]


class TestBanner:
    def test_set_shows_the_banner_until_it_expires(self, now):
        article = ArticleFactory()
        banner = services.banner_set(
            text="Alegeri: rezultate parțiale", article=article, expires_at=now + timedelta(hours=1)
        )
        assert (banner.starts_at, banner.expires_at) == (now, now + timedelta(hours=1))
        assert home_page_stories().banner.url == article.get_absolute_url()

    def test_text_is_stored_with_comma_below_letters(self, now):
        banner = services.banner_set(text="Şedinţă de urgenţă", expires_at=now + timedelta(hours=1))
        assert banner.text == "Ședință de urgență"

    def test_a_new_banner_ends_those_still_showing_when_it_starts(self, now, time_machine):
        old = BannerFactory(text="Vechi", expires_at=now + timedelta(hours=5))
        services.banner_set(text="Nou", expires_at=now + timedelta(minutes=30))
        old.refresh_from_db()
        assert old.expires_at == now
        time_machine.move_to(now + timedelta(minutes=31), tick=False)
        assert home_page_stories().banner is None

    def test_a_scheduled_banner_takes_over_when_it_starts(self, now, time_machine):
        BannerFactory(text="Acum", expires_at=now + timedelta(hours=5))
        services.banner_set(
            text="De la ora 18",
            starts_at=now + timedelta(hours=1),
            expires_at=now + timedelta(hours=2),
        )
        assert home_page_stories().banner.text == "Acum"
        time_machine.move_to(now + timedelta(hours=1), tick=False)
        assert home_page_stories().banner.text == "De la ora 18"
        time_machine.move_to(now + timedelta(hours=2), tick=False)
        assert home_page_stories().banner is None

    @pytest.mark.parametrize(
        "arguments",
        [
            {"expires_at_minutes": 0},
            {"expires_at_minutes": -5},
            {"url": "https://example.org/", "with_article": True},
            {"url": "nu este o adresa"},
            {"text": ""},
            {"with_draft": True},
        ],
        ids=["no-duration", "ends-before-start", "two-links", "bad-url", "no-text", "draft"],
    )
    def test_invalid_banner_is_refused(self, now, arguments):
        with pytest.raises(ValidationError):
            services.banner_set(
                text=arguments.get("text", "Ultima oră"),
                expires_at=now + timedelta(minutes=arguments.get("expires_at_minutes", 30)),
                url=arguments.get("url", ""),
                article=(
                    ArticleFactory()
                    if arguments.get("with_article")
                    else DraftFactory()
                    if arguments.get("with_draft")
                    else None
                ),
            )
        assert not Banner.objects.exists()

    def test_clear_ends_showing_and_scheduled_banners_now(self, now):
        showing = BannerFactory()
        scheduled = BannerFactory(starts_at=now + timedelta(hours=1))
        BannerFactory(starts_at=now - timedelta(hours=2), expires_at=now - timedelta(hours=1))

        assert services.banner_clear() == 2

        showing.refresh_from_db()
        scheduled.refresh_from_db()
        assert showing.expires_at == now
        assert (scheduled.starts_at, scheduled.expires_at) == (now, now)
        assert Banner.objects.not_expired().count() == 0
        assert home_page_stories().banner is None

    def test_clear_can_end_only_the_given_banners(self, now):
        kept, ended = BannerFactory(), BannerFactory()
        assert services.banner_clear(banners=[ended]) == 1
        assert list(Banner.objects.not_expired()) == [kept]

    def test_set_clear_and_delete_announce_the_change_after_commit(
        self, now, announcements, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            banner = services.banner_set(text="Ultima oră", expires_at=now + timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            services.banner_clear()
            services.banner_clear()  # nothing left to end: no news
        with django_capture_on_commit_callbacks(execute=True):
            services.banner_delete(banner=banner)
        assert announcements == [Banner, Banner, Banner]


class TestTimedRefresh:
    def test_refresh_is_queued_for_each_moment_time_changes_the_page(
        self, now, settings, django_capture_on_commit_callbacks
    ):
        settings.TASKS = DUMMY_TASKS
        with django_capture_on_commit_callbacks(execute=True):
            services.banner_set(
                text="Ultima oră",
                starts_at=now + timedelta(minutes=10),
                expires_at=now + timedelta(hours=1),
            )
            services.slot_pin(
                position=TOP_STORY, article=ArticleFactory(), until=now + timedelta(hours=2)
            )
        queued = [r.task for r in default_task_backend.results]
        assert {t.name for t in queued} == {home_page_refresh.name}
        assert sorted(t.run_after for t in queued) == [
            now + timedelta(minutes=10),
            now + timedelta(hours=1),
            now + timedelta(hours=2),
        ]

    def test_refresh_sends_the_signal(self, announcements):
        home_page_refresh.call()
        assert announcements == [home_page_refresh]

    def test_without_a_backend_that_defers_nothing_is_queued_and_nothing_fails(
        self, now, django_capture_on_commit_callbacks, announcements
    ):
        # The test settings' immediate backend cannot run work later.
        with django_capture_on_commit_callbacks(execute=True):
            services.banner_set(text="Ultima oră", expires_at=now + timedelta(hours=1))
        assert announcements == [Banner]

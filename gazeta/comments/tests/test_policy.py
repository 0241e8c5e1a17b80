"""Every moderation rule, through the same service the comment form uses."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.utils import timezone

from gazeta.accounts.models import User
from gazeta.comments.models import Ban, Comment
from gazeta.comments.policy import CommentRefused
from gazeta.comments.services import comment_submit
from gazeta.newsroom.tests.factories import ArticleFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def submit(article, **kwargs):
    data = {
        "name": "Maria Popa",
        "email": "maria@example.org",
        "body": "Un comentariu obișnuit despre articol.",
        "ip_address": "203.0.113.7",
    } | kwargs
    return comment_submit(article=article, **data)


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def known_commenter(article):
    """Maria already has an approved comment, so she is no longer a first-time commenter."""
    return CommentFactory(
        article=article,
        email="maria@example.org",
        created_at=timezone.now() - timedelta(days=2),
        ip_address=None,
    )


def test_first_comment_is_held_with_its_reason(article):
    comment = submit(article)
    assert comment.status == Comment.Status.PENDING
    assert "primul comentariu" in comment.held_reason


def test_commenter_with_an_approved_comment_posts_directly(article, known_commenter):
    comment = submit(article)
    assert comment.status == Comment.Status.APPROVED
    assert comment.held_reason == ""


def test_commenter_whose_only_comment_is_still_pending_stays_held(article):
    CommentFactory(
        article=article,
        email="maria@example.org",
        status=Comment.Status.PENDING,
        created_at=timezone.now() - timedelta(hours=2),
    )
    assert submit(article).status == Comment.Status.PENDING


def test_two_links_hold_a_comment(article, known_commenter):
    comment = submit(article, body="Vezi https://a.example.org și http://b.example.org")
    assert comment.status == Comment.Status.PENDING
    assert "linkuri: 2" in comment.held_reason


def test_one_link_does_not_hold_a_comment(article, known_commenter):
    assert submit(article, body="Sursa: https://a.example.org").status == "approved"


def test_moderation_word_holds_a_comment_whatever_the_diacritics(
    article, known_commenter, settings
):
    settings.GAZETA_COMMENT_MODERATION_WORDS = ["pariuri"]
    comment = submit(article, body="Cele mai bune PARIURI sunt aici")
    assert comment.status == Comment.Status.PENDING
    assert "cuvânt: pariuri" in comment.held_reason
    settings.GAZETA_COMMENT_MODERATION_WORDS = ["țeapă"]
    comment = submit(
        article, body="E o teapa clasica", email="alt@example.org", ip_address="198.51.100.9"
    )
    assert "cuvânt: țeapă" in comment.held_reason


def test_disallowed_word_sends_a_comment_to_spam(article, known_commenter, settings):
    settings.GAZETA_COMMENT_DISALLOWED_WORDS = ["cazino-online"]
    comment = submit(article, body="Intrați pe cazino-online acum")
    assert comment.status == Comment.Status.SPAM


def test_disallowed_word_wins_over_hold_rules(article, settings):
    settings.GAZETA_COMMENT_DISALLOWED_WORDS = ["cazino-online"]
    comment = submit(article, body="cazino-online https://x.example https://y.example")
    assert comment.status == Comment.Status.SPAM


def test_banned_email_goes_to_spam(article, known_commenter):
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="Maria@Example.org")
    assert submit(article).status == Comment.Status.SPAM


def test_banned_ip_goes_to_spam(article, known_commenter):
    Ban.objects.create(kind=Ban.Kind.IP, value="203.0.113.7")
    assert submit(article).status == Comment.Status.SPAM


def test_duplicate_comment_is_refused(article, known_commenter):
    with time_machine.travel(timezone.now()):
        submit(article)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        with pytest.raises(CommentRefused) as refused:
            submit(article)
    assert refused.value.status == 409


def test_flood_within_15_seconds_is_refused_by_email(article, known_commenter):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(article, body="primul")
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        with pytest.raises(CommentRefused) as refused:
            submit(article, body="al doilea", ip_address="198.51.100.1")
    assert refused.value.status == 429
    with time_machine.travel(start + timedelta(seconds=16), tick=False):
        assert submit(article, body="al treilea", ip_address="198.51.100.1").pk


def test_flood_within_15_seconds_is_refused_by_ip(article):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(article, body="primul", email="a@example.org")
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        with pytest.raises(CommentRefused):
            submit(article, body="al doilea", email="b@example.org")


def test_hourly_ceiling_refuses_the_next_comment(article, settings):
    settings.GAZETA_COMMENT_HOURLY_LIMIT = 3
    start = timezone.now()
    for i in range(3):
        with time_machine.travel(start + timedelta(minutes=i), tick=False):
            submit(article, body=f"comentariul {i}")
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        with pytest.raises(CommentRefused) as refused:
            submit(article, body="încă unul")
    assert refused.value.code == "hourly"
    with time_machine.travel(start + timedelta(minutes=70), tick=False):
        assert submit(article, body="după o oră").pk


def test_rate_limits_off_lets_a_load_test_post_quickly(article, settings):
    settings.GAZETA_COMMENT_RATE_LIMITS = False
    with time_machine.travel(timezone.now(), tick=False):
        for i in range(5):
            submit(article, body=f"rapid {i}")
    assert Comment.objects.count() == 5


def test_moderators_are_exempt_from_flood_and_posted_directly(article):
    moderator = User.objects.create_user("mod", password="x", is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="change_comment"))
    moderator = User.objects.get(pk=moderator.pk)
    with time_machine.travel(timezone.now(), tick=False):
        first = submit(article, body="unu", user=moderator)
        second = submit(article, body="doi", user=moderator)
    assert first.status == second.status == Comment.Status.APPROVED


def test_closed_article_refuses_comments(article):
    article.comments_open = False
    article.save()
    with pytest.raises(CommentRefused) as refused:
        submit(article)
    assert refused.value.status == 403


def test_comments_close_automatically_after_n_days_when_enabled(settings):
    settings.GAZETA_COMMENTS_AUTO_CLOSE = True
    settings.GAZETA_COMMENTS_CLOSE_AFTER_DAYS = 14
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=15))
    recent = ArticleFactory(published_at=timezone.now() - timedelta(days=13))
    with pytest.raises(CommentRefused):
        submit(old)
    assert submit(recent).pk


def test_auto_close_is_off_by_default():
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=400))
    assert submit(old).pk


def test_reply_to_a_comment_of_another_article_is_refused(article):
    other = CommentFactory()
    with pytest.raises(CommentRefused) as refused:
        submit(article, parent_id=other.pk)
    assert refused.value.code == "parent"


def test_reply_to_an_unknown_or_held_comment_is_refused(article):
    with pytest.raises(CommentRefused):
        submit(article, parent_id=999_999)
    held = CommentFactory(article=article, status=Comment.Status.PENDING)
    with pytest.raises(CommentRefused):
        submit(article, parent_id=held.pk)


def test_replies_nest_up_to_the_configured_depth(article, settings):
    settings.GAZETA_COMMENT_MAX_DEPTH = 3
    settings.GAZETA_COMMENT_RATE_LIMITS = False
    level1 = CommentFactory(article=article)
    level2 = CommentFactory(article=article, parent=level1)
    level3 = CommentFactory(article=article, parent=level2)
    assert submit(article, parent_id=level2.pk, body="la nivelul 3").parent == level2
    with pytest.raises(CommentRefused) as refused:
        submit(article, parent_id=level3.pk, body="prea adânc")
    assert refused.value.code == "depth"

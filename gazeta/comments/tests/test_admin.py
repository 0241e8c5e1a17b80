"""The moderation queue in the admin, used by a moderator who holds only the comment
permissions, and the privacy commands an operator runs for a commenter's request."""

import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gazeta.comments import services
from gazeta.comments.models import Ban, Comment
from gazeta.newsroom.tests.factories import ArticleFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
MODERATOR_PERMISSIONS = ["view_comment", "change_comment", "delete_comment"]


@pytest.fixture
def moderator(db):
    group = Group.objects.create(name="Moderatori")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="comments", codename__in=MODERATOR_PERMISSIONS
        )
    )
    user = get_user_model().objects.create_user(
        username="moderator", email="moderator@gazeta.example", is_staff=True
    )
    user.groups.add(group)
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def article():
    return ArticleFactory(headline="Podul nou se deschide luni")


@pytest.fixture
def other_article():
    return ArticleFactory(headline="Ședința consiliului, amânată")


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    # Several comments from one address within seconds are the point of these tests.
    settings.GAZETA_COMMENT_RATE_LIMITS = False


def held_comment(article, *, name="Ion Ionescu", email="ion@example.org", **kwargs):
    """A first comment held by the policy, as the comment form would store it."""
    defaults = {"body": f"Părerea lui {name} despre {article.headline}.", "ip_address": None}
    comment = services.comment_submit(
        article=article, name=name, email=email, **(defaults | kwargs)
    )
    assert comment.status == Comment.Status.PENDING
    return comment


def queue(client, **params):
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return response


def shown(response) -> list[int]:
    return [c.pk for c in response.context["cl"].result_list]


def run_action(client, action, comments, data=None, **extra):
    form = {"action": action, "_selected_action": [c.pk for c in comments], "index": 0}
    return client.post(CHANGELIST, form | (data or {}), **extra)


def statuses(*comments) -> list[str]:
    return [Comment.objects.get(pk=c.pk).status for c in comments]


# The queue


def test_moderator_sees_held_comments_first_with_the_reason_they_were_held(
    moderator_client, article
):
    old_approved = CommentFactory(
        article=article, body="Aprobat de ieri.", created_at=timezone.now() - timedelta(days=1)
    )
    held = held_comment(article)
    new_approved = CommentFactory(article=article, body="Aprobat chiar acum.")

    response = queue(moderator_client)

    assert shown(response) == [held.pk, new_approved.pk, old_approved.pk]
    html = response.content.decode()
    assert '<html lang="ro"' in html
    assert "Motivul reținerii" in html
    assert "primul comentariu" in html
    assert "În așteptare" in html
    assert "Aprobă comentariile selectate" in html


def test_moderator_can_still_sort_the_queue_by_date(moderator_client, article):
    old_approved = CommentFactory(article=article, created_at=timezone.now() - timedelta(days=1))
    held = held_comment(article)

    response = queue(moderator_client, o="7")  # the "posted at" column, oldest first

    assert shown(response) == [old_approved.pk, held.pk]


def test_queue_filters_by_status(moderator_client, article):
    held = held_comment(article)
    approved = CommentFactory(article=article)
    spam = CommentFactory(article=article, status=Comment.Status.SPAM)

    assert shown(queue(moderator_client, status__exact="pending")) == [held.pk]
    assert shown(queue(moderator_client, status__exact="approved")) == [approved.pk]
    assert shown(queue(moderator_client, status__exact="spam")) == [spam.pk]
    assert "?status__exact=pending" in queue(moderator_client).content.decode()


def test_queue_filters_by_article_offering_only_articles_with_comments(
    moderator_client, article, other_article
):
    ArticleFactory(headline="Articol fără niciun comentariu")
    on_article = held_comment(article)
    on_other = CommentFactory(article=other_article)

    html = queue(moderator_client).content.decode()
    assert f"?article__id__exact={article.pk}" in html
    assert f"?article__id__exact={other_article.pk}" in html
    assert "Articol fără niciun comentariu" not in html

    assert shown(queue(moderator_client, article__id__exact=article.pk)) == [on_article.pk]
    assert shown(queue(moderator_client, article__id__exact=other_article.pk)) == [on_other.pk]


def test_history_link_shows_only_that_commenters_comments(moderator_client, article):
    ion_first = CommentFactory(
        article=article, email="Ion@Example.org", created_at=timezone.now() - timedelta(days=3)
    )
    ion_held = CommentFactory(email="ion@example.org", status=Comment.Status.PENDING)
    CommentFactory(article=article, email="maria@example.org")

    html = queue(moderator_client).content.decode()
    link = re.search(r'href="([^"]*\?email__iexact=ion%40example.org)"', html)
    assert link, "the queue links each commenter to their history"

    history = moderator_client.get(link.group(1).replace("&amp;", "&"))
    assert history.status_code == 200
    assert shown(history) == [ion_held.pk, ion_first.pk]


# Bulk actions


@pytest.mark.parametrize(
    ("action", "service", "status", "message"),
    [
        ("approve", "comment_approve", Comment.Status.APPROVED, "2 comentarii aprobate."),
        ("mark_spam", "comment_mark_spam", Comment.Status.SPAM, "2 comentarii marcate ca spam."),
        ("remove", "comment_remove", Comment.Status.REMOVED, "2 comentarii șterse."),
    ],
)
def test_bulk_action_changes_status_through_the_service(
    moderator_client, article, monkeypatch, action, service, status, message
):
    first = held_comment(article)
    second = held_comment(article, name="Maria", email="maria@example.org")
    untouched = held_comment(article, name="Dan", email="dan@example.org")
    calls = []
    original = getattr(services, service)

    def spy(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(services, service, spy)

    response = run_action(moderator_client, action, [first, second], follow=True)

    assert response.status_code == 200
    assert statuses(first, second, untouched) == [status, status, Comment.Status.PENDING]
    assert len(calls) == 1
    assert message in response.content.decode()


def test_ban_email_sends_later_comments_from_that_address_to_spam(
    moderator_client, moderator, article
):
    comment = held_comment(article, email="Troll@Example.org", name="Troll")

    response = run_action(moderator_client, "ban_email", [comment], follow=True)

    assert "1 adresă blocată." in response.content.decode()
    ban = Ban.objects.get()
    assert (ban.kind, ban.value, ban.created_by) == (Ban.Kind.EMAIL, "troll@example.org", moderator)
    later = services.comment_submit(
        article=ArticleFactory(),
        name="Alt nume",
        email="TROLL@example.org",
        body="Revin cu altă părere.",
        ip_address="198.51.100.9",
    )
    assert later.status == Comment.Status.SPAM
    assert later.held_reason == "blocat"
    innocent = services.comment_submit(
        article=article, name="Maria", email="maria@example.org", body="Eu nu sunt blocată."
    )
    assert innocent.status == Comment.Status.PENDING


def test_ban_ip_sends_later_comments_from_that_address_to_spam(moderator_client, article):
    comment = held_comment(article, ip_address="203.0.113.66")
    no_ip = CommentFactory(article=article, ip_address=None)

    run_action(moderator_client, "ban_ip", [comment, no_ip])

    assert list(Ban.objects.values_list("kind", "value")) == [(Ban.Kind.IP, "203.0.113.66")]
    later = services.comment_submit(
        article=article,
        name="Nume nou",
        email="nou@example.org",
        body="Altă adresă de email, același calculator.",
        ip_address="203.0.113.66",
    )
    assert later.status == Comment.Status.SPAM


def test_export_downloads_the_selected_commenter_and_nobody_else(moderator_client, article):
    ion = held_comment(
        article, ip_address="203.0.113.5", website="https://ion.example.org", user_agent="Firefox"
    )
    ion_older = CommentFactory(
        article=ArticleFactory(),
        email="ION@example.org",
        created_at=timezone.now() - timedelta(days=5),
    )
    CommentFactory(
        article=article,
        parent=ion,
        name="Maria Vecina",
        email="maria@example.org",
        body="Răspunsul Mariei, care nu e al lui Ion.",
        ip_address="198.51.100.77",
    )

    response = run_action(moderator_client, "export_commenter", [ion])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="commenters.json"'
    raw = response.content.decode()
    for other in ("maria@example.org", "Maria Vecina", "Răspunsul Mariei", "198.51.100.77"):
        assert other not in raw
    [export] = json.loads(raw)
    assert export["email"] == "ion@example.org"
    assert [c["id"] for c in export["comments"]] == [ion_older.pk, ion.pk]
    newest = export["comments"][1]
    assert newest["ip_address"] == "203.0.113.5"
    assert newest["website"] == "https://ion.example.org"
    assert newest["user_agent"] == "Firefox"


def test_erase_anonymises_every_comment_of_the_selected_commenter(moderator_client, article):
    ion = held_comment(
        article, ip_address="203.0.113.5", website="https://ion.example.org", user_agent="Firefox"
    )
    ion_elsewhere = CommentFactory(
        article=ArticleFactory(), email="ion@example.org", ip_address="203.0.113.5"
    )
    maria = CommentFactory(article=article, name="Maria", email="maria@example.org")

    response = run_action(moderator_client, "erase_commenter", [ion], follow=True)

    assert "2 comentarii anonimizate." in response.content.decode()
    for comment in (ion, ion_elsewhere):
        comment.refresh_from_db()
        assert comment.name == "Anonim"
        assert (comment.email, comment.website, comment.ip_address, comment.user_agent) == (
            "",
            "",
            None,
            "",
        )
        assert comment.body  # the text stays, signed “Anonim”
    maria.refresh_from_db()
    assert (maria.name, maria.email) == ("Maria", "maria@example.org")
    assert not Comment.objects.filter(email__iexact="ion@example.org").exists()


def test_queue_offers_no_bulk_delete_that_reads_like_remove(moderator_client, article):
    parent = held_comment(article)
    reply = CommentFactory(article=article, parent=parent)

    html = queue(moderator_client).content.decode()
    actions = re.findall(r'<option value="(\w+)"', html[html.index('name="action"') :])
    assert actions == [
        "approve",
        "mark_spam",
        "remove",
        "ban_email",
        "ban_ip",
        "export_commenter",
        "erase_commenter",
    ]
    run_action(moderator_client, "delete_selected", [parent], data={"post": "yes"})
    assert Comment.objects.filter(pk__in=[parent.pk, reply.pk]).count() == 2


# Permissions


@pytest.fixture
def staff_without_comment_permissions(client, db):
    user = get_user_model().objects.create_user(username="reporter", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="newsroom", codename="change_article")
    )
    client.force_login(user)
    return client


def test_staff_without_comment_permissions_cannot_see_the_queue(
    staff_without_comment_permissions,
):
    assert staff_without_comment_permissions.get(CHANGELIST).status_code == 403


@pytest.mark.parametrize("action", ["approve", "ban_email", "export_commenter", "erase_commenter"])
def test_staff_without_comment_permissions_cannot_run_actions(
    staff_without_comment_permissions, article, action
):
    comment = held_comment(article)

    response = run_action(staff_without_comment_permissions, action, [comment])

    assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.status, comment.email) == (Comment.Status.PENDING, "ion@example.org")
    assert not Ban.objects.exists()


def test_view_only_staff_sees_the_queue_but_cannot_approve(client, article):
    user = get_user_model().objects.create_user(username="cititor-intern", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="view_comment")
    )
    client.force_login(user)
    comment = held_comment(article)

    html = queue(client).content.decode()
    assert "Aprobă comentariile selectate" not in html
    run_action(client, "approve", [comment])
    assert statuses(comment) == [Comment.Status.PENDING]


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# Reply notices


def test_approving_a_reply_emails_the_parent_author_who_opted_in_once(
    moderator_client, article, django_capture_on_commit_callbacks
):
    parent = CommentFactory(article=article, email="elena@example.org", notify_replies=True)
    reply = CommentFactory(
        article=article, parent=parent, email="ion@example.org", status=Comment.Status.PENDING
    )

    with django_capture_on_commit_callbacks(execute=True):
        run_action(moderator_client, "approve", [reply])
    assert [m.to for m in mail.outbox] == [["elena@example.org"]]
    assert article.headline in mail.outbox[0].subject + mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        run_action(moderator_client, "approve", [reply])
    assert len(mail.outbox) == 1


def test_approving_a_reply_never_emails_a_parent_author_who_did_not_opt_in(
    moderator_client, article, django_capture_on_commit_callbacks
):
    parent = CommentFactory(article=article, email="elena@example.org", notify_replies=False)
    reply = CommentFactory(article=article, parent=parent, status=Comment.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        run_action(moderator_client, "approve", [reply])

    assert statuses(reply) == [Comment.Status.APPROVED]
    assert mail.outbox == []


def test_approving_a_top_level_comment_emails_nobody(
    moderator_client, article, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=article, notify_replies=True, status=Comment.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        run_action(moderator_client, "approve", [comment])

    assert mail.outbox == []


# Management commands


def run_command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_commenter_export_prints_every_stored_field_of_that_commenter_only(article):
    parent = CommentFactory(article=article, name="Maria", email="maria@example.org")
    ion = CommentFactory(
        article=article,
        parent=parent,
        name="Ion Ionescu",
        email="ion@example.org",
        website="https://ion.example.org",
        body="Răspunsul lui Ion.",
        status=Comment.Status.PENDING,
        ip_address="203.0.113.5",
        user_agent="Firefox 140",
        notify_replies=True,
    )
    services.commenter_ban(kind=Ban.Kind.EMAIL, value="ion@example.org", reason="insulte")
    services.commenter_ban(kind=Ban.Kind.EMAIL, value="maria@example.org", reason="altă adresă")

    raw = run_command("commenter_export", "ION@Example.org")

    assert "maria@example.org" not in raw
    assert "altă adresă" not in raw
    data = json.loads(raw)
    assert [(b["kind"], b["value"], b["reason"]) for b in data["bans"]] == [
        ("email", "ion@example.org", "insulte")
    ]
    [exported] = data["comments"]
    expected = {
        "id": ion.pk,
        "article": article.headline,
        "url": article.get_absolute_url(),
        "in_reply_to": parent.pk,
        "name": "Ion Ionescu",
        "email": "ion@example.org",
        "website": "https://ion.example.org",
        "body": "Răspunsul lui Ion.",
        "status": "pending",
        "created_at": ion.created_at.isoformat(),
        "ip_address": "203.0.113.5",
        "user_agent": "Firefox 140",
        "notify_replies": True,
    }
    assert {key: exported.get(key) for key in expected} == expected


# Derived (body_html) or stated by the article's own fields (article → article, url;
# parent → in_reply_to); every other column is data about the commenter.
EXPORT_FIELD_NAMES = {"id": "id", "article": "article", "parent": "in_reply_to", "user": "account"}


def test_commenter_export_covers_every_column_of_the_comment_table(article):
    CommentFactory(article=article, email="ion@example.org")
    [exported] = json.loads(run_command("commenter_export", "ion@example.org"))["comments"]
    columns = {
        EXPORT_FIELD_NAMES.get(f.name, f.name)
        for f in Comment._meta.concrete_fields
        if f.name != "body_html"
    }
    assert columns - exported.keys() == set()


def test_commenter_export_of_an_unknown_address_is_empty():
    CommentFactory(email="maria@example.org")
    data = json.loads(run_command("commenter_export", "nimeni@example.org"))
    assert (data["comments"], data["bans"]) == ([], [])


def test_commenter_erase_anonymises_and_keeps_the_text(article):
    ion = CommentFactory(
        article=article,
        email="ion@example.org",
        website="https://ion.example.org",
        ip_address="203.0.113.5",
        user_agent="Firefox",
        notify_replies=True,
        body="Textul rămâne.",
    )
    maria = CommentFactory(article=article, email="maria@example.org", ip_address="198.51.100.1")

    assert run_command("commenter_erase", "ION@example.org").strip() == "1 comment(s) anonymised."

    ion.refresh_from_db()
    assert (ion.name, ion.email, ion.website, ion.ip_address, ion.user_agent) == (
        "Anonim",
        "",
        "",
        None,
        "",
    )
    assert ion.notify_replies is False
    assert ion.body == "Textul rămâne."
    maria.refresh_from_db()
    assert (maria.email, maria.ip_address) == ("maria@example.org", "198.51.100.1")


def test_commenter_erase_with_remove_comments_deletes_them_and_keeps_others_replies(article):
    ion = CommentFactory(article=article, email="ion@example.org")
    ion_reply_to_self = CommentFactory(article=article, parent=ion, email="ion@example.org")
    maria_reply = CommentFactory(article=article, parent=ion, email="maria@example.org")
    elena_deeper = CommentFactory(article=article, parent=maria_reply, email="elena@example.org")

    output = run_command("commenter_erase", "ion@example.org", "--remove-comments")

    assert output.strip() == "2 comment(s) deleted."
    assert not Comment.objects.filter(pk__in=[ion.pk, ion_reply_to_self.pk]).exists()
    maria_reply.refresh_from_db()
    elena_deeper.refresh_from_db()
    assert maria_reply.parent_id is None
    assert elena_deeper.parent_id == maria_reply.pk


NOW = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def comment_aged(days, **kwargs):
    return CommentFactory(
        created_at=NOW - timedelta(days=days),
        ip_address="203.0.113.5",
        user_agent="Firefox",
        **kwargs,
    )


def test_erase_comment_ips_forgets_addresses_only_past_the_retention_period(time_machine):
    time_machine.move_to(NOW, tick=False)
    old = comment_aged(61, name="Vechi")
    edge = comment_aged(60, name="Exact 60 de zile")
    recent = comment_aged(59, name="Recent")

    output = run_command("erase_comment_ips")

    assert "1 comment(s) over 60 days old" in output
    old.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert old.name == "Vechi"
    for kept in (edge, recent):
        kept.refresh_from_db()
        assert (kept.ip_address, kept.user_agent) == ("203.0.113.5", "Firefox")


def test_erase_comment_ips_follows_the_retention_setting(time_machine, settings):
    settings.GAZETA_COMMENT_IP_RETENTION_DAYS = 7
    time_machine.move_to(NOW, tick=False)
    week_old = comment_aged(8)
    fresh = comment_aged(6)

    run_command("erase_comment_ips")

    week_old.refresh_from_db()
    fresh.refresh_from_db()
    assert week_old.ip_address is None
    assert fresh.ip_address == "203.0.113.5"


def test_erase_comment_ips_leaves_other_fields_and_is_harmless_twice(time_machine):
    time_machine.move_to(NOW, tick=False)
    old = comment_aged(90, name="Ion", email="ion@example.org", website="https://ion.example.org")

    run_command("erase_comment_ips")
    assert "on 0 comment(s)" in run_command("erase_comment_ips")

    old.refresh_from_db()
    assert (old.name, old.email, old.website) == (
        "Ion",
        "ion@example.org",
        "https://ion.example.org",
    )

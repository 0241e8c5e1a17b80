"""Workflow (draft → in review → approved) apart from publication (not published →
scheduled → published), pending versions of live articles, the correction-notice step,
embargo and expiry, audit log, soft locks and preview links."""

from datetime import timedelta

import extruct
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from gazeta.accounts import roles
from gazeta.accounts.services import roles_sync
from gazeta.newsroom import preview, services
from gazeta.newsroom.models import Article, AuditEntry, Correction, PendingVersion

from .admin_forms import article_form
from .factories import ArticleFactory, AuthorFactory, DraftFactory, SectionFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def staff():
    groups = roles_sync()
    users = {}
    for role in (roles.REPORTER, roles.EDITOR):
        user = User.objects.create_user(username=role.lower(), is_staff=True)
        user.groups.add(groups[role])
        users[role] = user
    users["writer_author"] = AuthorFactory(
        name="Ana Scrie", slug="ana-scrie", user=users["Reporter"]
    )
    return users


def change_url(article):
    return reverse("admin:newsroom_article_change", args=[article.pk])


def test_review_steps_move_the_workflow_and_leave_publication_alone(staff):
    draft = DraftFactory(authors=[staff["writer_author"]])

    services.article_submit(article=draft, user=staff["Reporter"])
    draft.refresh_from_db()
    assert (draft.workflow_state, draft.status) == ("in_review", "draft")

    services.article_return(article=draft, user=staff["Editor"], note="Lipsește sursa.")
    draft.refresh_from_db()
    assert draft.workflow_state == "draft"

    services.article_submit(article=draft, user=staff["Reporter"])
    services.article_approve(article=draft, user=staff["Editor"])
    draft.refresh_from_db()
    assert (draft.workflow_state, draft.status) == ("approved", "draft")
    assert not Article.objects.published().filter(pk=draft.pk).exists()
    log = list(
        AuditEntry.objects.filter(article=draft).order_by("id").values_list("action", "detail")
    )
    assert log == [
        ("submitted", ""),
        ("returned", "Lipsește sursa."),
        ("submitted", ""),
        ("approved", ""),
    ]


def test_reporter_submits_own_draft_through_the_admin_but_cannot_approve(client, staff):
    draft = DraftFactory(authors=[staff["writer_author"]])
    client.force_login(staff["Reporter"])
    data = article_form(draft)

    submitted = client.post(change_url(draft), data | {"_submit_review": "1"})
    approved = client.post(change_url(draft), data | {"_approve": "1"})

    assert (submitted.status_code, approved.status_code) == (302, 403)
    draft.refresh_from_db()
    assert draft.workflow_state == "in_review"


def test_publish_now_keeps_an_earlier_publication_time_and_logs_who(staff, now):
    article = DraftFactory(published_at=now - timedelta(days=2))

    services.article_publish(article=article, user=staff["Editor"])

    article.refresh_from_db()
    assert (article.status, article.published_at) == ("published", now - timedelta(days=2))
    assert AuditEntry.objects.get(article=article, action="published").user == staff["Editor"]


def test_publishing_under_embargo_schedules_for_the_end_of_the_embargo(staff, now):
    article = DraftFactory(embargo_until=now + timedelta(hours=3))

    services.article_publish(article=article, user=staff["Editor"])

    article.refresh_from_db()
    assert (article.status, article.published_at) == ("scheduled", now + timedelta(hours=3))
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=now + timedelta(hours=3)).filter(pk=article.pk).exists()


def test_publication_time_before_the_embargo_is_refused(now):
    article = DraftFactory(embargo_until=now + timedelta(hours=3))
    article.status = Article.Status.PUBLISHED
    article.published_at = now

    with pytest.raises(ValidationError, match="embargo"):
        services.article_save(article=article)


def test_scheduling_in_the_past_is_refused(staff, now):
    article = DraftFactory()

    with pytest.raises(ValidationError):
        services.article_schedule(article=article, at=now - timedelta(minutes=1), user=None)
    article.refresh_from_db()
    assert article.status == "draft"


def test_expired_article_leaves_the_site_at_once_and_the_sync_records_it(client, now):
    article = ArticleFactory(expires_at=now + timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 200

    later = now + timedelta(hours=1, seconds=1)
    assert not Article.objects.published(now=later).filter(pk=article.pk).exists()
    assert services.publication_sync(now=later) == (0, 1)
    article.refresh_from_db()
    assert article.status == "draft"
    assert AuditEntry.objects.filter(article=article, action="expired").exists()


def test_editing_a_live_article_keeps_it_online_until_the_changes_are_published(client, staff, now):
    article = ArticleFactory(headline="Titlul publicat", body="<p>Text publicat.</p>")
    client.force_login(staff["Editor"])

    response = client.post(
        change_url(article),
        article_form(article, release=True, headline="Titlul nou", body="<p>Text nou.</p>"),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Titlul publicat"
    assert Article.objects.published().filter(pk=article.pk).exists()
    page = client.get(article.get_absolute_url())
    assert "Titlul publicat" in page.content.decode()
    assert PendingVersion.objects.get(article=article).headline == "Titlul nou"
    # The form continues the pending text, not the live one.
    form = client.get(change_url(article)).content.decode()
    assert "Titlul nou" in form and "modificări în așteptare" in form


def test_pending_changes_are_reviewed_without_taking_the_article_offline(staff, now):
    article = ArticleFactory(headline="Vechi")
    services.article_pending_save(article=article, user=staff["Reporter"], headline="Nou")

    services.article_submit(article=article, user=staff["Reporter"])
    article.refresh_from_db()
    assert article.pending.workflow_state == "in_review"
    assert article.workflow_state != "in_review"  # the live text's own state is untouched
    services.article_approve(article=article, user=staff["Editor"])
    services.article_changes_publish(article=article, user=staff["Editor"])

    article.refresh_from_db()
    assert article.headline == "Nou" and not PendingVersion.objects.filter(article=article).exists()


def test_changing_a_live_body_asks_for_a_notice_before_publishing(client, staff, now):
    article = ArticleFactory(body="<p>Au fost 20 de răniți.</p>")
    client.force_login(staff["Editor"])
    data = article_form(article, release=True, body="<p>Au fost 12 răniți.</p>")

    response = client.post(change_url(article), data | {"_publish_changes": "1"})

    ask = reverse("admin:newsroom_article_publish_changes", args=[article.pk])
    assert response.status_code == 302 and response["Location"] == ask
    article.refresh_from_db()
    assert "20 de răniți" in article.body  # nothing live yet
    page = client.get(ask).content.decode()
    assert "<del>" in page and "<ins>" in page
    empty = client.post(ask, {"kind": "corectie", "placement": "top", "text": ""})
    assert empty.status_code == 200 and "dați un motiv" in empty.content.decode()

    done = client.post(
        ask,
        {"kind": "corectie", "placement": "top", "text": "Numărul răniților era greșit."},
    )

    assert done.status_code == 302
    article.refresh_from_db()
    assert "12 răniți" in article.body and article.was_revised is not None
    notice = Correction.objects.get(article=article)
    assert (notice.kind, notice.placement) == ("corectie", "top")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Numărul răniților era greșit." in html
    ld = extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]
    news = next(item for item in ld if item.get("@type") == "NewsArticle")
    corrections = news["correction"]
    corrections = corrections if isinstance(corrections, list) else [corrections]
    assert corrections[0]["text"].endswith("Numărul răniților era greșit.")


def test_the_notice_can_be_declined_with_a_reason_kept_in_the_audit_log(staff, now):
    article = ArticleFactory(body="<p>Text vechi.</p>")
    services.article_pending_save(article=article, user=staff["Editor"], body="<p>Text nou.</p>")

    with pytest.raises(ValidationError):
        services.article_changes_publish(article=article, user=staff["Editor"])
    services.article_changes_publish(
        article=article, user=staff["Editor"], decline_reason="Greșeală de tipar."
    )

    article.refresh_from_db()
    assert article.body == "<p>Text nou.</p>"
    assert not Correction.objects.filter(article=article).exists()
    declined = AuditEntry.objects.get(article=article, action="notice_declined")
    assert declined.detail == "Greșeală de tipar." and declined.user == staff["Editor"]


def test_a_headline_fix_needs_no_notice(staff, now):
    article = ArticleFactory(headline="Titlu cu greșală")
    services.article_pending_save(article=article, user=staff["Editor"], headline="Titlu corect")

    assert not services.notice_required(article=article)
    services.article_changes_publish(article=article, user=staff["Editor"])
    article.refresh_from_db()
    assert article.headline == "Titlu corect"


def test_every_save_keeps_a_revision_and_an_old_one_can_be_restored(client, staff):
    article = DraftFactory(headline="Prima variantă")
    for headline in ("A doua variantă", "A treia variantă"):
        article.headline = headline
        services.article_save(article=article)
    first = article.history.order_by("history_date", "history_id").first()
    assert article.history.count() == 3 and first.headline == "Prima variantă"
    client.force_login(staff["Editor"])

    history = client.get(reverse("admin:newsroom_article_history", args=[article.pk]))
    newest = article.history.order_by("-history_date", "-history_id").first()
    compare = client.get(
        reverse("admin:newsroom_article_compare", args=[article.pk]),
        {"a": first.history_id, "b": newest.history_id},
    )
    restore = client.post(
        reverse("admin:newsroom_article_restore", args=[article.pk, first.history_id])
    )

    assert history.status_code == 200 and "A treia variantă" in history.content.decode()
    diff = compare.content.decode()
    assert "<del>Prima</del>" in diff and "<ins>A treia</ins>" in diff
    assert restore.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Prima variantă"
    assert AuditEntry.objects.filter(article=article, action="restored").exists()


def test_restoring_a_live_article_goes_through_a_pending_version(staff):
    article = ArticleFactory(headline="Prima")
    article.headline = "A doua"
    services.article_save(article=article)
    first = article.history.order_by("history_date", "history_id").first()

    services.article_restore(article=article, history_id=first.history_id, user=staff["Editor"])

    article.refresh_from_db()
    assert article.headline == "A doua" and article.pending.headline == "Prima"


def test_unpublish_and_delete_are_in_the_audit_log(staff):
    article = ArticleFactory(headline="De retras")
    services.article_unpublish(article=article, user=staff["Editor"])
    article_id = article.pk
    services.article_delete(article=article, user=staff["Editor"])

    log = AuditEntry.objects.filter(headline="De retras").order_by("id")
    assert [(e.action, e.user) for e in log] == [
        ("unpublished", staff["Editor"]),
        ("deleted", staff["Editor"]),
    ]
    assert not Article.objects.filter(pk=article_id).exists()


def test_a_second_editor_is_warned_that_the_article_is_open(client, staff):
    article = DraftFactory()
    other = User.objects.create_user(username="alt_editor", is_staff=True)
    other.groups.add(*staff["Editor"].groups.all())
    client.force_login(staff["Editor"])
    first = client.get(change_url(article)).content.decode()
    client.force_login(other)

    second = client.get(change_url(article)).content.decode()

    assert "are și el acest articol deschis" not in first
    assert "editor are și el acest articol deschis" in second


def test_preview_link_shows_the_unpublished_text_until_it_expires(client, time_machine, now):
    article = DraftFactory(headline="Încă nepublicat", section=SectionFactory(slug="local"))
    url = preview.preview_url(article=article)

    response = client.get(url)
    assert response.status_code == 200
    assert "Încă nepublicat" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(url.replace(url.split("/")[-2][-5:], "xxxxx")).status_code == 404

    time_machine.move_to(now + timedelta(hours=49), tick=False)
    assert client.get(url).status_code == 404


def test_preview_link_of_a_live_article_shows_its_pending_changes(client, staff):
    article = ArticleFactory(headline="Live")
    services.article_pending_save(article=article, user=staff["Editor"], headline="În lucru")

    html = client.get(preview.preview_url(article=article)).content.decode()

    assert "În lucru" in html and "noindex" in html
    assert "În lucru" not in client.get(article.get_absolute_url()).content.decode()


def test_an_article_taken_offline_is_edited_directly_and_loses_its_pending_version(client, staff):
    article = ArticleFactory(headline="Publicat")
    services.article_pending_save(article=article, user=staff["Editor"], headline="În lucru")
    services.article_unpublish(article=article, user=staff["Editor"])
    client.force_login(staff["Editor"])

    form = client.get(change_url(article)).content.decode()
    response = client.post(
        change_url(article), article_form(article, release=True, headline="În lucru")
    )

    assert "În lucru" in form and response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "În lucru"
    assert not PendingVersion.objects.filter(article=article).exists()


def test_a_revision_made_in_the_admin_records_who_made_it(client, staff):
    article = DraftFactory(headline="Înainte")
    client.force_login(staff["Editor"])

    client.post(change_url(article), article_form(article, release=True, headline="După"))

    newest = article.history.order_by("-history_date", "-history_id").first()
    assert (newest.headline, newest.history_user) == ("După", staff["Editor"])


def test_an_editor_sends_a_draft_back_with_a_note_for_the_writer(client, staff):
    draft = DraftFactory(authors=[staff["writer_author"]])
    services.article_submit(article=draft, user=staff["Reporter"])
    client.force_login(staff["Editor"])
    form = client.get(change_url(draft)).content.decode()

    response = client.post(
        change_url(draft),
        article_form(draft, release=True, _return="1", return_note="Lipsește o sursă."),
    )

    assert 'name="return_note"' in form and 'name="_return"' in form

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.workflow_state == "draft"
    returned = AuditEntry.objects.get(article=draft, action="returned")
    assert (returned.user, returned.detail) == (staff["Editor"], "Lipsește o sursă.")

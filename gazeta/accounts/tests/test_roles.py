"""Each staff role against the admin, through HTTP: every forbidden action is refused by the
server (403), not only hidden, and the actions the role exists for go through."""

from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from gazeta.accounts import roles
from gazeta.accounts.services import roles_sync
from gazeta.comments.models import Ban, Comment
from gazeta.comments.tests.factories import CommentFactory
from gazeta.frontpage.models import Banner, HomeSlot
from gazeta.media.models import Image
from gazeta.newsroom.models import Article, AuditEntry, Author, Byline, Section, Tag
from gazeta.newsroom.tests.admin_forms import article_form
from gazeta.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    DraftFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def world():
    """Every role's user (built from the roles table), and one of each object they aim at."""
    groups = roles_sync()
    users = {}
    for role in (roles.REPORTER, roles.EDITOR, roles.MODERATOR, roles.ADMINISTRATOR):
        user = User.objects.create_user(username=role.lower(), is_staff=True)
        user.groups.add(groups[role])
        users[role] = user
    reporter_author = AuthorFactory(
        name="Ana Reporter", slug="ana-reporter", user=users["Reporter"]
    )
    colleague = AuthorFactory(name="Mihai Coleg", slug="mihai-coleg")
    section = SectionFactory(name="Local", slug="local")
    published = ArticleFactory(section=section, authors=[colleague])
    return SimpleNamespace(
        users=users,
        groups=groups,
        reporter_author=reporter_author,
        section=section,
        tag=TagFactory(),
        author=colleague,
        own_draft=DraftFactory(headline="Ciorna mea", section=section, authors=[reporter_author]),
        others_draft=DraftFactory(
            headline="Ciorna colegului", section=section, authors=[colleague]
        ),
        published=published,
        own_published=ArticleFactory(section=section, authors=[reporter_author]),
        comment=CommentFactory(article=published, status=Comment.Status.PENDING),
        other_user=User.objects.create_user(username="cititor"),
        reporter_group=groups[roles.REPORTER],
        home_slot=HomeSlot.objects.create(position=0, article=published),
        banner=Banner.objects.create(text="Ultima oră"),
        # A library row without a file on disk: these tests never show the picture.
        image=Image.objects.create(
            file="images/2024/11/pod.jpg", width=800, height=600, alt_text="Podul nou"
        ),
    )


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def admin_url(model, view, obj=None):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
    return reverse(name, args=[obj.pk] if obj is not None else [])


def action(name, *objects):
    return {"action": name, "_selected_action": [o.pk for o in objects], "index": 0}


RELEASE = {"status": "published", "published_at_0": "2024-11-01", "published_at_1": "17:00:00"}


def edit(headline):
    return lambda world, article: article_form(article, headline=headline)


def confirm_delete(world, obj):
    return {"post": "yes"}


def approve_comment(world, obj):
    return action("approve", world.comment)


def new_tag(world, obj):
    return {"name": "Nou", "slug": "nou"}


def describe_image(world, obj):
    return {"alt_text": "Alt text schimbat", "caption": "", "photographer": "", "agency": ""}


def renamed_section(world, obj):
    return {"name": "Alt nume", "slug": "local", "position": 1}


def new_user(world, obj):
    return {"username": "intrus", "password1": "o-parola-99", "password2": "o-parola-99"}


def pin_article(world, obj):
    return {
        "position": "1",
        "article": world.own_published.pk,
        "pinned_until_0": "",
        "pinned_until_1": "",
    }


def new_banner(world, obj):
    return {
        "text": "Anunț fals",
        "article": "",
        "url": "",
        "starts_at_0": "2024-11-01",
        "starts_at_1": "17:00:00",
        "expires_at_0": "2030-11-01",
        "expires_at_1": "19:00:00",
    }


def end_banner(world, obj):
    return action("end_now", world.banner)


# (role, model, admin view, the world's object or None, POST data builder or None for a GET)
FORBIDDEN = [
    # Reporter: own drafts only, never released, no deleting, nothing outside articles.
    ("Reporter", Article, "change", "others_draft", None),
    ("Reporter", Article, "change", "others_draft", edit("Preluat")),
    ("Reporter", Article, "change", "published", None),
    ("Reporter", Article, "change", "own_published", edit("Modificat")),
    ("Reporter", Article, "history", "others_draft", None),
    ("Reporter", Article, "delete", "own_draft", None),
    ("Reporter", Article, "delete", "own_draft", confirm_delete),
    ("Reporter", Section, "add", None, None),
    ("Reporter", Section, "change", "section", renamed_section),
    ("Reporter", Tag, "add", None, new_tag),
    ("Reporter", Tag, "delete", "tag", confirm_delete),
    ("Reporter", Author, "add", None, None),
    ("Reporter", User, "changelist", None, None),
    ("Reporter", User, "add", None, None),
    ("Reporter", Group, "changelist", None, None),
    ("Reporter", Comment, "changelist", None, None),
    ("Reporter", Comment, "changelist", None, approve_comment),
    ("Reporter", Ban, "changelist", None, None),
    ("Reporter", Image, "delete", "image", None),
    ("Reporter", Image, "delete", "image", confirm_delete),
    ("Reporter", HomeSlot, "changelist", None, None),
    ("Reporter", HomeSlot, "add", None, pin_article),
    ("Reporter", HomeSlot, "change", "home_slot", pin_article),
    ("Reporter", HomeSlot, "delete", "home_slot", confirm_delete),
    ("Reporter", Banner, "add", None, new_banner),
    ("Reporter", Banner, "change", "banner", None),
    ("Reporter", Banner, "delete", "banner", confirm_delete),
    ("Reporter", Banner, "changelist", None, end_banner),
    # Editor: the whole newsroom, but no people and no comments.
    ("Editor", User, "changelist", None, None),
    ("Editor", User, "add", None, new_user),
    ("Editor", User, "change", "other_user", None),
    ("Editor", Group, "changelist", None, None),
    ("Editor", Group, "change", "reporter_group", None),
    ("Editor", Comment, "changelist", None, None),
    ("Editor", Comment, "changelist", None, approve_comment),
    ("Editor", Comment, "change", "comment", None),
    ("Editor", Ban, "add", None, None),
    # Moderator: comments and bans; articles read-only; nothing else.
    ("Moderator", Article, "add", None, None),
    ("Moderator", Article, "change", "published", edit("Modificat")),
    ("Moderator", Article, "delete", "published", confirm_delete),
    ("Moderator", Section, "add", None, None),
    ("Moderator", Tag, "change", "tag", None),
    ("Moderator", Author, "add", None, None),
    ("Moderator", User, "changelist", None, None),
    ("Moderator", Group, "changelist", None, None),
    ("Moderator", Image, "changelist", None, None),
    ("Moderator", Image, "add", None, None),
    ("Moderator", Image, "change", "image", describe_image),
    ("Moderator", HomeSlot, "add", None, pin_article),
    ("Moderator", HomeSlot, "change", "home_slot", None),
    ("Moderator", HomeSlot, "delete", "home_slot", confirm_delete),
    ("Moderator", Banner, "changelist", None, None),
    ("Moderator", Banner, "add", None, new_banner),
    ("Moderator", Banner, "change", "banner", new_banner),
    ("Moderator", Banner, "changelist", None, end_banner),
]


def row_id(row):
    role, model, view, target, data = row
    verb = "POST" if data else "GET"
    return f"{role}-{verb}-{model._meta.model_name}-{view}" + (f"-{target}" if target else "")


@pytest.mark.parametrize(
    ("role", "model", "view", "target", "data"), FORBIDDEN, ids=map(row_id, FORBIDDEN)
)
def test_forbidden_admin_action_is_refused_with_403(client, world, role, model, view, target, data):
    login(client, world, role)
    obj = getattr(world, target) if target else None
    url = admin_url(model, view, obj)

    response = client.post(url, data(world, obj)) if data else client.get(url)

    assert response.status_code == 403


def test_refused_posts_change_nothing(client, world):
    login(client, world, "Reporter")
    client.post(
        admin_url(Article, "change", world.others_draft),
        article_form(world.others_draft, headline="Preluat"),
    )
    client.post(admin_url(Article, "delete", world.own_draft), {"post": "yes"})
    login(client, world, "Editor")
    client.post(admin_url(Comment, "changelist"), action("approve", world.comment))
    client.post(admin_url(User, "add"), {"username": "intrus", "password1": "x", "password2": "x"})
    login(client, world, "Moderator")
    client.post(admin_url(Article, "delete", world.published), {"post": "yes"})

    world.others_draft.refresh_from_db()
    world.comment.refresh_from_db()
    assert world.others_draft.headline == "Ciorna colegului"
    assert Article.objects.filter(pk__in=[world.own_draft.pk, world.published.pk]).count() == 2
    assert world.comment.status == Comment.Status.PENDING
    assert not User.objects.filter(username="intrus").exists()


@pytest.mark.parametrize(
    "forged",
    [
        RELEASE,
        {"status": "scheduled", "published_at_0": "2030-01-01", "published_at_1": "08:00:00"},
        {"is_featured": "on"},
        {"comments_open": ""},
        {"_publish": "1"},
        {"_schedule": "1"},
        {"_approve": "1"},
        {"_unpublish": "1"},
        {"_publish_changes": "1"},
    ],
    ids=[
        "publish",
        "schedule",
        "feature",
        "close-comments",
        "publish-button",
        "schedule-button",
        "approve-button",
        "unpublish-button",
        "publish-changes-button",
    ],
)
def test_reporter_forging_a_release_field_on_own_draft_gets_403_and_nothing_saved(
    client, world, forged
):
    login(client, world, "Reporter")
    draft = world.own_draft

    response = client.post(
        admin_url(Article, "change", draft), article_form(draft, headline="Titlu nou") | forged
    )

    assert response.status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.published_at, draft.headline) == (
        Article.Status.DRAFT,
        None,
        "Ciorna mea",
    )
    assert not draft.is_featured and draft.comments_open


def test_reporter_forging_a_release_field_on_a_new_article_gets_403(client, world):
    login(client, world, "Reporter")
    data = (
        article_form(Article(section=world.section, headline="Știre furată", slug="furata"))
        | RELEASE
    )

    response = client.post(admin_url(Article, "add"), data)

    assert response.status_code == 403
    assert not Article.objects.filter(slug="furata").exists()


def test_reporter_posting_the_delete_action_deletes_nothing(client, world):
    login(client, world, "Reporter")

    client.post(
        admin_url(Article, "changelist"),
        action("delete_selected", world.own_draft) | {"post": "yes"},
    )

    assert Article.objects.filter(pk=world.own_draft.pk).exists()


def test_save_model_refuses_a_release_even_when_the_form_lets_it_through(world):
    """The last guard, should a form ever include the release fields for a writer."""
    request = RequestFactory().post("/")
    request.user = world.users["Reporter"]
    draft = world.own_draft
    draft.status, draft.published_at = Article.Status.PUBLISHED, world.published.published_at

    with pytest.raises(PermissionDenied):
        site.get_model_admin(Article).save_model(request, draft, form=None, change=True)

    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


# Allowed: what each role is there for.


def test_reporter_lists_only_the_articles_they_sign(client, world):
    login(client, world, "Reporter")

    response = client.get(admin_url(Article, "changelist"))

    assert response.status_code == 200
    shown = {a.pk for a in response.context["cl"].result_list}
    assert shown == {world.own_draft.pk, world.own_published.pk}


def test_reporter_creates_a_draft_signed_with_their_byline(client, world):
    login(client, world, "Reporter")
    new = Article(section=world.section, headline="Școala din cartier se redeschide", slug="scoala")

    response = client.post(admin_url(Article, "add"), article_form(new))

    assert response.status_code == 302
    article = Article.objects.get(slug="scoala")
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert list(article.authors.all()) == [world.reporter_author]


def test_reporter_edits_own_draft_and_keeps_their_byline(client, world):
    login(client, world, "Reporter")
    draft = world.own_draft
    data = article_form(draft, headline="Ciorna mea, revizuită") | {"bylines-0-DELETE": "on"}

    response = client.post(admin_url(Article, "change", draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Ciorna mea, revizuită" and draft.status == Article.Status.DRAFT
    assert list(draft.authors.all()) == [world.reporter_author]


def test_reporter_sees_release_fields_read_only_and_own_published_article_read_only(client, world):
    login(client, world, "Reporter")

    draft_page = client.get(admin_url(Article, "change", world.own_draft))
    published_page = client.get(admin_url(Article, "change", world.own_published))

    assert draft_page.status_code == 200
    assert 'name="status"' not in draft_page.content.decode()
    assert 'name="is_featured"' not in draft_page.content.decode()
    assert published_page.status_code == 200
    assert 'name="headline"' not in published_page.content.decode()


def test_reporter_without_an_author_profile_cannot_add_articles(client, world):
    Author.objects.filter(pk=world.reporter_author.pk).update(user=None)
    login(client, world, "Reporter")

    assert client.get(admin_url(Article, "add")).status_code == 403


@pytest.mark.parametrize("role", ["Editor", "Administrator"])
def test_editor_and_administrator_publish_any_draft(client, world, role):
    login(client, world, role)
    draft = world.others_draft
    data = article_form(draft) | {
        "published_at_0": "2024-11-01",
        "published_at_1": "17:00:00",
        "comments_open": "on",
        "_publish": "1",
    }

    response = client.post(admin_url(Article, "change", draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.published_at is not None
    assert draft.workflow_state == Article.Workflow.APPROVED
    assert Article.objects.published().filter(pk=draft.pk).exists()
    entry = AuditEntry.objects.get(article=draft)
    assert (entry.action, entry.user.username) == ("published", role.lower())


@pytest.mark.parametrize("role", ["Editor", "Administrator"])
def test_publication_state_is_never_set_through_the_form_even_by_editors(client, world, role):
    login(client, world, role)
    draft = world.others_draft
    data = article_form(draft) | RELEASE | {"comments_open": "on"}

    response = client.post(admin_url(Article, "change", draft), data)

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert not AuditEntry.objects.filter(article=draft).exists()


def test_editor_manages_sections_tags_and_authors(client, world):
    login(client, world, "Editor")

    section = client.post(
        admin_url(Section, "add"), {"name": "Sport", "slug": "sport", "position": 2}
    )
    tag = client.post(admin_url(Tag, "delete", world.tag), {"post": "yes"})
    author = client.get(admin_url(Author, "change", world.author))

    assert (section.status_code, tag.status_code, author.status_code) == (302, 302, 200)
    assert Section.objects.filter(slug="sport").exists()
    assert not Tag.objects.filter(pk=world.tag.pk).exists()


def test_editor_deletes_an_article(client, world):
    login(client, world, "Editor")

    response = client.post(admin_url(Article, "delete", world.others_draft), {"post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.filter(pk=world.others_draft.pk).exists()
    assert not Byline.objects.filter(article_id=world.others_draft.pk).exists()


def test_moderator_approves_a_comment_with_the_action(client, world):
    login(client, world, "Moderator")

    response = client.post(admin_url(Comment, "changelist"), action("approve", world.comment))

    assert response.status_code == 302
    world.comment.refresh_from_db()
    assert world.comment.status == Comment.Status.APPROVED


def test_moderator_reads_any_article_without_being_able_to_edit_it(client, world):
    login(client, world, "Moderator")

    listing = client.get(admin_url(Article, "changelist"))
    page = client.get(admin_url(Article, "change", world.others_draft))

    assert listing.status_code == 200 and page.status_code == 200
    assert 'name="headline"' not in page.content.decode()


def test_administrator_manages_users_groups_and_comments(client, world):
    login(client, world, "Administrator")

    for url in (
        admin_url(User, "changelist"),
        admin_url(User, "change", world.other_user),
        admin_url(Group, "change", world.groups["Reporter"]),
        admin_url(Comment, "changelist"),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["Reporter", "Editor"])
def test_reporters_and_editors_upload_and_describe_library_images(
    client, world, role, settings, tmp_path
):
    from gazeta.media.tests.factories import picture_bytes, upload

    settings.MEDIA_ROOT = tmp_path
    login(client, world, role)

    added = client.post(
        admin_url(Image, "add"),
        {"upload": upload(picture_bytes(400, 300)), "alt_text": "Piața Unirii"},
    )
    changed = client.post(admin_url(Image, "change", world.image), describe_image(world, None))

    assert (added.status_code, changed.status_code) == (302, 302)
    assert Image.objects.filter(alt_text="Piața Unirii", uploaded_by=world.users[role]).exists()
    world.image.refresh_from_db()
    assert world.image.alt_text == "Alt text schimbat"


def test_editor_deletes_a_library_image(client, world):
    login(client, world, "Editor")

    response = client.post(admin_url(Image, "delete", world.image), {"post": "yes"})

    assert response.status_code == 302
    assert not Image.objects.filter(pk=world.image.pk).exists()


@pytest.mark.parametrize("role", ["Editor", "Administrator"])
def test_editor_and_administrator_curate_the_home_page(client, world, role):
    login(client, world, role)

    pinned = client.post(admin_url(HomeSlot, "add"), pin_article(world, None))
    banner = client.post(admin_url(Banner, "add"), new_banner(world, None))
    ended = client.post(admin_url(Banner, "changelist"), end_banner(world, None))

    assert (pinned.status_code, banner.status_code, ended.status_code) == (302, 302, 302)
    assert HomeSlot.objects.filter(position=1, article=world.own_published).exists()
    assert Banner.objects.filter(text="Anunț fals").exists()
    assert not Banner.objects.active().filter(pk=world.banner.pk).exists()

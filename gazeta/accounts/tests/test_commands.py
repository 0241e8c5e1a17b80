import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from gazeta.accounts import roles
from gazeta.accounts.services import UnknownPermission, permissions_for_grants, roles_sync

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("GAZETA_DEMO_PASSWORD", raising=False)
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def run() -> str:
    out = StringIO()
    call_command("ensure_demo_accounts", stdout=out)
    return out.getvalue()


def perms(user_or_group) -> set[str]:
    if isinstance(user_or_group, Group):
        return {
            f"{p.content_type.app_label}.{p.codename}"
            for p in user_or_group.permissions.select_related("content_type")
        }
    return user_or_group.get_all_permissions()


def test_creates_four_groups_and_four_staff_users(var_dir):
    run()

    assert set(Group.objects.values_list("name", flat=True)) == {
        "Reporter",
        "Editor",
        "Moderator",
        "Administrator",
    }
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {"admin", "editor", "reporter", "moderator"}
    assert all(u.is_staff and u.is_active for u in users.values())
    assert users["admin"].is_superuser
    assert not any(users[name].is_superuser for name in ("editor", "reporter", "moderator"))
    assert [g.name for g in users["reporter"].groups.all()] == ["Reporter"]
    assert [g.name for g in users["moderator"].groups.all()] == ["Moderator"]


def test_running_twice_creates_nothing_new_and_keeps_the_password(var_dir):
    first = run()
    password_hash = User.objects.get(username="editor").password

    second = run()

    assert User.objects.count() == 4
    assert Group.objects.count() == 4
    assert User.objects.get(username="editor").password == password_hash
    assert first == second


def test_reporter_writes_articles_but_cannot_publish_sections_or_moderate(var_dir):
    run()
    reporter = User.objects.get(username="reporter")

    granted = perms(reporter)

    assert {"newsroom.add_article", "newsroom.change_article", "newsroom.view_article"} <= granted
    assert {"newsroom.view_section", "newsroom.view_tag", "newsroom.view_author"} <= granted
    assert "newsroom.view_agency" in granted
    assert "newsroom.delete_article" not in granted
    assert "newsroom.add_section" not in granted
    assert not any(p.startswith("comments.") for p in granted)
    assert "accounts.add_user" not in granted


def test_editor_has_every_newsroom_permission_and_no_user_management(var_dir):
    run()
    editor = User.objects.get(username="editor")
    newsroom = {
        f"newsroom.{codename}"
        for codename in Permission.objects.filter(content_type__app_label="newsroom").values_list(
            "codename", flat=True
        )
    }

    granted = perms(editor)

    assert newsroom and newsroom <= granted
    assert "newsroom.delete_article" in granted
    assert "importers.view_importrun" in granted
    assert "comments.change_comment" not in granted
    assert "accounts.change_user" not in granted


def test_moderator_handles_comments_and_bans_and_only_reads_articles(var_dir):
    run()

    granted = perms(Group.objects.get(name="Moderator"))

    assert granted == {
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
        "comments.add_ban",
        "comments.change_ban",
        "comments.delete_ban",
        "comments.view_ban",
        "newsroom.view_article",
    }


def test_administrator_group_has_every_permission_including_users(var_dir):
    run()

    granted = perms(Group.objects.get(name="Administrator"))

    assert len(granted) == Permission.objects.count()
    assert {"accounts.add_user", "accounts.change_user", "auth.change_group"} <= granted


def test_rerun_restores_a_group_edited_by_hand(var_dir):
    run()
    reporter = Group.objects.get(name="Reporter")
    reporter.permissions.add(Permission.objects.get(codename="delete_article"))
    User.objects.filter(username="reporter").update(is_staff=False, is_superuser=True)

    run()

    assert "newsroom.delete_article" not in perms(reporter)
    user = User.objects.get(username="reporter")
    assert user.is_staff and not user.is_superuser


def test_password_comes_from_environment_when_set(var_dir, monkeypatch):
    monkeypatch.setenv("GAZETA_DEMO_PASSWORD", "parola-demo-din-mediu")

    output = run()

    assert all(u.check_password("parola-demo-din-mediu") for u in User.objects.all())
    assert "parola-demo-din-mediu" in output
    assert not (var_dir / "demo-password.txt").exists()


def test_changing_the_environment_password_updates_existing_users(var_dir, monkeypatch):
    monkeypatch.setenv("GAZETA_DEMO_PASSWORD", "prima-parola-demo")
    run()
    monkeypatch.setenv("GAZETA_DEMO_PASSWORD", "a-doua-parola-demo")

    run()

    assert User.objects.get(username="admin").check_password("a-doua-parola-demo")


def test_generated_password_is_saved_owner_only_and_reused(var_dir):
    first = run()
    path = var_dir / "demo-password.txt"
    password = path.read_text().strip()

    second = run()

    assert len(password) >= 16
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == password
    assert password in first and password in second
    assert User.objects.get(username="moderator").check_password(password)


def test_unknown_grant_is_refused():
    with pytest.raises(UnknownPermission):
        permissions_for_grants(["newsroom.publish_everything"])
    with pytest.raises(UnknownPermission):
        permissions_for_grants(["no_such_app.*"])


def test_roles_table_resolves_against_the_migrated_database():
    groups = roles_sync()

    assert set(groups) == set(roles.ROLE_PERMISSIONS)
    assert set(roles.DEMO_ACCOUNTS.values()) <= set(groups)


@pytest.mark.django_db
def test_demo_reporter_gets_an_author_profile_once(var_dir):
    from gazeta.newsroom.models import Author

    call_command("ensure_demo_accounts", stdout=StringIO())
    call_command("ensure_demo_accounts", stdout=StringIO())
    reporter = get_user_model().objects.get(username="reporter")
    assert Author.objects.filter(user=reporter).count() == 1

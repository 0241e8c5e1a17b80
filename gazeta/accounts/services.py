"""Writes to staff accounts and groups. Commands and tests call these."""

from collections.abc import Iterable, Mapping

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .roles import DEMO_ACCOUNTS, DEMO_SUPERUSERS, ROLE_PERMISSIONS

DEMO_REPORTER_NAME = "Ioana Crăciun"
DEMO_REPORTER_SLUG = "ioana-craciun"


class UnknownPermission(ValueError):
    """A role grants a permission (or an app) that does not exist in this database."""


def permissions_for_grants(grants: Iterable[str]) -> list[Permission]:
    """The permissions that ``grants`` (``"app.codename"``, ``"app.*"`` or ``"*"``) name.
    Raises ``UnknownPermission`` for a grant that matches nothing. Reads only."""
    everything = list(Permission.objects.select_related("content_type"))
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in everything}
    chosen: dict[int, Permission] = {}
    for grant in grants:
        if grant == "*":
            matched = everything
        elif grant.endswith(".*"):
            app_label = grant.removesuffix(".*")
            matched = [p for p in everything if p.content_type.app_label == app_label]
        else:
            matched = [by_name[grant]] if grant in by_name else []
        if not matched:
            raise UnknownPermission(f"No permission matches {grant!r}.")
        chosen.update((p.pk, p) for p in matched)
    return list(chosen.values())


@transaction.atomic
def roles_sync(*, roles: Mapping[str, Iterable[str]] = ROLE_PERMISSIONS) -> dict[str, Group]:
    """Create each role's group when missing and set its permissions to exactly the table's
    (permissions granted by hand to these groups are removed)."""
    groups = {}
    for name, grants in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions_for_grants(grants))
        groups[name] = group
    return groups


@transaction.atomic
def demo_accounts_ensure(
    *, password: str, accounts: Mapping[str, str] = DEMO_ACCOUNTS
) -> list[tuple[str, str, bool]]:
    """Sync the role groups, then create or repair one active staff user per demo account
    (its role's group only, ``admin`` a superuser) with ``password``. The password is
    rewritten only when it differs, so open sessions survive a re-run. Returns
    ``(username, role, is_superuser)`` rows."""
    groups = roles_sync()
    User = get_user_model()
    rows = []
    for username, role in accounts.items():
        is_superuser = username in DEMO_SUPERUSERS
        user = User.objects.filter(username=username).first() or User(username=username)
        user.email = user.email or f"{username}@example.org"
        user.is_active = True
        user.is_staff = True
        user.is_superuser = is_superuser
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        user.groups.set([groups[role]])
        if role == "Reporter":
            _demo_reporter_byline(user)
        rows.append((username, role, is_superuser))
    return rows


def _demo_reporter_byline(user) -> None:
    """Reporters sign what they write, so the demo reporter gets an author profile: the demo
    paper's Ioana Crăciun when her articles are loaded, else a new one. Looked up through the
    app registry: accounts sits below newsroom and does not import it."""
    Author = apps.get_model("newsroom", "Author")  # noqa: N806
    if Author.objects.filter(user=user).exists():
        return
    author = Author.objects.filter(slug=DEMO_REPORTER_SLUG, user__isnull=True).first()
    if author is None:
        author = Author(name=DEMO_REPORTER_NAME, slug=f"{DEMO_REPORTER_SLUG}-{user.pk}")
    author.user = user
    author.save()

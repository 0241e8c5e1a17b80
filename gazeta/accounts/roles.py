"""Staff roles as data: which model permissions each group gets.

A grant is ``"app_label.codename"`` for one permission, ``"app_label.*"`` for every
permission of an app, or ``"*"`` for every permission there is. ``roles_sync`` (services)
turns this table into groups; change a role here and run ``manage.py ensure_demo_accounts``
(or call ``roles_sync``) again.
"""

REPORTER = "Reporter"
EDITOR = "Editor"
MODERATOR = "Moderator"
ADMINISTRATOR = "Administrator"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    REPORTER: (
        # Without newsroom.publish_article the article admin limits these to the reporter's
        # own drafts (articles signed by their author profile) and keeps release fields read-only.
        "newsroom.add_article",
        "newsroom.change_article",
        "newsroom.view_article",
        # Bylines and wire credits are edited inline on the article form.
        "newsroom.add_byline",
        "newsroom.change_byline",
        "newsroom.delete_byline",
        "newsroom.view_byline",
        "newsroom.add_credit",
        "newsroom.change_credit",
        "newsroom.delete_credit",
        "newsroom.view_credit",
        "newsroom.view_section",
        "newsroom.view_tag",
        "newsroom.view_author",
        "newsroom.view_agency",
        # The image library: upload pictures and describe them; deleting is for editors.
        "media.add_image",
        "media.change_image",
        "media.view_image",
    ),
    # ``newsroom.*`` already holds it; naming publish_article makes a sync fail loudly if
    # the permission ever disappears, since the article admin keys every release on it.
    EDITOR: (
        "newsroom.*",
        "newsroom.publish_article",
        "importers.view_importrun",
        # Home page curation: pinned slots and the breaking-news banner.
        "frontpage.*",
        # The image library, deleting included.
        "media.*",
    ),
    MODERATOR: (
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
        # Banned addresses send their future comments straight to spam.
        "comments.add_ban",
        "comments.change_ban",
        "comments.delete_ban",
        "comments.view_ban",
        "newsroom.view_article",
    ),
    # Every permission, users and groups included; still not a superuser.
    ADMINISTRATOR: ("*",),
}

# The demo's staff accounts: username → role. ``admin`` is also a superuser.
DEMO_ACCOUNTS: dict[str, str] = {
    "admin": ADMINISTRATOR,
    "editor": EDITOR,
    "reporter": REPORTER,
    "moderator": MODERATOR,
}
DEMO_SUPERUSERS = frozenset({"admin"})

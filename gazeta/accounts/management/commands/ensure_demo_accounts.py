import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gazeta.accounts.services import UnknownPermission, demo_accounts_ensure

ENV_VARIABLE = "GAZETA_DEMO_PASSWORD"
SAVED_IN = "demo-password.txt"


def demo_password(var_dir: Path) -> tuple[str, str]:
    """The demo password and where it came from: ``GAZETA_DEMO_PASSWORD`` when set, else the
    one saved in ``var_dir`` (generated and saved, owner-only, on the first run)."""
    from_env = os.environ.get(ENV_VARIABLE, "")
    if from_env:
        return from_env, ENV_VARIABLE
    path = var_dir / SAVED_IN
    saved = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    if not saved:
        var_dir.mkdir(parents=True, exist_ok=True)
        saved = secrets.token_urlsafe(12)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(saved + "\n")
    os.chmod(path, 0o600)
    return saved, str(path)


class Command(BaseCommand):
    help = (
        "Create or repair the staff groups (Reporter, Editor, Moderator, Administrator) and the "
        "demo users admin, editor, reporter and moderator. Safe to run again. The password is "
        f"${ENV_VARIABLE} when set, otherwise one generated once into "
        f"GAZETA_VAR_DIR/{SAVED_IN}."
    )

    def handle(self, *args, **options):
        password, origin = demo_password(Path(settings.VAR_DIR))
        try:
            rows = demo_accounts_ensure(password=password)
        except UnknownPermission as error:
            raise CommandError(f"{error} Run `manage.py migrate` first?") from error
        self.stdout.write(f"Demo accounts (password from {origin}):")
        for username, role, is_superuser in rows:
            note = f"{role}, superuser" if is_superuser else role
            self.stdout.write(f"  {username:<10} {password}   {note}")

"""Production settings, checked in a fresh process so ``gazeta.settings.prod`` is imported
with exactly the environment given here."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SECRET_NAMES = ("SECRET_KEY",)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in SECRET_NAMES
        and not k.startswith(("DJANGO_", "GAZETA_", "DATABASE_URL", "REDIS_URL", "DEBUG"))
    }
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "gazeta.settings.prod", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def secret_key() -> dict[str, str]:
    key = secrets.token_urlsafe(48)[:64]
    assert len(key) == 64
    return dict.fromkeys(SECRET_NAMES, key)


def test_check_deploy_is_clean_for_a_configured_production_site():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **secret_key(),
        ALLOWED_HOSTS="gazeta.example",
        DJANGO_SMTP_HOST="smtp.gazeta.example",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_with_only_a_secret_key_passes_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **secret_key())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("value", ["", "short-and-guessable"])
def test_production_refuses_to_start_without_a_real_secret_key(value):
    result = manage("check", **dict.fromkeys(SECRET_NAMES, value))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_when_the_secret_key_is_missing():
    result = manage("check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_works_on_a_fresh_checkout_without_a_var_folder(tmp_path):
    var = tmp_path / "fresh" / "var"

    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **secret_key(), GAZETA_VAR_DIR=str(var)
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert var.is_dir()

"""The README documents every environment variable the settings read."""

import re

from django.conf import settings

SETTINGS_DIR = settings.BASE_DIR / "gazeta" / "settings"
README = settings.BASE_DIR / "README.md"
ENV_READ = re.compile(r"""(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z0-9_]+)["']""")


def test_every_environment_variable_read_by_the_settings_is_in_the_readme():
    names = {
        name
        for path in SETTINGS_DIR.glob("*.py")
        for name in ENV_READ.findall(path.read_text(encoding="utf-8"))
    }
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "DEBUG"} <= names
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", README.read_text(encoding="utf-8"), re.M))
    assert names - documented == set()

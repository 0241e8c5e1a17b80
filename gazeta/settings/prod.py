"""Production: secrets and hosts come from the environment; HTTPS hardening is on unless
``GAZETA_HTTPS=0`` (the local demo on http://127.0.0.1 sets it)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONSOLE_MAILER, SECRET_KEY, SMTP_HOST, env_bool, smtp_mailer

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set (at least 50 characters) in production; "
        "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

DEBUG = env_bool("DEBUG", False)
HTTPS = env_bool("GAZETA_HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer / CDN answers health checks over plain HTTP on this path.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Production sends real mail (``check --deploy`` rejects the console backend). The local demo,
# which runs these settings on loopback, prints mail instead with GAZETA_CONSOLE_EMAIL=1.
MAILERS = {
    "default": CONSOLE_MAILER
    if env_bool("GAZETA_CONSOLE_EMAIL", False)
    else smtp_mailer(SMTP_HOST or "localhost")
}

"""Settings shared by every environment. Each value has a safe default; environment
variables are read here and only here (``DJANGO_*`` for Django's own, ``GAZETA_*`` for ours)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GAZETA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "gazeta.core",
    "gazeta.accounts",
    "gazeta.newsroom",
    "gazeta.comments",
    "gazeta.importers",
    "gazeta.media",
    "gazeta.frontpage",
    "gazeta.pagecache",
    "ninja",
    "simple_history",
    "django_tasks_db",
    "django_prose_editor",
]

MIDDLEWARE = [
    # Outermost: writes the final public response as a page file (docs/page-files.md).
    "gazeta.pagecache.middleware.PageFileMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gazeta.comments.middleware.PersonalisedPageMiddleware",
    # Records which staff member made each article revision.
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Background work (scheduled publishing, image renditions, notifications) is queued in the
# database and run by `manage.py db_worker` (see README, Production).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

ROOT_URLCONF = "gazeta.urls"
WSGI_APPLICATION = "gazeta.wsgi.application"
ASGI_APPLICATION = "gazeta.asgi.application"

# Readers' pages are Jinja2 templates (gazeta/jinja2/, <app>/jinja2/; see gazeta/core/jinja2.py),
# looked up first; the admin and emails keep Django's template language.
PUBLIC_CONTEXT_PROCESSORS = [
    "gazeta.core.context_processors.site",
    "gazeta.newsroom.context_processors.navigation",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "gazeta" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "gazeta.core.jinja2.environment",
            "context_processors": PUBLIC_CONTEXT_PROCESSORS,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gazeta" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                *PUBLIC_CONTEXT_PROCESSORS,
            ],
        },
    },
]


def database_config(url: str) -> dict:
    """One database from ``DATABASE_URL``; SQLite gets the options that keep concurrent
    writers from failing with "database is locked" (see README, Configuration)."""
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite creates the file, not its folder (var/ on a fresh checkout).
        if config["NAME"] and config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 5,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
            ),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Let psycopg keep server-side prepared statements; only core/prepared.py asks for
        # them (Django's own queries bind on the client and are never prepared). Off behind a
        # transaction-mode pooler that cannot keep them (PgBouncer before 1.21).
        prepared = env_bool("GAZETA_DB_PREPARED_STATEMENTS", True)
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 5 if prepared else None
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gazeta.sqlite3'}"
DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gazeta",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# One language per site (Romanian by default, English available): pages are cached and shared,
# so they never vary with a reader's browser language.
LANGUAGE_CODE = os.environ.get("GAZETA_LANGUAGE", "ro")
LANGUAGES = [("ro", _("Romanian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "gazeta" / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("GAZETA_TIME_ZONE", "Europe/Bucharest")
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
URLIZE_ASSUME_HTTPS = True
FORMAT_MODULE_PATH = ["gazeta.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "gazeta" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600
# Source maps (7.6 MB of the libraries' files, each kept twice: as named and hashed) are read
# only by browsers' developer tools: compressing them at brotli's best took two thirds of
# collectstatic, and so of the demo's start.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

SMTP_HOST = os.environ.get("DJANGO_SMTP_HOST", "")


def smtp_mailer(host: str) -> dict:
    """Mail through an SMTP server: STARTTLS on port 587 unless told otherwise."""
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": host,
            "port": int(os.environ.get("DJANGO_SMTP_PORT", "587")),
            "username": os.environ.get("DJANGO_SMTP_USER", ""),
            "password": os.environ.get("DJANGO_SMTP_PASSWORD", ""),
            "use_tls": env_bool("DJANGO_SMTP_TLS", True),
        },
    }


# Moderation notices and password resets: printed to the console unless an SMTP host is given.
CONSOLE_MAILER = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": smtp_mailer(SMTP_HOST) if SMTP_HOST else CONSOLE_MAILER}
DEFAULT_FROM_EMAIL = os.environ.get("GAZETA_FROM_EMAIL", "redactia@gazeta.invalid")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"gazeta": {"level": os.environ.get("GAZETA_LOG_LEVEL", "INFO")}},
}

# Revisions are restored through Gazeta's own view (a live article's restore becomes a
# pending version), not django-simple-history's revert form.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Gazeta's own settings.
GAZETA_SITE_NAME = os.environ.get("GAZETA_SITE_NAME", "Gazeta")
GAZETA_SITE_URL = os.environ.get("GAZETA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
GAZETA_DEFAULT_DESK = os.environ.get("GAZETA_DEFAULT_DESK", "Redacția Gazeta")
# Publisher logo in JSON-LD and the default social-sharing image: a static file path (a PNG
# of at least 112×112 px for Google) or an absolute URL.
GAZETA_PUBLISHER_LOGO = os.environ.get("GAZETA_PUBLISHER_LOGO", "img/gazeta-logo.png")
# Feeds carry the lead and wire credit; with full text on, also the whole article.
GAZETA_FEED_FULL_TEXT = env_bool("GAZETA_FEED_FULL_TEXT", False)
GAZETA_FEED_ITEM_COUNT = 30
GAZETA_SECTION_PAGE_SIZE = 20
# "Read also" looks for articles on the same topics published this many days either side of
# the article (keeps the article page's cost independent of the archive's size).
GAZETA_RELATED_WINDOW_DAYS = 30
# How long a secret preview link of an unpublished article works.
GAZETA_PREVIEW_LINK_HOURS = int(os.environ.get("GAZETA_PREVIEW_LINK_HOURS", "48"))
GAZETA_HOME_LATEST_COUNT = 8
GAZETA_HOME_SECTION_COUNT = 4
# Featured slots under the home page's top story (see gazeta/frontpage).
GAZETA_HOME_FEATURED_COUNT = 3
# Search: results per page; searches per minute per IP (0: no limit); the age in days at
# which an article's relevance counts half (see gazeta/newsroom/search.py).
GAZETA_SEARCH_PAGE_SIZE = 10
GAZETA_SEARCH_RATE_LIMIT = int(os.environ.get("GAZETA_SEARCH_RATE_LIMIT", "30"))
GAZETA_SEARCH_RECENCY_DAYS = 30
GAZETA_CACHE_BROWSER_MAX_AGE = int(os.environ.get("GAZETA_CACHE_BROWSER_MAX_AGE", "60"))
GAZETA_CACHE_SHARED_MAX_AGE = int(os.environ.get("GAZETA_CACHE_SHARED_MAX_AGE", "300"))
GAZETA_CACHE_STALE_WHILE_REVALIDATE = 60
GAZETA_CACHE_STALE_IF_ERROR = 86_400

# Page files ("static publishing", docs/page-files.md): public pages asked for by anonymous
# readers are written once as files (with .gz and .br twins) that nginx, or gazeta/wsgi.py in
# the one-command setup, serve without reaching Django; changes delete exactly the files that
# show them. Never with DEBUG on, so template edits show at once in development.
GAZETA_PAGE_FILES = env_bool("GAZETA_PAGE_FILES", True)
GAZETA_PAGE_FILES_DIR = Path(os.environ.get("GAZETA_PAGE_FILES_DIR", VAR_DIR / "pages"))
# Seconds after which a file is rendered again even without a change ("Most read", "Read
# also"); 0 keeps files until a change removes them. nginx: run `purge_page_files --older-than`.
GAZETA_PAGE_FILES_MAX_AGE = int(os.environ.get("GAZETA_PAGE_FILES_MAX_AGE", "900"))
# Query parameters that never change a page (campaign tags): such requests still use files.
GAZETA_PAGE_FILES_IGNORED_PARAMS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "fbclid",
    "gclid",
)
# Seconds a reader waits for another request rendering the same page before rendering it too.
GAZETA_PAGE_FILES_LOCK_WAIT = 5.0
# Page files served from memory by the embedded server, per worker process (bytes; only the
# encodings readers asked for: about 1,000 articles in brotli).
GAZETA_PAGE_FILES_MEMORY = 16 * 1024 * 1024
# Machines with their own page folders hear of purges on this Redis stream (empty: no Redis).
GAZETA_PAGE_PURGE_REDIS_URL = REDIS_URL
GAZETA_PAGE_PURGE_STREAM = "gazeta:page-purges"
# Optional CDN purge hook: purged absolute URLs are POSTed there as JSON by a background task.
GAZETA_CDN_PURGE_URL = os.environ.get("GAZETA_CDN_PURGE_URL", "")
GAZETA_CDN_PURGE_TOKEN = os.environ.get("GAZETA_CDN_PURGE_TOKEN", "")

# Reader comments. Defaults follow WordPress's discussion settings.
GAZETA_COMMENT_RATE_LIMITS = os.environ.get("GAZETA_COMMENT_RATE_LIMITS", "on").lower() != "off"
GAZETA_COMMENT_FLOOD_SECONDS = 15
GAZETA_COMMENT_HOURLY_LIMIT = 30
GAZETA_COMMENT_MIN_FILL_SECONDS = 3
GAZETA_COMMENT_MAX_LINKS = 2
GAZETA_COMMENT_MAX_DEPTH = int(os.environ.get("GAZETA_COMMENT_MAX_DEPTH", "5"))
GAZETA_COMMENT_HOLD_ALL = False
GAZETA_COMMENT_MODERATION_WORDS: list[str] = env_list("GAZETA_COMMENT_MODERATION_WORDS", [])
GAZETA_COMMENT_DISALLOWED_WORDS: list[str] = env_list("GAZETA_COMMENT_DISALLOWED_WORDS", [])
# Close comments automatically some days after publication (WordPress: off, 14 days when on).
GAZETA_COMMENTS_AUTO_CLOSE = env_bool("GAZETA_COMMENTS_AUTO_CLOSE", False)
GAZETA_COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("GAZETA_COMMENTS_CLOSE_AFTER_DAYS", "14"))
GAZETA_COMMENT_IP_RETENTION_DAYS = int(os.environ.get("GAZETA_COMMENT_IP_RETENTION_DAYS", "60"))
GAZETA_COMMENTER_COOKIE = "gazeta_commenter"
GAZETA_COMMENTER_COOKIE_DAYS = 365
# Request header (as in request.META) whose last entry is the reader's IP, set by the nearest
# proxy you run (nginx: X-Forwarded-For → "HTTP_X_FORWARDED_FOR"). Empty: use REMOTE_ADDR.
GAZETA_TRUSTED_PROXY_HEADER = os.environ.get("GAZETA_TRUSTED_PROXY_HEADER", "")

# Image library (gazeta/media). Uploads over these limits are refused; pixels are read from
# the file's header, before decoding, so a decompression bomb never reaches memory.
GAZETA_IMAGE_MAX_BYTES = 20 * 1024 * 1024
GAZETA_IMAGE_MAX_PIXELS = 40_000_000
GAZETA_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
GAZETA_IMAGE_JPEG_QUALITY = 90
# Renditions, made by the background worker: WebP at these widths (never wider than the
# original), and AVIF too when switched on (several times slower to encode).
GAZETA_IMAGE_RENDITION_WIDTHS = (320, 640, 960, 1280, 1600)
GAZETA_IMAGE_RENDITION_QUALITY = 80
GAZETA_IMAGE_AVIF = env_bool("GAZETA_IMAGE_AVIF", False)
# Serve uploads under MEDIA_URL from the app itself (the demo, a small site). Turn it off when
# nginx or a CDN serves GAZETA_VAR_DIR/media (see docs/media.md).
GAZETA_SERVE_MEDIA = env_bool("GAZETA_SERVE_MEDIA", True)

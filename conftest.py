import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls made around it
# are still synchronous and safe (pytest-django's live_server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

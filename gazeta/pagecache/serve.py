"""The embedded page-file server: a WSGI wrapper that answers anonymous GET/HEAD requests from
the page files before Django is reached, and hands everything else to Django.

The path for a hit is kept short on purpose (a few dictionary reads, one ``stat``, bytes from
memory once the page's encoding was read): it runs for every reader of a breaking story. See
docs/page-files.md.
"""

import os

from django.conf import settings

from . import fanout
from .files import PageStore
from .middleware import personal_cookie_names

_REASONS = {200: "200 OK", 304: "304 Not Modified"}


class PageFileServer:
    def __init__(
        self,
        app,
        *,
        root,
        max_age: int = 0,
        memory: int = 16 * 1024 * 1024,
        shared_max_age: int | None = None,
        personal_cookies=("sessionid",),
        ignored_params=(),
        https_only: bool = False,
        proxy_ssl_header: tuple[str, str] | None = None,
        on_fork=None,
    ):
        self.app = app
        self.store = PageStore(root, max_age=max_age, memory=memory, shared_max_age=shared_max_age)
        self.personal_cookies = frozenset(personal_cookies)
        self.ignored_params = frozenset(ignored_params)
        self.https_only = https_only
        self.proxy_ssl_header = proxy_ssl_header
        self.on_fork = on_fork
        self.pid = None
        self._cookie_verdicts: dict[str, bool] = {}

    def __call__(self, environ, start_response):
        if self.pid != os.getpid():
            self.pid = os.getpid()
            if self.on_fork is not None:
                self.on_fork()
        method = environ["REQUEST_METHOD"]
        if (
            (method == "GET" or method == "HEAD")
            and (not environ.get("QUERY_STRING") or self._ignorable(environ["QUERY_STRING"]))
            and (not environ.get("HTTP_COOKIE") or not self._personal(environ["HTTP_COOKIE"]))
            and (not self.https_only or self._secure(environ))
        ):
            page = self.store.lookup(environ.get("PATH_INFO") or "/")
            answer = page and page.answer(
                environ.get("HTTP_ACCEPT_ENCODING"),
                environ.get("HTTP_IF_NONE_MATCH"),
                environ.get("HTTP_IF_MODIFIED_SINCE"),
            )
            if answer:
                status, headers, body = answer
                start_response(_REASONS[status], headers)
                return [body] if method == "GET" else []
        return self.app(environ, start_response)

    def _ignorable(self, query: str) -> bool:
        ignored = self.ignored_params
        return all(not part or part.partition("=")[0] in ignored for part in query.split("&"))

    def _personal(self, header: str) -> bool:
        verdict = self._cookie_verdicts.get(header)
        if verdict is None:
            names = {part.partition("=")[0].strip() for part in header.split(";")}
            verdict = not names.isdisjoint(self.personal_cookies)
            if len(self._cookie_verdicts) > 1024:
                self._cookie_verdicts.clear()
            self._cookie_verdicts[header] = verdict
        return verdict

    def _secure(self, environ) -> bool:
        if environ.get("wsgi.url_scheme") == "https":
            return True
        if self.proxy_ssl_header:
            header, value = self.proxy_ssl_header
            return environ.get(header) == value
        return False


def with_page_files(app):
    """``app`` behind the page-file server when page files are on (and DEBUG off)."""
    from .purge import files_enabled

    if not files_enabled():
        return app
    # Files are per machine, so one listener per machine would do; starting one here and
    # one in each worker after a fork means no machine is ever left without.
    fanout.ensure_listener()
    return PageFileServer(
        app,
        root=settings.GAZETA_PAGE_FILES_DIR,
        max_age=settings.GAZETA_PAGE_FILES_MAX_AGE,
        memory=settings.GAZETA_PAGE_FILES_MEMORY,
        shared_max_age=settings.GAZETA_CACHE_SHARED_MAX_AGE,
        personal_cookies=personal_cookie_names(),
        ignored_params=settings.GAZETA_PAGE_FILES_IGNORED_PARAMS,
        https_only=settings.SECURE_SSL_REDIRECT,
        proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
        on_fork=fanout.ensure_listener,
    )

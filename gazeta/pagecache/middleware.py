"""Public pages on their way out: validators and 304s for every public page, and, with page
files on, the anonymous answer written as a file (once: concurrent readers of a missing page
wait for the one render instead of each rendering it)."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from . import files
from .dependencies import PAGE_URL_NAMES
from .purge import files_enabled

NEVER_SHARED = frozenset({"private", "no-store", "no-cache"})


def is_page(request) -> bool:
    """Whether the address is one of the public pages that may be stored (``PAGE_URL_NAMES``)."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.view_name in PAGE_URL_NAMES


def was_page(request) -> bool:
    """``is_page`` once Django has answered: the address it resolved (no second resolving)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in PAGE_URL_NAMES


def ignorable_query(query: str, ignored) -> bool:
    """True when the query string is empty or only carries parameters no page reads."""
    return all(not part or part.partition("=")[0] in ignored for part in query.split("&"))


def personal_cookie_names() -> tuple[str, ...]:
    """Cookies whose holder may see a page of their own: a logged-in session (staff toolbar,
    previews) and the commenter's remembered details."""
    return (settings.SESSION_COOKIE_NAME, settings.GAZETA_COMMENTER_COOKIE)


def served_from_files(request) -> bool:
    """Whether this request may get (and create) the shared file of its address."""
    if any(name in request.COOKIES for name in personal_cookie_names()):
        return False
    if not ignorable_query(
        request.META.get("QUERY_STRING", ""), settings.GAZETA_PAGE_FILES_IGNORED_PARAMS
    ):
        return False
    # Plain http while the site redirects to https: let SecurityMiddleware answer.
    return request.is_secure() or not settings.SECURE_SSL_REDIRECT


def cache_directives(response) -> set[str]:
    return {
        part.strip().partition("=")[0].lower()
        for part in response.get("Cache-Control", "").split(",")
        if part.strip()
    }


def is_public(response) -> bool:
    directives = cache_directives(response)
    return "public" in directives and not directives & NEVER_SHARED


def shared_lifetime(response) -> int | None:
    """Seconds a shared cache may keep the response (``s-maxage``, else ``max-age``)."""
    values = {}
    for part in response.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        values[name.lower()] = value
    for name in ("s-maxage", "max-age"):
        if name in values:
            try:
                return int(values[name])
            except ValueError:
                return 0
    return None


def is_storable(request, response) -> bool:
    """A response every anonymous reader may share: a public 200 for a GET, no cookie set, no
    Vary but on Accept-Encoding (or on Cookie when the request had none)."""
    if request.method != "GET" or response.cookies or response.has_header("Content-Encoding"):
        return False
    if shared_lifetime(response) == 0:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if "cookie" in vary and request.COOKIES:
        return False
    return not vary - {"accept-encoding", "cookie"}


def response_from_file(store: files.PageStore, request) -> HttpResponse | None:
    """The answer from the file of the request's address, or None when it has none."""
    page = store.lookup(request.path_info)
    answer = page and page.answer(
        request.META.get("HTTP_ACCEPT_ENCODING"),
        request.META.get("HTTP_IF_NONE_MATCH"),
        request.META.get("HTTP_IF_MODIFIED_SINCE"),
    )
    if not answer:
        return None
    status, headers, body = answer
    response = HttpResponse(body, status=status)
    del response.headers["Content-Type"]
    for name, value in headers:
        response.headers[name] = value
    return response


class PageFileMiddleware:
    """First in ``MIDDLEWARE``, so it sees the response exactly as it leaves Django (after the
    comments middleware made a reader's own page private, after the session set a cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.stores: dict[tuple, files.PageStore] = {}

    def store(self) -> files.PageStore:
        key = (
            str(settings.GAZETA_PAGE_FILES_DIR),
            settings.GAZETA_PAGE_FILES_MAX_AGE,
            settings.GAZETA_CACHE_SHARED_MAX_AGE,
        )
        store = self.stores.get(key)
        if store is None:
            store = files.PageStore(
                key[0],
                max_age=key[1],
                shared_max_age=key[2],
                memory=settings.GAZETA_PAGE_FILES_MEMORY,
            )
            self.stores = {key: store}
        return store

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not files_enabled() or not served_from_files(request):
            # Nothing to read before the view: which page it was is known after it.
            response = self.get_response(request)
            return self.finish(request, response) if was_page(request) else response
        if not is_page(request):
            return self.get_response(request)
        store = self.store()
        path = request.path_info
        if not store.names(path):
            return self.finish(request, self.get_response(request))
        response = response_from_file(store, request)
        if response is not None:
            return response
        lock = files.StripeLock(store.root, path)
        try:
            owner = lock.acquire()
        except OSError:  # the folder cannot be written: render as if files were off
            return self.render(request, store.root)
        if owner:
            try:
                response = response_from_file(store, request)
                if response is not None:
                    return response
                return self.render(request, store.root)
            finally:
                lock.release()
        # Someone renders this page (or one in its stripe) right now: wait, then read the file.
        lock.wait(settings.GAZETA_PAGE_FILES_LOCK_WAIT)
        response = response_from_file(store, request)
        if response is not None:
            return response
        return self.render(request, store.root)

    def render(self, request, root: str):
        marker = files.purge_marker(root, request.path_info)
        return self.finish(request, self.get_response(request), root=root, marker=marker)

    def finish(self, request, response, *, root: str | None = None, marker=None):
        """Validators for a public page (from its file when one was just written, else from
        the content and the render time) and a 304 when the reader's copy is current."""
        if response.status_code != 200 or response.streaming or not is_public(response):
            return response
        stat = None
        if root is not None and is_storable(request, response):
            stat = files.write(
                root,
                request.path_info,
                response.content,
                list(response.items()),
                content_type=response.get("Content-Type", ""),
                marker=marker,
            )
        if stat is not None:
            response.headers["ETag"] = files.nginx_etag(stat)
            response.headers["Last-Modified"] = http_date(int(stat.st_mtime))
        else:
            if not response.has_header("ETag"):
                set_response_etag(response)
            if not response.has_header("Last-Modified"):
                response.headers["Last-Modified"] = http_date()
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )

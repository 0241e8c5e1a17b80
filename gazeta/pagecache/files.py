"""Page files on disk: where the file of a public address lives, writing it atomically with its
``.gz`` and ``.br`` twins and its headers, reading it back for serving, and deleting it.

Layout under the page folder (``GAZETA_PAGE_FILES_DIR``), the same that nginx reads:

- an address ending in ``/`` is stored as ``<address>index.<ext>``, the extension naming the
  content type (``html``, ``rss``, ``atom``): ``/sport/`` → ``sport/index.html``,
  ``/feed/atom/`` → ``feed/atom/index.atom``;
- ``/sitemap.xml``, ``/sitemap/news.xml``, ``/robots.txt`` are stored under their own name;
- each file has ``.gz`` and ``.br`` twins and a ``.headers`` file (JSON) with the headers the
  page was rendered with, for the embedded server;
- ``.state/00`` … ``.state/ff`` are stripe files: renders of addresses in one stripe take turns
  on its ``flock``, and every purge appends a byte to it, so a render that started before the
  purge can tell that its result is stale and must not be written.
"""

import fcntl
import gzip
import hashlib
import json
import logging
import os
import re
import secrets
import threading
import time
from contextlib import suppress

import brotli
from django.utils.http import http_date

logger = logging.getLogger(__name__)

# Content types as Django sends them → file extensions. deploy/nginx/gazeta.conf maps them back
# (its `types` block): keep both in step.
EXTENSIONS = {
    "text/html;charset=utf-8": "html",
    "application/rss+xml;charset=utf-8": "rss",
    "application/atom+xml;charset=utf-8": "atom",
    "application/xml": "xml",
    "text/plain": "txt",
}
INDEX_EXTENSIONS = ("html", "rss", "atom")
NAMED_EXTENSIONS = ("xml", "txt")
SIBLINGS = (".br", ".gz", ".headers")
STATE_DIR = ".state"
STRIPES = 256
# Quality 9 compresses a 70 KB article in a few milliseconds; 11 costs ten times more for 5%.
BROTLI_QUALITY = 9
# Plain ASCII segments that never start with a dot: no "..", no hidden or temporary files.
_SEGMENT = r"[A-Za-z0-9_~-][A-Za-z0-9_.~-]{0,199}"
SAFE_PATH = re.compile(rf"/(?:{_SEGMENT}/){{0,16}}(?:{_SEGMENT})?\Z")
# Headers about one transfer rather than the page: worked out again whenever a file is served.
TRANSFER_HEADERS = frozenset(
    {
        "connection",
        "content-encoding",
        "content-length",
        "date",
        "etag",
        "last-modified",
        "server",
        "set-cookie",
        "transfer-encoding",
        "vary",
        "x-gazeta-page",
    }
)


def extension_for(content_type: str) -> str | None:
    return EXTENSIONS.get(content_type.replace(" ", "").lower())


def file_names(root: str, path: str) -> tuple[str, ...]:
    """The files that may hold the page at ``path``, in the order they are looked for; empty
    for an address that is never stored."""
    if not SAFE_PATH.match(path):
        return ()
    if path.endswith("/"):
        return tuple(f"{root}{path}index.{ext}" for ext in INDEX_EXTENSIONS)
    last = path.rpartition("/")[2]
    if last.rpartition(".")[2] in NAMED_EXTENSIONS and "." in last:
        return (f"{root}{path}",)
    return ()


def file_name_for(root: str, path: str, content_type: str) -> str | None:
    """The file that stores the page at ``path`` with ``content_type``, or None when such a page
    is not stored (an unknown type, or a name whose extension says another type)."""
    ext = extension_for(content_type)
    names = file_names(root, path)
    if ext is None or not names:
        return None
    if path.endswith("/"):
        return names[INDEX_EXTENSIONS.index(ext)] if ext in INDEX_EXTENSIONS else None
    return names[0] if names[0].endswith("." + ext) else None


# Stripes: one file per 1/256 of the addresses, for the render lock and the purge marker.


def stripe_name(root: str, path: str) -> str:
    number = hashlib.blake2b(path.encode(), digest_size=1).digest()[0]
    return f"{root}/{STATE_DIR}/{number:02x}"


def _open_stripe(name: str) -> int:
    try:
        return os.open(name, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(name), mode=0o755, exist_ok=True)
        return os.open(name, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)


def purge_marker(root: str, path: str) -> tuple[int, int]:
    """Changes whenever the address's stripe sees a purge (its size grows by a byte)."""
    try:
        st = os.stat(stripe_name(root, path))
    except FileNotFoundError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


def _mark_purged(name: str) -> None:
    fd = _open_stripe(name)
    try:
        # Appending works on every file system, whatever its timestamp granularity; a stripe
        # grows by one byte per purge of its addresses (a few KB in a busy year).
        os.write(fd, b".")
    finally:
        os.close(fd)


class StripeLock:
    """An exclusive ``flock`` on the address's stripe, shared by threads and processes on
    one machine: the holder renders the page; the others wait and then read its file."""

    def __init__(self, root: str, path: str):
        self.name = stripe_name(root, path)
        self.fd = None

    def acquire(self) -> bool:
        fd = _open_stripe(self.name)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the lock
            self.fd = None

    def wait(self, timeout: float) -> bool:
        """Wait until nobody holds the lock (without taking it); False after ``timeout``."""
        deadline = time.monotonic() + timeout
        pause = 0.002
        while True:
            if self.acquire():
                self.release()
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


# Writing and deleting.


def _write_atomically(name: str, data: bytes) -> None:
    directory, base = os.path.split(name)
    temporary = f"{directory}/.{base}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.fchmod(fd, 0o644)  # readable by nginx's user whatever the umask
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    try:
        os.replace(temporary, name)
    except OSError:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _remove(name: str) -> bool:
    removed = False
    for target in (name, *(name + suffix for suffix in SIBLINGS)):
        try:
            os.unlink(target)
        except FileNotFoundError:
            continue
        removed = removed or target == name
    return removed


def write(
    root: str,
    path: str,
    body: bytes,
    headers: list[tuple[str, str]],
    *,
    content_type: str,
    marker: tuple[int, int],
) -> os.stat_result | None:
    """Store the page at ``path``: twins and headers first, the page itself last (each by
    rename), so whoever finds the page finds it whole. Nothing is kept when a purge of the
    address happened since ``marker`` was read (the render may show the old state).
    Returns the page file's stat, or None when nothing was stored."""
    name = file_name_for(root, path, content_type)
    if name is None:
        return None
    kept = [(k, v) for k, v in headers if k.lower() not in TRANSFER_HEADERS]
    pieces = (
        (name + ".headers", json.dumps(kept).encode()),
        (name + ".br", brotli.compress(body, quality=BROTLI_QUALITY)),
        (name + ".gz", gzip.compress(body, 9, mtime=0)),
        (name, body),
    )
    if purge_marker(root, path) != marker:
        return None
    try:
        os.makedirs(os.path.dirname(name), mode=0o755, exist_ok=True)
        for target, data in pieces:
            _write_atomically(target, data)
        stat = os.stat(name)
    except OSError:
        logger.warning("Page file for %s not written", path, exc_info=True)
        return None
    # A purge that came while the files were being written: they may be stale, drop them.
    if purge_marker(root, path) != marker:
        _remove(name)
        return None
    return stat


def delete(root: str, paths) -> int:
    """Delete the files of ``paths`` (every content type, twins and headers). Each address's
    stripe is marked first, so a render already under way does not write the old state back.
    Returns how many pages had a file."""
    removed = 0
    for path in paths:
        names = file_names(root, path)
        if not names:
            continue
        try:
            _mark_purged(stripe_name(root, path))
            removed += sum(_remove(name) for name in names)
        except OSError:
            logger.warning("Page files for %s not deleted", path, exc_info=True)
    return removed


def delete_all(root: str, *, older_than: float | None = None) -> int:
    """Delete every page file, or with ``older_than`` (seconds) those written longer ago.
    Returns how many pages were deleted."""
    if older_than is None:
        for number in range(STRIPES):
            with suppress(OSError):
                _mark_purged(f"{root}/{STATE_DIR}/{number:02x}")
    cutoff = time.time() - older_than if older_than is not None else None
    removed = 0
    for directory, subdirs, files in os.walk(root):
        if directory == root and STATE_DIR in subdirs:
            subdirs.remove(STATE_DIR)
        for base in files:
            name = f"{directory}/{base}"
            if base.endswith(SIBLINGS):
                # A twin whose page is gone (an interrupted write) goes with a full sweep.
                if cutoff is None and not os.path.exists(name.rpartition(".")[0]):
                    with suppress(FileNotFoundError):
                        os.unlink(name)
                continue
            if base.startswith("."):
                continue  # a write in progress
            try:
                if cutoff is not None and os.stat(name).st_mtime >= cutoff:
                    continue
                removed += _remove(name)
            except OSError:
                continue
    return removed


# Reading, for the servers.


def _accepted_codings(header: str) -> frozenset:
    codings, refused, star = set(), set(), False
    for part in header.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name == "x-gzip":
            name = "gzip"
        if name == "*":
            star = quality > 0
        elif quality > 0:
            codings.add(name)
        else:
            refused.add(name)
    if star:
        codings |= {"br", "gzip"} - refused
    return frozenset(codings & {"br", "gzip"})


_codings_cache: dict[str, frozenset] = {}


def accepted_codings(header: str) -> frozenset:
    """``br`` and/or ``gzip`` when the Accept-Encoding header allows them (cached: browsers
    send a handful of distinct values)."""
    codings = _codings_cache.get(header)
    if codings is None:
        codings = _accepted_codings(header)
        if len(_codings_cache) > 256:
            _codings_cache.clear()
        _codings_cache[header] = codings
    return codings


def nginx_etag(stat: os.stat_result) -> str:
    """The ETag nginx gives a static file, so both servers agree about the same file."""
    return f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'


class Variant:
    __slots__ = ("coding", "body", "etag", "ok_headers", "not_modified_headers")

    def __init__(self, coding, body, etag, stored, last_modified):
        self.coding = coding
        self.body = body
        self.etag = etag
        common = [
            ("ETag", etag),
            ("Last-Modified", last_modified),
            ("Vary", "Accept-Encoding"),
            ("X-Gazeta-Page", "file"),
        ]
        self.ok_headers = [*stored, *common, ("Content-Length", str(len(body)))]
        if coding:
            self.ok_headers.append(("Content-Encoding", coding))
        cache_control = [(k, v) for k, v in stored if k.lower() == "cache-control"]
        self.not_modified_headers = [*cache_control, *common]


# Memory a page holds besides its bodies (headers, objects), for the store's budget.
PAGE_OVERHEAD = 2048


class PageFile:
    """One page as stored: its headers, and its body in each encoding, read from the file the
    first time a reader asks for that encoding. Browsers take brotli, so most pages hold only
    their brotli twin in memory; the identity body is read for clients that accept nothing."""

    __slots__ = ("name", "key", "last_modified", "stored", "expires", "variants", "size", "grown")

    def __init__(self, name, stat, stored, expires=None):
        self.name = name
        self.key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        self.last_modified = http_date(int(stat.st_mtime))
        self.stored = stored
        self.expires = expires  # a lifetime the page asked for itself (see read_page)
        self.variants: dict[str | None, Variant | None] = {}  # None: no usable twin
        self.size = PAGE_OVERHEAD  # about the memory it holds: grows with each body read
        self.grown = None  # the store's accounting, called with each body's size

    def variant(self, coding: str | None) -> Variant | None:
        try:
            return self.variants[coding]
        except KeyError:
            pass
        variant = self._read_variant(coding)
        if variant is None and coding is None:
            return None  # the page changed or went since it was found: not remembered
        if self.variants.setdefault(coding, variant) is variant and variant is not None:
            if self.grown is None:
                self.size += len(variant.body)
            else:
                self.grown(self, len(variant.body))
        return self.variants[coding]

    def _read_variant(self, coding: str | None) -> Variant | None:
        suffix = {"br": ".br", "gzip": ".gz", None: ""}[coding]
        try:
            data, stat = _read(self.name + suffix)
        except OSError:
            return None
        if coding is None:
            if (stat.st_ino, stat.st_mtime_ns, stat.st_size) != self.key:
                return None
        # A twin newer than the page belongs to a write still under way: not this page.
        elif stat.st_mtime_ns > self.key[1] or len(data) >= self.key[2]:
            return None
        return Variant(coding, data, nginx_etag(stat), self.stored, self.last_modified)

    def pick(self, accept_encoding: str | None) -> Variant | None:
        """The variant for this reader (brotli, else gzip, else identity), or None when the
        page's file is gone since the page was found."""
        if accept_encoding:
            codings = accepted_codings(accept_encoding)
            for coding in ("br", "gzip"):
                if coding in codings:
                    variant = self.variant(coding)
                    if variant is not None:
                        return variant
        return self.variant(None)

    def answer(self, accept_encoding, if_none_match, if_modified_since):
        """``(status, headers, body)`` for a GET: 304 when the reader's copy is current
        (If-None-Match first; If-Modified-Since must match exactly, as with nginx). None when
        the file went in the meantime: the caller goes on as after a miss."""
        variant = self.pick(accept_encoding)
        if variant is None:
            return None
        if if_none_match is not None:
            if if_none_match.strip() == "*" or variant.etag in _etags(if_none_match):
                return 304, variant.not_modified_headers, b""
        elif if_modified_since is not None and if_modified_since == self.last_modified:
            return 304, variant.not_modified_headers, b""
        return 200, variant.ok_headers, variant.body


def _etags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",")]


def _read(name: str) -> tuple[bytes, os.stat_result]:
    with open(name, "rb") as f:
        return f.read(), os.fstat(f.fileno())


def _shared_lifetime(headers) -> int | None:
    for name, value in headers:
        if name.lower() == "cache-control":
            for part in value.split(","):
                key, _, seconds = part.strip().partition("=")
                if key.lower() == "s-maxage" and seconds.isdigit():
                    return int(seconds)
    return None


def read_page(
    name: str, *, shared_max_age: int | None = None, stat: os.stat_result | None = None
) -> PageFile | None:
    """The page stored in ``name`` (``stat`` is the file's, when the caller has it), or None
    when it is gone or has no headers. Its bodies are read when first asked for.

    A page that asked shared caches to keep it less than ``shared_max_age`` (the home page
    before a pin or banner ends) expires after that time, even without a purge."""
    try:
        if stat is None:
            stat = os.stat(name)
        stored = [tuple(pair) for pair in json.loads(_read(name + ".headers")[0])]
    except (OSError, ValueError):
        return None
    lifetime = _shared_lifetime(stored)
    expires = None
    if shared_max_age is not None and lifetime is not None and lifetime < shared_max_age:
        expires = stat.st_mtime + lifetime
    return PageFile(name, stat, stored, expires)


class PageStore:
    """Finds the current file of an address, keeping recently served pages in memory (checked
    against the file's inode, time and size on every request, so a purge is seen at once).
    At most ``memory`` bytes are kept, oldest pages dropped first; a page whose bodies would
    take more than an eighth of that is read from its file on every request instead."""

    def __init__(
        self,
        root,
        *,
        max_age: int = 0,
        memory: int = 16 * 1024 * 1024,
        shared_max_age: int | None = None,
    ):
        self.root = str(root).rstrip("/")
        self.max_age = max_age
        self.shared_max_age = shared_max_age
        self.memory = memory
        self._names: dict[str, tuple[str, ...]] = {}
        self._pages: dict[str, PageFile] = {}
        self._used = 0
        self._lock = threading.Lock()

    @property
    def used(self) -> int:
        """Bytes the kept pages hold (about)."""
        return self._used

    def names(self, path: str) -> tuple[str, ...]:
        names = self._names.get(path)
        if names is None:
            names = file_names(self.root, path)
            if len(self._names) > 10_000:
                self._names.clear()
            self._names[path] = names
        return names

    def lookup(self, path: str) -> PageFile | None:
        for name in self.names(path):
            try:
                stat = os.stat(name)
            except OSError:
                if name in self._pages:
                    self._forget(name)
                continue
            now = time.time()
            if self.max_age and stat.st_mtime < now - self.max_age:
                return None
            page = self._pages.get(name)
            if page is None or page.key != (stat.st_ino, stat.st_mtime_ns, stat.st_size):
                page = read_page(name, shared_max_age=self.shared_max_age, stat=stat)
                if page is None:
                    return None
                self._keep(name, page)
            if page.expires is not None and now >= page.expires:
                return None
            return page
        return None

    def _forget(self, name: str) -> None:
        with self._lock:
            old = self._pages.pop(name, None)
            if old is not None:
                self._used -= old.size

    def _keep(self, name: str, page: PageFile) -> None:
        page.grown = self._grown
        with self._lock:
            old = self._pages.pop(name, None)
            if old is not None:
                self._used -= old.size
            self._pages[name] = page
            self._used += page.size
            self._trim()

    def _grown(self, page: PageFile, size: int) -> None:
        with self._lock:
            page.size += size
            if self._pages.get(page.name) is not page:
                return  # dropped meanwhile: its reader still holds it, the store does not
            self._used += size
            if page.size - PAGE_OVERHEAD > self.memory // 8:
                del self._pages[page.name]
                self._used -= page.size
            self._trim()

    def _trim(self) -> None:
        while self._pages and self._used > self.memory:
            oldest = next(iter(self._pages))
            self._used -= self._pages.pop(oldest).size

"""Purges across machines that each keep their own page folder.

A purge made on one machine is appended to a Redis stream (``GAZETA_PAGE_PURGE_STREAM`` on
``GAZETA_PAGE_PURGE_REDIS_URL``, which defaults to ``REDIS_URL``). Every app process started
through ``gazeta/wsgi.py`` reads the stream in a background thread and deletes the same files
from its own folder. A stream rather than pub/sub: a reader that lost its connection for a
moment carries on from the last entry it saw instead of missing purges.

Processes that share a folder (one machine, or several on shared storage) share a random id
kept in the folder and skip purges they made themselves.
"""

import json
import logging
import os
import secrets
import threading

from django.conf import settings

from . import files

logger = logging.getLogger(__name__)

MAX_ENTRIES = 10_000
BLOCK_MILLISECONDS = 1000

_clients: dict[str, object] = {}


def _client(url: str):
    import redis

    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        _clients[url] = client
    return client


def folder_id(root: str) -> str:
    """The id of the page folder ``root``, made on first use."""
    name = f"{root}/{files.STATE_DIR}/id"
    try:
        with open(name) as f:
            value = f.read().strip()
        if value:
            return value
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(name), mode=0o755, exist_ok=True)
    temporary = f"{name}.{secrets.token_hex(6)}.tmp"
    with open(temporary, "w") as f:
        f.write(secrets.token_hex(8))
    try:
        os.link(temporary, name)  # only the first process's id is kept
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)
    with open(name) as f:
        return f.read().strip()


def enabled() -> bool:
    from .purge import files_enabled

    return bool(settings.GAZETA_PAGE_PURGE_REDIS_URL) and files_enabled()


def publish(paths: list[str], *, sweep: bool = False) -> None:
    """Tell the other machines to delete the files of ``paths`` (all files with ``sweep``).
    A Redis failure is logged: files here are already gone, the others keep theirs until
    their max age."""
    if not enabled() or not (paths or sweep):
        return
    root = str(settings.GAZETA_PAGE_FILES_DIR)
    try:
        _client(settings.GAZETA_PAGE_PURGE_REDIS_URL).xadd(
            settings.GAZETA_PAGE_PURGE_STREAM,
            {"from": folder_id(root), "paths": json.dumps(paths), "sweep": "1" if sweep else "0"},
            maxlen=MAX_ENTRIES,
            approximate=True,
        )
    except Exception:
        logger.warning("Page purge not published to the other machines", exc_info=True)


class PurgeListener(threading.Thread):
    """Reads the purge stream and deletes the named files from this machine's folder."""

    def __init__(self, *, url: str, stream: str, root: str):
        super().__init__(name="gazeta-page-purges", daemon=True)
        self.url, self.stream, self.root = url, stream, root
        self.folder = folder_id(root)
        self.position = None
        self.pid = os.getpid()
        self.ready = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        import redis

        client = None
        failing = False
        while not self.stopping.is_set():
            try:
                if client is None:
                    client = redis.Redis.from_url(
                        self.url, socket_timeout=BLOCK_MILLISECONDS / 1000 + 5
                    )
                if self.position is None:
                    last = client.xrevrange(self.stream, count=1)
                    self.position = last[0][0] if last else b"0-0"
                    self.ready.set()
                answer = client.xread(
                    {self.stream: self.position}, block=BLOCK_MILLISECONDS, count=500
                )
                if failing:
                    logger.warning("Page purge stream reachable again")
                    failing = False
                for _stream, entries in answer or ():
                    for entry_id, fields in entries:
                        self.position = entry_id
                        self.handle(fields)
            except Exception:
                # Once per outage, not once a second.
                if not failing:
                    logger.warning("Page purge stream unavailable; retrying", exc_info=True)
                failing = True
                client = None
                self.stopping.wait(1)

    def handle(self, fields: dict) -> None:
        if fields.get(b"from", b"").decode() == self.folder:
            return
        try:
            paths = json.loads(fields.get(b"paths", b"[]"))
        except ValueError:
            return
        files.delete(self.root, [p for p in paths if isinstance(p, str)])
        if fields.get(b"sweep") == b"1":
            files.delete_all(self.root)

    def stop(self) -> None:
        self.stopping.set()


_listener: PurgeListener | None = None
_starting = threading.Lock()


def ensure_listener() -> PurgeListener | None:
    """Start this process's listener once (again after a fork), when fan-out is on."""
    global _listener
    if _listener is not None and _listener.pid == os.getpid() and _listener.is_alive():
        return _listener
    if not enabled():
        return None
    with _starting:
        if _listener is None or _listener.pid != os.getpid() or not _listener.is_alive():
            _listener = PurgeListener(
                url=settings.GAZETA_PAGE_PURGE_REDIS_URL,
                stream=settings.GAZETA_PAGE_PURGE_STREAM,
                root=str(settings.GAZETA_PAGE_FILES_DIR),
            )
            _listener.start()
    return _listener

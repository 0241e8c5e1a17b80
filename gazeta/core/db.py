"""Database helpers that do not belong to any one app."""

import threading
from contextlib import contextmanager

from django.db import OperationalError, connection

_sqlite_writer = threading.Lock()


@contextmanager
def one_sqlite_writer_per_process(*, timeout: float = 10.0):
    """SQLite takes one writer at a time and its busy handler polls instead of queueing, so
    dozens of threads waiting on it starve each other past the busy timeout. Writers of one
    process wait their turn on a lock here instead; only one per process polls SQLite.
    Does nothing on other databases. Raises ``OperationalError`` when the turn never comes."""
    if connection.vendor != "sqlite":
        yield
        return
    if not _sqlite_writer.acquire(timeout=timeout):
        raise OperationalError("database is busy: no write slot in time")
    try:
        yield
    finally:
        _sqlite_writer.release()

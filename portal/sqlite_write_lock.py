"""Writers to one SQLite file take turns through a lock file, so the next one starts the moment the last commits.

SQLite lets one connection write at a time. A writer that finds the database locked waits in SQLite's busy
handler, which sleeps 1, 2, 5, 10 … 100 ms between tries: under load, workers sleep while the database is
free, and a full submit ran at a quarter of the bare app's rate on two cores with half the CPU idle
(issue 13). Before a connection starts to write (its first INSERT, UPDATE, DELETE or an explicit BEGIN) it
takes an exclusive `flock` on `<database>-writers`; the kernel hands it to the next waiter when it is
released, right after the commit or rollback. A process killed mid-transaction drops the lock with its file
descriptors, as SQLite drops its own.

Readers never take it (WAL lets them read while one writes), PostgreSQL never sees it, and an in-memory
database has no file to lock. Each thread keeps its own descriptor (a `flock` is held per open file, so
threads and forked workers exclude one another); a thread already writing through another connection does not
wait for itself: that connection falls back to SQLite's busy handler, as before."""
from __future__ import annotations

import fcntl
import os
import threading
from sqlite3 import Connection as SQLiteConnection

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

_STARTS_A_WRITE = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN")
_local = threading.local()


def lock_path(database: str | None) -> str | None:
    """The lock file beside a file database; None for an in-memory one."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return database + "-writers"


def _descriptor(path: str) -> int:
    held = getattr(_local, "files", None)
    if held is None or getattr(_local, "pid", None) != os.getpid():
        # A forked worker must not share its parent's open file (nor its lock): open its own.
        held = _local.files = {}
        _local.pid = os.getpid()
    fd = held.get(path)
    if fd is None:
        fd = held[path] = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    return fd


def _holder():
    holder = getattr(_local, "holder", None)
    if holder is not None and getattr(_local, "pid", None) != os.getpid():
        _local.holder = holder = None
    return holder


def _still_writing(connection: SQLiteConnection) -> bool:
    try:
        return connection.in_transaction
    except Exception:  # closed: its transaction is over  # noqa: BLE001
        return False


def release(force_for=None) -> None:
    """Lets the next writer in once this thread's writing connection has committed or rolled back (or, given
    `force_for`, when that connection is being thrown away)."""
    holder = _holder()
    if holder is None or (holder[0] is not force_for and _still_writing(holder[0])):
        return
    _local.holder = None
    fcntl.flock(holder[1], fcntl.LOCK_UN)


def _acquire(dbapi_connection: SQLiteConnection, path: str) -> None:
    release()
    if _holder() is not None:
        return  # this thread writes through another connection already: waiting here would wait for itself
    fd = _descriptor(path)
    fcntl.flock(fd, fcntl.LOCK_EX)
    _local.holder = (dbapi_connection, fd)


@event.listens_for(Engine, "before_cursor_execute")
def _before_write(connection, cursor, statement, _parameters, _context, _executemany):
    dbapi_connection = cursor.connection
    if not isinstance(dbapi_connection, SQLiteConnection) or dbapi_connection.in_transaction:
        return
    if not statement.lstrip()[:7].upper().startswith(_STARTS_A_WRITE):
        return
    path = lock_path(connection.engine.url.database)
    if path is not None:
        _acquire(dbapi_connection, path)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _after_session_transaction(_session):
    release()


@event.listens_for(Pool, "checkin")
def _after_checkin(_dbapi_connection, _record):
    release()


@event.listens_for(Pool, "invalidate")
def _after_invalidate(dbapi_connection, _record, _exception):
    release(force_for=dbapi_connection)

"""portal/sqlite_write_lock.py: SQLite writers take turns through a lock file, held from the first write to
the commit or rollback; readers never take it."""
import fcntl
import os
import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from portal import sqlite_write_lock


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}")

    @event.listens_for(engine, "connect")
    def _short_busy_timeout(dbapi_connection, _record):
        # After the portal's own pragmas (10 s): SQLite's busy handler gives up in 0.3 s here, so a writer
        # that waits longer than that waits on the lock file, not in SQLite.
        dbapi_connection.execute("PRAGMA busy_timeout=300")

    with engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 300
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)"))
    yield engine
    engine.dispose()


def lock_file(engine):
    return sqlite_write_lock.lock_path(engine.url.database)


def taken(engine) -> bool:
    """Whether some connection holds the writers' lock (tried from a descriptor of our own)."""
    fd = os.open(lock_file(engine), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def test_held_from_the_first_write_to_the_commit(engine):
    with Session(engine) as session:
        session.execute(text("SELECT count(*) FROM t")).scalar()
        assert not taken(engine)  # reading takes nothing
        session.execute(text("INSERT INTO t (who) VALUES ('a')"))
        assert taken(engine)
        session.commit()
        assert not taken(engine)


def test_a_rollback_releases_it(engine):
    with Session(engine) as session:
        session.execute(text("INSERT INTO t (who) VALUES ('a')"))
        assert taken(engine)
        session.rollback()
    assert not taken(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 0


def test_a_connection_back_in_the_pool_has_released_it(engine):
    with engine.connect() as connection:
        connection.execute(text("INSERT INTO t (who) VALUES ('a')"))
        assert taken(engine)
    assert not taken(engine)  # closed without a commit: rolled back and released


def test_a_second_writer_waits_for_the_commit_instead_of_failing(engine):
    """With SQLite's busy handler alone (0.3 s here) the second writer would give up: it waits on the lock."""
    order, first_wrote = [], threading.Event()

    def second():
        first_wrote.wait(5)
        with Session(engine) as session:
            session.execute(text("INSERT INTO t (who) VALUES ('second')"))
            order.append("second wrote")
            session.commit()

    worker = threading.Thread(target=second)
    worker.start()
    with Session(engine) as session:
        session.execute(text("INSERT INTO t (who) VALUES ('first')"))
        first_wrote.set()
        worker.join(1.0)  # three times SQLite's own timeout: the second is still waiting
        assert worker.is_alive() and order == []
        order.append("first committed")
        session.commit()
    worker.join(10)
    assert order == ["first committed", "second wrote"]
    with engine.connect() as connection:
        assert [row[0] for row in connection.execute(text("SELECT who FROM t ORDER BY id"))] == ["first", "second"]


def test_a_thread_writing_twice_at_once_does_not_wait_for_itself(engine):
    """Two connections of one thread: the second falls back to SQLite's busy handler, which refuses in 0.3 s
    (instead of the thread waiting for its own lock forever)."""
    with Session(engine) as outer, Session(engine) as inner:
        outer.execute(text("INSERT INTO t (who) VALUES ('outer')"))
        with pytest.raises(Exception) as refused:
            inner.execute(text("INSERT INTO t (who) VALUES ('inner')"))
        assert isinstance(refused.value.orig, sqlite3.OperationalError)
        inner.rollback()
        assert taken(engine)  # still the outer transaction's
        outer.commit()
    assert not taken(engine)


def test_an_in_memory_database_has_no_lock_file():
    assert sqlite_write_lock.lock_path(":memory:") is None
    assert sqlite_write_lock.lock_path("") is None
    assert sqlite_write_lock.lock_path("/srv/portal.db") == "/srv/portal.db-writers"

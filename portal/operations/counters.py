"""Gap-free sequences that survive concurrent requests on SQLite and PostgreSQL."""
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Counter

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def next_value(scope: str) -> int:
    """Increments and returns the counter named `scope`, inside the caller's transaction.

    The UPDATE takes the row's lock and returns the new value (one statement on the hot path): two
    transactions never read the same value. A missing row is created first (ON CONFLICT DO NOTHING, so two
    creators do not collide) and the UPDATE runs again. No autoflush: the caller's pending changes (an event
    being built, say) are flushed when the caller decides."""
    table = Counter.__table__
    session = db.session
    increment = update(table).where(table.c.scope == scope).values(value=table.c.value + 1).returning(table.c.value)
    with session.no_autoflush:
        value = session.execute(increment).scalar()
        if value is None:
            insert = _INSERTS[session.get_bind().dialect.name]
            session.execute(insert(table).values(scope=scope, value=0).on_conflict_do_nothing(
                index_elements=["scope"]))
            value = session.execute(increment).scalar_one()
        return value


def current_value(scope: str) -> int:
    """The counter's last value (0 before its first use), read without a lock: what next_value() will most
    likely return minus one, for slow work worth doing before the lock is taken (documents/issue.py)."""
    table = Counter.__table__
    return db.session.execute(select(table.c.value).where(table.c.scope == scope)).scalar() or 0

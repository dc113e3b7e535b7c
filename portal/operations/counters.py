"""Gap-free sequences that survive concurrent requests on SQLite and PostgreSQL."""
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Counter

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def next_value(scope: str) -> int:
    """Increments and returns the counter named `scope`, inside the caller's transaction.

    The row is created if missing (ON CONFLICT DO NOTHING, so two creators do not collide), then the UPDATE
    takes its row lock: two transactions never read the same value. No autoflush: the caller's pending
    changes (an event being built, say) are flushed when the caller decides."""
    table = Counter.__table__
    session = db.session
    with session.no_autoflush:
        insert = _INSERTS[session.get_bind().dialect.name]
        session.execute(insert(table).values(scope=scope, value=0).on_conflict_do_nothing(
            index_elements=["scope"]))
        session.execute(update(table).where(table.c.scope == scope).values(value=table.c.value + 1))
        return session.execute(select(table.c.value).where(table.c.scope == scope)).scalar_one()


def current_value(scope: str) -> int:
    """The counter's last value (0 before its first use), read without a lock: what next_value() will most
    likely return minus one, for slow work worth doing before the lock is taken (documents/issue.py)."""
    table = Counter.__table__
    return db.session.execute(select(table.c.value).where(table.c.scope == scope)).scalar() or 0

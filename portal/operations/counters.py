"""Gap-free sequences that survive concurrent requests on SQLite and PostgreSQL."""
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Counter


def next_value(scope: str) -> int:
    """Increments and returns the counter named `scope`, inside the caller's transaction.

    The UPDATE takes the row lock first, so two transactions never read the same value; a missing row is
    created (a concurrent creator makes our INSERT fail on the primary key, and we retry the UPDATE)."""
    session = db.session
    for _ in range(3):
        result = session.execute(
            update(Counter).where(Counter.scope == scope).values(value=Counter.value + 1)
            .execution_options(synchronize_session=False))
        if result.rowcount:
            return session.execute(select(Counter.value).where(Counter.scope == scope)).scalar_one()
        try:
            with session.begin_nested():
                session.execute(insert(Counter).values(scope=scope, value=1))
            return 1
        except IntegrityError:  # someone created it between our UPDATE and INSERT
            continue
    raise RuntimeError(f"counter {scope!r} could not be incremented")

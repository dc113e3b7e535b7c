"""A savepoint taken before the request's first write must not commit on its own (SQLite's driver would)."""
import sqlalchemy as sa
from sqlalchemy import select

from portal.models import Counter
from portal.savepoints import savepoint


def test_a_released_savepoint_is_undone_by_the_outer_rollback(app, db):
    db.session.remove()
    with savepoint(db.session):
        db.session.add(Counter(scope="savepoint-test", value=1))
    db.session.rollback()
    assert db.session.execute(select(Counter).where(Counter.scope == "savepoint-test")).first() is None


def test_a_released_savepoint_commits_with_the_outer_transaction(app, db):
    db.session.remove()
    with savepoint(db.session):
        db.session.add(Counter(scope="savepoint-test", value=2))
    db.session.commit()
    assert db.session.execute(select(Counter.value).where(Counter.scope == "savepoint-test")).scalar() == 2


def test_tests_run_with_foreign_keys_enforced(app, db):
    if db.engine.dialect.name != "sqlite":
        return
    assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1

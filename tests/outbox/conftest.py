from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.outbox import destinations
from tests.outbox.receiver import Receiver


@pytest.fixture
def receiver(app, monkeypatch):
    """A real HTTP receiver; the test destinations post to it."""
    from tests.live_server import serve
    inbox = Receiver()
    with serve(inbox) as base:
        monkeypatch.setenv(destinations.URL_ENV, base)
        yield inbox


@pytest.fixture(autouse=True)
def _local_destination_reset():
    destinations.delivered.clear()
    destinations.failing_keys.clear()
    destinations.refused_keys.clear()
    yield


def rows(db, name=None):
    from portal.outbox.models import OutboxMessage
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if name:
        query = query.where(OutboxMessage.destination == name)
    return list(db.session.execute(query).scalars())


def make_due(db):
    """Time passes: every pending message's next attempt is now due (and every lease has run out)."""
    from portal.outbox.models import OutboxMessage
    from portal.timeutil import utcnow
    past = utcnow() - timedelta(seconds=1)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.state == "pending")
                       .values(next_attempt_at=past))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.claimed_until.is_not(None))
                       .values(claimed_until=past))
    db.session.commit()


def outbox_log(caplog):
    return [r for r in caplog.records if r.name == "portal.outbox"]

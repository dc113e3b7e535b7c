"""The national portal delivering the same application twice at once (its retry crossing the first delivery):
one application, and both deliveries get the same answer. On PostgreSQL the second insert meets the national
code's unique index, rolls back to its savepoint and answers with the first one's application."""
import logging
import threading

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.models import Application, Attachment
from portal.national.inbound_models import NationalSubmission
from tests.national.inbound_support import message, post

RACERS = 4


def _count(db, model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.postgres
def test_the_same_message_delivered_at_once_makes_one_application(app, db, demo, caplog):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgresql://…): SQLite serialises writers")
    body = message(app, demo)
    barrier = threading.Barrier(RACERS)
    answers, failures = [], []

    def deliver():
        try:
            racer = FlaskClient(app)
            with app.app_context():
                barrier.wait(timeout=10)
                answers.append(post(racer, app, body))
        except Exception as error:  # noqa: BLE001  (reported below, with the others)
            failures.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(RACERS)]
    with caplog.at_level(logging.INFO, logger="portal.national.inbound"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures
    db.session.expire_all()
    assert sorted(r.status_code for r in answers) == [200] * (RACERS - 1) + [201], [r.get_json() for r in answers]
    assert len({r.get_data() for r in answers}) == 1  # the same answer, byte for byte
    assert _count(db, Application) == 1 and _count(db, NationalSubmission) == 1
    application = db.session.execute(select(Application)).scalar_one()
    assert _count(db, Attachment) == len(application.attachments)
    # Each loser says which way it found the winner: at its look-up, or at the unique index.
    found = [r.getMessage() for r in caplog.records if r.name == "portal.national.inbound"
             and ("created concurrently" in r.getMessage() or "same message again" in r.getMessage())]
    assert len(found) >= RACERS - 1

"""Documents are rendered and signed before the number counter's row lock is taken, with the number the counter
will most likely give. Receivers refusing at the same unit at the same moment all expect the same number;
each later one to take the lock gets the next, and its letter must print that number, not the one it expected
(PostgreSQL: real concurrent transactions). Refusals, because a receipt also takes the register's serial
number, another counter, before it is rendered."""
import threading

import pytest

from tests.documents.conftest import pdf_text
from tests.factories import make_application
from tests.operations.helpers import COMMUNE_SERVICE

TH = "tam-hong"
RACERS = 3


def _refuse(app, application_id, receiver_id, barrier, errors):
    from portal.extensions import db
    from portal.models import Application, User
    from portal.operations.transitions import fire
    with app.test_request_context():
        try:
            receiver = db.session.get(User, receiver_id)
            application = db.session.get(Application, application_id)
            _ = (list(application.events), list(application.documents), application.service_version.online_level)
            barrier.wait(timeout=30)
            fire(application, "refuse", receiver, note="Hồ sơ không thuộc thẩm quyền.",
                 inputs={"legal_basis": "Điều 9 Nghị định 118/2025/NĐ-CP"})
            db.session.commit()
        except Exception as exc:  # reported by the test, with what went wrong
            db.session.rollback()
            errors.append(repr(exc))
        finally:
            db.session.remove()


@pytest.mark.postgres
def test_concurrent_letters_print_the_number_they_were_given(app, db, demo, pki):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgresql://…): SQLite serialises writers")
    from portal.documents.issue import read_document
    from portal.models import Document
    with app.test_request_context():
        applications = [make_application(db, demo.citizen, COMMUNE_SERVICE, TH) for _ in range(RACERS)]
    ids, receiver_id = [a.id for a in applications], demo.staff("receiver", TH).id
    db.session.commit()
    db.session.remove()
    barrier, errors = threading.Barrier(RACERS), []
    threads = [threading.Thread(target=_refuse, args=(app, i, receiver_id, barrier, errors)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    letters = db.session.query(Document).filter(Document.kind == "refusal").all()
    numbers = sorted(d.number for d in letters)
    assert [n.split("/")[0] for n in numbers] == [f"{i:02d}" for i in range(1, RACERS + 1)]  # gap-free, unique
    for letter in letters:
        assert f"Số: {letter.number}" in pdf_text(read_document(letter)), letter.number

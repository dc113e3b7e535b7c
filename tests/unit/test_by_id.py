"""`by_id` answers what `Session.get` answers: the row, None for an unknown id, the object already in the
session (no SQL), and an application with its joined files read as one object holding all of them."""
from sqlalchemy import event
from sqlalchemy.orm import joinedload

from portal.by_id import by_id
from portal.models import Application, Attachment, User
from tests.factories import make_application, pdf_bytes

WITH_FILES = (joinedload(Application.attachments),)  # a joined collection: one row per file


def _count_statements(db, run) -> int:
    seen = []

    def count(*args):
        seen.append(args[2])
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_it_answers_as_session_get(app, db, demo):
    application = make_application(db, demo.citizen)
    for n in range(2):  # two more files: the joined query has three rows for the one application
        db.session.add(Attachment(application_id=application.id, document_key=f"extra_{n}", filename="x.pdf",
                                  stored_name=f"x{n}.pdf", content_type="application/pdf", size=len(pdf_bytes()),
                                  sha256="0" * 64))
    db.session.commit()
    ids = (application.id, demo.citizen.id)
    db.session.expunge_all()

    found = by_id(Application, ids[0], WITH_FILES)
    expected = sorted(a.id for a in db.session.scalars(
        db.select(Attachment).where(Attachment.application_id == ids[0])))
    assert isinstance(found, Application) and found.id == ids[0]
    assert sorted(a.id for a in found.attachments) == expected and len(expected) >= 3
    assert by_id(Application, 10 ** 9) is None and db.session.get(Application, 10 ** 9) is None
    assert by_id(User, ids[1]) is db.session.get(User, ids[1])

    def again():
        assert by_id(Application, ids[0], WITH_FILES) is found
    assert _count_statements(db, again) == 0  # in the session already: no SQL

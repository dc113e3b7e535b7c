"""An application with a few events of history, and development keys for the proof."""
import pytest

from tests.factories import make_application


@pytest.fixture
def history(app, db, demo):
    """A submitted application that the desk then moved on: at least three events."""
    from portal.models import Event
    from portal.operations import Invalid
    from portal.operations.transitions import available_actions, fire
    application = make_application(db, demo.citizen)
    people = [demo.staff(role, "tam-hong") for role in ("receiver", "handler", "receiver", "handler")]
    for person in people:  # the first step each person can take with just a note
        for action in [t.action for t in available_actions(application, person)]:
            try:
                fire(application, action, person, note=f"Ghi chú cho {action}.")
            except Invalid:
                db.session.rollback()
                continue
            db.session.commit()
            break
    events = db.session.query(Event).filter_by(application_id=application.id).order_by(Event.id).all()
    assert len(events) >= 3, [e.action for e in events]
    return application


@pytest.fixture
def pki(app):
    from portal.documents import keys
    from portal.documents.pki import UnitIdentity, init_dev
    from portal.operations.seed import UNITS
    init_dev(app.config["PKI_DIR"], [UnitIdentity(slug, name) for slug, _code, name, *_rest in UNITS])
    keys.forget()
    return app.config["PKI_DIR"]

"""Two officers fire on the same version at the same moment: exactly one wins, the other gets Conflict (409),
and the loser leaves no trace (one event, one version step)."""
from sqlalchemy import func, select

from tests.factories import make_application
from tests.operations.helpers import COMMUNE_SERVICE, Api, event_count, fresh, staff
from tests.operations.races import add_staff, race

TH = "tam-hong"


def _processing(client, db, demo):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    Api(client, db).ok(staff("receiver", TH), application, "accept")
    return fresh(db, application)


def test_two_handlers_submit_the_same_version_exactly_one_wins(app, client, db, demo):
    application = _processing(client, db, demo)
    second = add_staff(db, demo, "handler", TH, "handler2.tam-hong@demo.vn")
    first = demo.staff("handler", TH)
    version, events = application.version, event_count(db, application)
    outcomes = race(app, application.id, [(first.id, lambda s: "submit_for_approval"),
                                          (second.id, lambda s: "submit_for_approval")])
    assert sorted(o.result for o in outcomes) == ["Conflict", "ok"], outcomes
    loser = next(o for o in outcomes if o.result == "Conflict")
    from portal.operations.transitions import STALE_MESSAGE
    assert loser.detail == STALE_MESSAGE
    after = fresh(db, application)
    assert after.state == "awaiting_approval"
    assert after.version == version + 1
    assert event_count(db, application) == events + 1
    winner = next(o for o in outcomes if o.result == "ok")
    assert after.events[-1].actor_id == winner.user_id


def test_different_actions_on_the_same_version_exactly_one_wins(app, client, db, demo):
    """A handler submits for approval while another asks the citizen for a supplement."""
    application = _processing(client, db, demo)
    other = add_staff(db, demo, "handler", TH, "handler2.tam-hong@demo.vn")
    outcomes = race(app, application.id, [
        (demo.staff("handler", TH).id, lambda s: "submit_for_approval"),
        (other.id, lambda s: "return_to_handler" if s == "awaiting_approval" else "request_supplement")])
    assert sorted(o.result for o in outcomes) == ["Conflict", "ok"], outcomes
    from portal.models import Event
    after = fresh(db, application)
    winner = next(o for o in outcomes if o.result == "ok")
    assert after.state == {"submit_for_approval": "awaiting_approval",
                           "request_supplement": "supplement_requested"}[winner.action]
    actions = db.session.scalars(select(Event.action).where(Event.application_id == application.id)).all()
    assert actions.count(winner.action) == 1
    assert db.session.scalar(select(func.count()).select_from(Event).where(
        Event.application_id == application.id, Event.action == next(
            o.action for o in outcomes if o.result == "Conflict"))) == 0


def test_the_race_harness_on_this_database(app, client, db, demo):
    """A short run of the PostgreSQL test's harness (test_races_pg.py) on whatever database this is."""
    from tests.operations.test_races_pg import check_no_update_lost
    outcomes = check_no_update_lost(app, client, db, demo, rounds=12, seed=7)
    assert len(outcomes) > 12

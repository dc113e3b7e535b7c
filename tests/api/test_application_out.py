"""The whole application as the API answers it: read as rows for GET (portal/api/application_out.py), from the
ORM row after a change. Both must give the same document, in the shape and formats of `ApplicationOut`."""
from sqlalchemy import update

from portal.api.schemas import ApplicationOut
from portal.extensions import db as _db
from tests.factories import make_application
from tests.operations.helpers import COMMUNE_SERVICE, Api, fresh, staff

TH = "tam-hong"


def _through_the_desk(client, db, demo):
    """A submitted application accepted at the desk (its receipt issued, the clock started) and given a
    handler: events by the citizen and the desk, a document, a due date and a handler's name."""
    api = Api(client, db)
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    api.ok(staff("receiver", TH), application, "accept")
    handler = demo.staff("handler", TH)
    changed = api.ok(staff("leader", TH), application, "assign", handler=handler.id)
    return api, fresh(db, application), changed


def test_the_read_gives_what_the_change_answered(client, db, demo):
    api, application, changed = _through_the_desk(client, db, demo)
    read = client.get(f"/api/v1/applications/{application.id}", headers=api.headers(staff("leader", TH)))
    assert read.status_code == 200
    assert read.get_json() == changed
    assert changed["handler"] == demo.staff("handler", TH).full_name
    assert [e["action"] for e in changed["events"]][-2:] == ["submit", "accept"]
    assert changed["events"][-1]["unit"] == TH and changed["events"][-1]["actor"]
    assert changed["documents"] and changed["due_date"] and changed["received_at"]
    assert changed["state_label"] != changed["state"]  # the workflow's label, not its state's name


def test_the_document_is_in_the_contract_s_shape_and_formats(client, db, demo):
    api, application, _ = _through_the_desk(client, db, demo)
    body = client.get(f"/api/v1/applications/{application.id}", headers=api.headers("citizen@demo.vn")).get_json()
    schema = ApplicationOut()
    # load() refuses a field the schema does not name and a date it cannot read; dump() writes what
    # marshmallow would have written from the values.
    assert schema.dump(schema.load(body)) == body


def test_a_posted_result_and_a_desk_typed_applicant_are_shown(app, client, db, demo):
    api, application, _ = _through_the_desk(client, db, demo)
    db.session.execute(update(type(application)).where(type(application).id == application.id).values(
        applicant_name="Trần Thị Bình", delivery={"method": "post", "address": "Thôn Đông, xã Tam Hồng",
                                                  "phone": "0912345678", "requested_at": "2026-12-01T08:00:00"}))
    db.session.commit()
    body = client.get(f"/api/v1/applications/{application.id}", headers=api.headers("citizen@demo.vn")).get_json()
    assert body["applicant"]["full_name"] == "Trần Thị Bình"
    assert body["applicant"]["national_id"] == demo.citizen.national_id  # from the account, as before
    assert body["delivery"] == {"method": "post", "address": "Thôn Đông, xã Tam Hồng", "phone": "0912345678",
                                "requested_at": "2026-12-01T08:00:00"}


def test_who_may_read_it(client, db, demo):
    """Checked on the rows, as on the ORM row elsewhere: the applicant, the unit that has it, a unit that handled
    it before it moved on; not another citizen, nor another unit's staff."""
    api, application, _ = _through_the_desk(client, db, demo)
    url = f"/api/v1/applications/{application.id}"
    assert client.get(url, headers=api.headers("citizen@demo.vn")).status_code == 200
    assert client.get(url, headers=api.headers(staff("handler", TH))).status_code == 200
    other = client.get(url, headers=api.headers("citizen2@demo.vn"))
    assert other.status_code == 404 and other.mimetype == "application/problem+json"
    assert client.get(url, headers=api.headers(staff("receiver", "dong-van"))).status_code == 404

    # Moved on to another unit: the unit that accepted and assigned it still follows it through its events.
    from portal.models import Unit
    elsewhere = demo.unit("dong-van")
    db.session.execute(update(type(application)).where(type(application).id == application.id)
                       .values(current_unit_id=elsewhere.id, unit_id=elsewhere.id))
    db.session.commit()
    assert db.session.get(Unit, elsewhere.id) is not None
    assert client.get(url, headers=api.headers(staff("handler", TH))).status_code == 200
    assert client.get(url, headers=api.headers(staff("receiver", "dong-van"))).status_code == 200
    assert client.get("/api/v1/applications/999999", headers=api.headers("citizen@demo.vn")).status_code == 404


def test_a_version_this_process_has_not_parsed_is_read_for_its_label(app, client, db, demo):
    from portal import workflows_registry
    api, application, _ = _through_the_desk(client, db, demo)
    url = f"/api/v1/applications/{application.id}"
    before = client.get(url, headers=api.headers("citizen@demo.vn")).get_json()["state_label"]
    app.extensions.pop(workflows_registry._PINNED, None)
    app.extensions.pop(workflows_registry._CURRENT, None)
    assert client.get(url, headers=api.headers("citizen@demo.vn")).get_json()["state_label"] == before
    assert fresh(_db, application).workflow_version_id is not None


def test_an_ended_session_or_a_closed_account_reads_nothing(client, db, demo):
    """The read checks the token against the account's row (not its ORM object): a session ended since (a
    password change, "sign out everywhere") or a closed account gets 401, as on every other call."""
    from portal.auth.loaders import new_session_token
    from portal.models import User
    api, application, _ = _through_the_desk(client, db, demo)
    url = f"/api/v1/applications/{application.id}"
    headers = api.headers("citizen@demo.vn")
    db.session.execute(update(User).where(User.id == demo.citizen.id).values(session_token=new_session_token()))
    db.session.commit()
    ended = client.get(url, headers=headers)
    assert ended.status_code == 401 and ended.headers["WWW-Authenticate"].startswith("Bearer")

    receiver = api.headers(staff("receiver", TH))
    assert client.get(url, headers=receiver).status_code == 200
    db.session.execute(update(User).where(User.email == staff("receiver", TH)).values(active=False))
    db.session.commit()
    assert client.get(url, headers=receiver).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer not-a-token"}).status_code == 401

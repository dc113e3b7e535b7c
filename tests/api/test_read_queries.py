"""GET /api/v1/applications/<id>: the events (which grow with every step) are read in a query of their own, not
joined with the files: joined, an application with 6 files and 11 events came back as 66 rows."""
from portal.extensions import db
from tests.factories import api_token, make_application, seed_everything
from tests.operations.helpers import Statements


def test_the_history_is_not_multiplied_by_the_files(app, client):
    demo = seed_everything(app, db)
    application = make_application(db, demo.citizen)  # submitted, with every listed document attached
    headers = api_token(client, demo.citizen.email)
    with Statements() as statements:
        answer = client.get(f"/api/v1/applications/{application.id}", headers=headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["attachments"] and body["events"]
    joined = [s for s in statements.seen if "attachments" in s and "events" in s and s.startswith("SELECT")]
    assert joined == []
    assert len(statements.reading("events")) == 1  # and in one query, not one per event

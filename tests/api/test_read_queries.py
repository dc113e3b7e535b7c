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


def test_a_read_asks_for_documents_only_when_there_are_some(app, client):
    """Submitted and not yet accepted, an application has no issued document: its read is three queries and
    the principal's, not five. Once the receipt is issued, the documents are read and shown."""
    from tests.operations.helpers import Api, staff
    demo = seed_everything(app, db)
    application = make_application(db, demo.citizen)
    headers, url = api_token(client, demo.citizen.email), f"/api/v1/applications/{application.id}"
    with Statements() as statements:
        answer = client.get(url, headers=headers)
    assert answer.status_code == 200 and answer.get_json()["documents"] == []
    assert [s for s in statements.seen if s.startswith("SELECT") and "FROM documents" in s
            and "EXISTS" not in s] == []
    assert [s.split()[1].split(".")[0] for s in statements.seen if s.startswith("SELECT")] == [
        "users", "applications", "attachments", "events"]

    Api(client, db).ok(staff("receiver", "tam-hong"), application, "accept")
    with Statements() as statements:
        answer = client.get(url, headers=headers)
    assert [d["kind"] for d in answer.get_json()["documents"]] == ["receipt"]
    assert len([s for s in statements.seen if s.startswith("SELECT documents.")]) == 1

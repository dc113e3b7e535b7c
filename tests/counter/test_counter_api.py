"""Walk-in intake through the API: a receiver enters an application for a person without (or with) an
account; scans are digitised; submission receives it at once and issues form 01 (DESIGN §7)."""
import io

from pypdf import PdfReader
from sqlalchemy import func, select

from portal.models import Application, Attachment, Event, User
from tests.counter.helpers import desk, scan, start, walk_in
from tests.factories import api_token


def test_receiver_enters_a_walk_in_application_for_a_person_without_account(client, demo, db):
    headers = desk(client)
    out = walk_in(client, headers)
    assert out["channel"] == "counter"
    assert out["state"] == "processing"  # received at once: the clock runs, form 01 is issued
    assert out["code"].startswith(demo.unit("tam-hong").code + "-")
    assert out["due_date"] is not None
    assert out["applicant"] == {"full_name": "Lê Thị Hoa", "national_id": "026195004321",
                                "phone": "0912345679", "has_account": False}

    application = db.session.get(Application, out["id"])
    assert application.applicant_id is None and application.applicant_phone == "0912345679"
    receiver = demo.staff("receiver", "tam-hong")
    (attachment,) = application.attachments
    assert attachment.digitised_by_id == receiver.id and attachment.digitised_at is not None
    assert attachment.checked_against_original is True

    submit_event = next(e for e in application.events if e.action == "submit")
    assert submit_event.actor_id == receiver.id and submit_event.role == "receiver"
    assert submit_event.details["entered_by"] == {"user_id": receiver.id, "name": receiver.full_name}
    assert submit_event.details["on_behalf_of"] == {"user_id": None, "name": "Lê Thị Hoa",
                                                    "national_id": "026195004321"}
    assert [e.action for e in application.events] == ["submit", "accept"]

    receipt = next(d for d in out["documents"] if d["kind"] == "receipt")
    pdf = client.get(f"/api/v1/documents/{receipt['id']}", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert out["code"] in text and "Lê Thị Hoa" in text
    assert "Tra cứu" in text and "/tra-cuu" in text  # the lookup instruction for the person


def test_the_public_lookup_finds_it_with_the_phone_given_at_the_desk(client, demo):
    out = walk_in(client, desk(client))
    found = client.get(f"/api/v1/lookup?code={out['code']}&phone=5679")
    assert found.status_code == 200 and found.get_json()["state"] == "processing"


def test_a_person_with_an_account_sees_it_in_my_applications(client, demo, db):
    citizen = demo.citizen
    person = {"full_name": citizen.full_name, "national_id": citizen.national_id, "phone": citizen.phone}
    out = walk_in(client, desk(client), person)
    assert out["applicant"]["has_account"] is True
    assert db.session.get(Application, out["id"]).applicant_id == citizen.id
    mine = client.get("/api/v1/applications", headers=api_token(client, "citizen@demo.vn")).get_json()
    assert [a["code"] for a in mine] == [out["code"]]
    other = client.get("/api/v1/applications", headers=api_token(client, "citizen2@demo.vn")).get_json()
    assert other == []
    page = client.get("/api/v1/applications/%d" % out["id"], headers=api_token(client, "citizen2@demo.vn"))
    assert page.status_code == 404


def test_a_scan_not_checked_against_the_original_says_so(client, demo, db):
    headers = desk(client)
    application_id = start(client, headers).get_json()["id"]
    response = scan(client, headers, application_id, checked=False)
    assert response.status_code == 201
    assert response.get_json()["checked_against_original"] is False
    assert response.get_json()["digitised_at"] is not None


def test_the_draft_is_the_desk_s_own_until_submitted(client, demo):
    headers = desk(client)
    application_id = start(client, headers).get_json()["id"]
    assert client.get(f"/api/v1/applications/{application_id}", headers=headers).status_code == 200
    # Another desk, a handler of the same unit and a citizen find nothing.
    for email in ("receiver.dong-van@demo.vn", "citizen@demo.vn"):
        other = api_token(client, email)
        assert client.get(f"/api/v1/applications/{application_id}", headers=other).status_code == 404
        assert scan(client, other, application_id).status_code == 404
        assert client.post(f"/api/v1/applications/{application_id}/submit", headers=other).status_code == 404


def test_submitting_without_the_required_scan_is_refused_with_nothing_changed(client, demo, db):
    headers = desk(client)
    application_id = start(client, headers).get_json()["id"]
    response = client.post(f"/api/v1/applications/{application_id}/submit", headers=headers)
    assert response.status_code == 422
    assert "documents.birth_notice" in response.get_json()["errors"]
    application = db.session.get(Application, application_id)
    assert application.state == "draft" and application.code is None
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_unit_defaults_to_the_receiver_s_own(client, demo, db):
    response = start(client, desk(client), unit="tam-hong")
    assert response.status_code == 201
    assert db.session.get(Application, response.get_json()["id"]).unit.slug == "tam-hong"


def test_no_placeholder_account_is_made(client, demo, db):
    before = db.session.scalar(select(func.count()).select_from(User))
    walk_in(client, desk(client))
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_a_receiver_of_a_district_enters_a_district_service_only_where_received(client, demo):
    # The birth registration is received at communes: a district desk cannot take it.
    response = start(client, desk(client, "yen-lac"))
    assert response.status_code == 422
    assert "unit" in response.get_json()["errors"]

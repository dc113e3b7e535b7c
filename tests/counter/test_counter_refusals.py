"""Point 6: who may use the counter, and bad input. A citizen gets 403; a receiver works only for their own
unit; a wrong identification number, an empty name or a phone that is not a Vietnamese mobile is a field
error (problem+json `errors` by field); a refusal keeps no row and no file; another unit's counter
applications are 404."""
import pytest
from sqlalchemy import func, select

from portal.models import Application, Attachment
from tests.counter.helpers import PERSON, desk, scan, start, stored_files, walk_in
from tests.factories import api_token, png_bytes


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("email", ["citizen@demo.vn", "handler.tam-hong@demo.vn", "leader.tam-hong@demo.vn"])
def test_only_receivers_enter_walk_in_applications(client, demo, db, email):
    response = start(client, api_token(client, email))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert _count(db, Application) == 0


def test_a_receiver_only_for_their_own_unit(client, demo, db):
    response = start(client, desk(client), unit="dong-van")
    assert response.status_code == 403
    assert _count(db, Application) == 0


@pytest.mark.parametrize("field, value", [
    ("national_id", "02619500432"),         # 11 digits
    ("national_id", "0261950043210"),       # 13 digits
    ("national_id", "097195004321"),        # province code 097 does not exist
    ("national_id", "000195004321"),        # nor 000
    ("national_id", "٠٢٦١٩٥٠٠٤٣٢١"),        # Arabic-Indic digits are not ASCII digits
    ("national_id", "02619500432a"),
    ("national_id", 26195004321),           # a number, not a string
    ("full_name", "   "),
    ("full_name", ""),
    ("phone", "0212345678"),                # a landline prefix
    ("phone", "091234567"),                 # 9 digits
    ("phone", "+8491234567"),               # +84 and 8 digits
    ("phone", "09123456789"),               # 11 digits
    ("phone", "abc"),
])
def test_bad_person_data_is_a_field_error_and_nothing_is_kept(client, demo, db, field, value):
    response = start(client, desk(client), applicant={**PERSON, field: value})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert list(errors) == [f"applicant.{field}"]
    assert _count(db, Application) == 0


def test_missing_applicant_fields_are_each_named(client, demo):
    response = start(client, desk(client), applicant={})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"applicant.full_name", "applicant.national_id",
                                                  "applicant.phone"}


@pytest.mark.parametrize("phone", ["0912 345 679", "0912.345.679", "+84912345679", "+84 912 345 679"])
def test_phones_with_spaces_dots_or_plus_84_are_stored_clean(client, demo, db, phone):
    response = start(client, desk(client), applicant={**PERSON, "phone": phone})
    assert response.status_code == 201
    assert db.session.get(Application, response.get_json()["id"]).applicant_phone == "0912345679"


def test_a_refused_scan_leaves_no_row_and_no_file(client, demo, db, app):
    headers = desk(client)
    application_id = start(client, headers).get_json()["id"]
    before = stored_files(app)
    response = scan(client, headers, application_id, data=b"MZ\x90\x00 not a scan")
    assert response.status_code in (415, 422)
    assert response.mimetype == "application/problem+json"
    assert _count(db, Attachment) == 0 and stored_files(app) == before


def test_an_image_scan_is_accepted(client, demo, db):
    headers = desk(client)
    application_id = start(client, headers).get_json()["id"]
    response = scan(client, headers, application_id, data=png_bytes())
    assert response.status_code == 201 and response.get_json()["content_type"] == "image/png"


def test_counter_applications_of_another_unit_are_invisible(client, demo):
    out = walk_in(client, desk(client))
    other = desk(client, "dong-van")
    assert client.get(f"/api/v1/applications/{out['id']}", headers=other).status_code == 404
    assert client.get(f"/api/v1/applications/{out['id']}/actions", headers=other).status_code == 404
    listed = client.get("/api/v1/applications", headers=other).get_json()
    assert out["id"] not in [a["id"] for a in listed]
    assert client.get(f"/api/v1/applications/{out['id']}", headers=desk(client)).status_code == 200


def test_a_submitted_counter_application_cannot_be_submitted_again(client, demo):
    headers = desk(client)
    out = walk_in(client, headers)
    again = client.post(f"/api/v1/applications/{out['id']}/submit", headers=headers)
    assert again.status_code == 422 and again.get_json()["code"] == "not_draft"
    assert client.get(f"/api/v1/applications/{out['id']}", headers=headers).get_json()["state"] == "processing"


def test_a_citizen_cannot_submit_for_another_person(client, demo, db):
    citizen = api_token(client, "citizen@demo.vn")
    response = client.post("/api/v1/applications", headers=citizen, json={
        "service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": {}, "applicant": PERSON})
    assert response.status_code == 403
    assert _count(db, Application) == 0

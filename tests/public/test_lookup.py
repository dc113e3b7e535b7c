"""The public lookup: code + last four phone digits -> state, due date and a timeline without personal data;
misses look alike; the page takes GET links and CSRF-protected POSTs; the API answers problem+json."""
import hmac
import json

import pytest

from portal.formatting import vn_date_long
from portal.operations.transitions import fire
from tests.factories import csrf_token_from, make_application, post_form

UNIT = "tam-hong"
PRIVATE_NOTE = "Thiếu bản sao CCCD của bà Nguyễn Thị Hoa, số 026190001234"


@pytest.fixture
def accepted(db, demo):
    application = make_application(db, demo.citizen)
    fire(application, "accept", demo.staff("receiver", UNIT))
    db.session.commit()
    return application


def digits_of(application):
    return application.applicant_phone[-4:]


def personal_values(application):
    """Everything about the person that must never appear in a public answer."""
    applicant = application.applicant
    values = {applicant.full_name, applicant.email, applicant.phone, applicant.national_id, applicant.address,
              application.applicant_phone, PRIVATE_NOTE}
    values |= {str(v) for v in (application.data or {}).values() if isinstance(v, str) and len(v) >= 4}
    return {v for v in values if v}


def test_the_api_gives_state_due_date_and_timeline_only(client, db, demo, accepted):
    fire(accepted, "request_supplement", demo.staff("handler", UNIT), note=PRIVATE_NOTE)
    db.session.commit()
    answer = client.get(f"/api/v1/lookup?code={accepted.code}&phone={digits_of(accepted)}")
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"code", "service", "unit", "state", "state_label", "due_date", "finished",
                         "submitted_at", "timeline"}
    assert body["code"] == accepted.code
    assert (body["state"], body["state_label"]) == ("supplement_requested", "Chờ bổ sung")
    assert body["due_date"] == accepted.due_date.isoformat()
    assert [(s["action"], s["action_label"], s["state_label"]) for s in body["timeline"]] == [
        ("submit", "Nộp hồ sơ", "Đã nộp"), ("accept", "Tiếp nhận hồ sơ", "Đang xử lý"),
        ("request_supplement", "Yêu cầu bổ sung hồ sơ", "Chờ bổ sung")]
    assert {s["unit"] for s in body["timeline"]} == {"Ủy ban nhân dân xã Tam Hồng"}
    step_keys = {"action", "action_label", "state", "state_label", "unit", "at"}
    assert all(set(s) == step_keys for s in body["timeline"])
    text = json.dumps(body, ensure_ascii=False)
    for value in personal_values(accepted):
        assert value not in text, value


def test_the_page_shows_the_status_for_a_csrf_protected_post_and_for_a_link(client, db, demo, accepted):
    fire(accepted, "request_supplement", demo.staff("handler", UNIT), note=PRIVATE_NOTE)
    db.session.commit()
    page = post_form(client, "/tra-cuu", {"code": accepted.code.lower(), "phone": digits_of(accepted)})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Hồ sơ {accepted.code}" in html and 'data-state="supplement_requested"' in html
    assert "Chờ bổ sung" in html and "Yêu cầu bổ sung hồ sơ" in html
    assert vn_date_long(accepted.due_date) in html
    for value in personal_values(accepted):
        assert value not in html, value

    link = client.get(f"/tra-cuu?code={accepted.code}&phone={digits_of(accepted)}")
    assert link.status_code == 200 and 'data-state="supplement_requested"' in link.get_data(as_text=True)


def test_a_link_with_only_the_code_fills_in_the_form(client, accepted):
    page = client.get(f"/tra-cuu?code={accepted.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'value="{accepted.code}"' in html and "data-state" not in html and "is-invalid" not in html


def test_a_post_without_the_csrf_token_is_refused(client, accepted):
    answer = client.post("/tra-cuu", data={"code": accepted.code, "phone": digits_of(accepted)})
    assert answer.status_code == 400
    assert "data-state" not in answer.get_data(as_text=True)


def test_wrong_digits_and_an_unknown_code_look_the_same(client, db, demo, accepted):
    wrong = "0000" if digits_of(accepted) != "0000" else "1111"
    unknown_code = accepted.code[:-4] + "9999"
    by_wrong_digits = client.get(f"/api/v1/lookup?code={accepted.code}&phone={wrong}")
    by_unknown_code = client.get(f"/api/v1/lookup?code={unknown_code}&phone={digits_of(accepted)}")
    assert by_wrong_digits.status_code == by_unknown_code.status_code == 404
    assert by_wrong_digits.mimetype == "application/problem+json"
    assert by_wrong_digits.get_json() == by_unknown_code.get_json()
    assert "Không tìm thấy hồ sơ" in by_wrong_digits.get_json()["detail"]

    pages = [post_form(client, "/tra-cuu", {"code": code, "phone": phone})
             for code, phone in ((accepted.code, wrong), (unknown_code, digits_of(accepted)))]
    assert [p.status_code for p in pages] == [404, 404]
    alerts = [p.get_data(as_text=True).split('role="alert">')[1].split("<")[0] for p in pages]
    assert alerts[0] == alerts[1] and "Không tìm thấy hồ sơ" in alerts[0]


def test_a_miss_is_compared_in_constant_time_too(app, db, demo, accepted, monkeypatch):
    from portal.operations import NotFound
    from portal.public import lookup
    compared = []
    real_compare = hmac.compare_digest

    def recording_compare(a, b):
        compared.append((a, b))
        return real_compare(a, b)
    monkeypatch.setattr(lookup.hmac, "compare_digest", recording_compare)
    with pytest.raises(NotFound):
        lookup.lookup_status(accepted.code[:-4] + "9999", "1234")  # unknown code: still one comparison
    with pytest.raises(NotFound):
        lookup.lookup_status(accepted.code, "0000" if digits_of(accepted) != "0000" else "1111")
    assert lookup.lookup_status(accepted.code, digits_of(accepted))["code"] == accepted.code
    assert len(compared) == 3
    assert all(len(a) == len(b) == 4 for a, b in compared)


def test_drafts_and_applications_without_a_phone_cannot_be_looked_up(client, db, demo):
    draft = make_application(db, demo.citizen, submit=False)
    assert draft.code is None
    application = make_application(db, demo.citizen)
    application.applicant_phone = ""
    db.session.commit()
    answer = client.get(f"/api/v1/lookup?code={application.code}&phone=5678")
    assert answer.status_code == 404


@pytest.mark.parametrize("query, field", [
    ("code=ABC&phone=12a4", "phone"), ("code=ABC&phone=123", "phone"), ("code=&phone=1234", "code"),
    ("code=<script>&phone=1234", "code"), ("phone=1234", "code"),
])
def test_malformed_input_is_a_validation_error(client, query, field):
    answer = client.get(f"/api/v1/lookup?{query}")
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert field in answer.get_json()["errors"]


def test_malformed_input_on_the_page_is_explained_beside_the_field(client, accepted):
    page = client.get("/tra-cuu")
    token = csrf_token_from(page.get_data(as_text=True))
    answer = client.post("/tra-cuu", data={"csrf_token": token, "code": accepted.code, "phone": "12"})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="phone-error"' in html and "4 chữ số cuối" in html and "data-state" not in html

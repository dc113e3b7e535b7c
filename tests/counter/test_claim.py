"""A person without an account claims their counter application later: code + identification number + a
one-time code sent to the phone on record (read here where the SMS provider writes: the log)."""
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.models import Application, ClaimCode
from tests.counter.helpers import PERSON, desk, walk_in
from tests.factories import api_token, login, make_citizen, post_form

NID = PERSON["national_id"]


@pytest.fixture
def walked_in(client, demo):
    return walk_in(client, desk(client))


@pytest.fixture
def newcomer(db, demo):
    make_citizen(db, email="hoa@example.vn", full_name="Lê Thị Hoa", phone="0912345679", national_id=None)
    return "hoa@example.vn"


def _sms_code(caplog) -> str:
    texts = [r.getMessage() for r in caplog.records if r.name == "portal.sms" and "Mã xác nhận" in r.getMessage()]
    assert texts, "no claim SMS was sent"
    assert "091****679" in texts[-1]  # to the phone on record, masked in the log
    return re.search(r"là (\d{6})", texts[-1]).group(1)


def _ask(client, headers, code, nid=NID):
    return client.post("/api/v1/claims", headers=headers, json={"code": code, "national_id": nid})


def _confirm(client, headers, code, otp, nid=NID):
    body = {"code": code, "national_id": nid, "otp": otp}
    return client.post("/api/v1/claims/confirm", headers=headers, json=body)


def test_claim_through_the_api(client, db, walked_in, newcomer, caplog):
    caplog.set_level(logging.INFO, logger="portal.sms")
    headers = api_token(client, newcomer)
    asked = _ask(client, headers, walked_in["code"])
    assert asked.status_code == 202 and asked.get_json()["sent_to"] == "091****679"
    otp = _sms_code(caplog)
    confirmed = _confirm(client, headers, walked_in["code"], otp)
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["applicant"]["has_account"] is True
    mine = client.get("/api/v1/applications", headers=headers).get_json()
    assert [a["code"] for a in mine] == [walked_in["code"]]
    # Single use: the same code again finds nothing left to claim.
    again = _confirm(client, headers, walked_in["code"], otp)
    assert again.status_code == 404


def test_wrong_code_or_identification_number_tells_nothing_and_sends_nothing(client, db, walked_in, newcomer,
                                                                             caplog):
    caplog.set_level(logging.INFO, logger="portal.sms")
    headers = api_token(client, newcomer)
    for code, nid in ((walked_in["code"], "026195004322"), ("XX-000000-0001", NID)):
        response = _ask(client, headers, code, nid)
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert not [r for r in caplog.records if r.name == "portal.sms"]
    assert db.session.scalar(select(func.count()).select_from(ClaimCode)) == 0
    bad = _ask(client, headers, walked_in["code"], "12345")
    assert bad.status_code == 422 and "national_id" in bad.get_json()["errors"]


def test_wrong_one_time_code_then_the_code_dies_after_five_tries(client, db, walked_in, newcomer, caplog):
    caplog.set_level(logging.INFO, logger="portal.sms")
    headers = api_token(client, newcomer)
    _ask(client, headers, walked_in["code"])
    otp = _sms_code(caplog)
    wrong = f"{(int(otp) + 1) % 10 ** 6:06d}"
    for _ in range(5):
        response = _confirm(client, headers, walked_in["code"], wrong)
        assert response.status_code == 422 and "otp" in response.get_json()["errors"]
    # Even the right code no longer works: a new one must be asked for.
    response = _confirm(client, headers, walked_in["code"], otp)
    assert response.status_code == 422 and response.get_json()["code"] == "claim_code_expired"
    assert db.session.get(Application, walked_in["id"]).applicant_id is None


def test_the_code_expires(client, db, walked_in, newcomer, caplog):
    caplog.set_level(logging.INFO, logger="portal.sms")
    headers = api_token(client, newcomer)
    _ask(client, headers, walked_in["code"])
    otp = _sms_code(caplog)
    claim = db.session.execute(select(ClaimCode)).scalar_one()
    claim.expires_at = claim.created_at - timedelta(seconds=1)
    db.session.commit()
    response = _confirm(client, headers, walked_in["code"], otp)
    assert response.status_code == 422 and response.get_json()["code"] == "claim_code_expired"


def test_codes_sent_per_application_are_limited(client, db, walked_in, newcomer):
    headers = api_token(client, newcomer)
    for _ in range(3):
        assert _ask(client, headers, walked_in["code"]).status_code == 202
    assert _ask(client, headers, walked_in["code"]).status_code == 429


def test_wrong_pairs_per_account_are_limited(client, db, walked_in, newcomer):
    headers = api_token(client, newcomer)
    for _ in range(10):
        assert _ask(client, headers, walked_in["code"], "026195004399").status_code == 404
    # Now even the right pair waits: guessing identification numbers is stopped.
    assert _ask(client, headers, walked_in["code"]).status_code == 429


def test_an_account_with_another_identification_number_cannot_claim(client, walked_in, demo):
    headers = api_token(client, "citizen@demo.vn")  # national id 026090001234
    assert _ask(client, headers, walked_in["code"]).status_code == 404


def test_staff_cannot_claim(client, walked_in):
    assert _ask(client, desk(client), walked_in["code"]).status_code == 403


def test_claim_on_the_citizen_page(client, db, walked_in, newcomer, caplog):
    caplog.set_level(logging.INFO, logger="portal.sms")
    login(client, newcomer)
    listing = client.get("/ho-so").get_data(as_text=True)
    assert "Nhận hồ sơ nộp tại quầy" in listing
    sent = post_form(client, "/ho-so/nhan-ho-so-tai-quay",
                     {"code": walked_in["code"], "national_id": NID, "intent": "send"})
    assert sent.status_code == 200 and "091****679" in sent.get_data(as_text=True)
    otp = _sms_code(caplog)
    wrong = post_form(client, "/ho-so/nhan-ho-so-tai-quay", {
        "code": walked_in["code"], "national_id": NID, "otp": "000000" if otp != "000000" else "111111",
        "intent": "confirm", "sent_to": "091****679"})
    assert wrong.status_code == 422 and "Mã xác nhận không đúng." in wrong.get_data(as_text=True)
    done = post_form(client, "/ho-so/nhan-ho-so-tai-quay", {
        "code": walked_in["code"], "national_id": NID, "otp": otp, "intent": "confirm"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/ho-so/{walked_in['id']}")
    assert walked_in["code"] in client.get("/ho-so").get_data(as_text=True)


def test_the_claim_page_shows_a_wrong_pair_beside_the_code(client, walked_in, newcomer):
    login(client, newcomer)
    response = post_form(client, "/ho-so/nhan-ho-so-tai-quay",
                         {"code": walked_in["code"], "national_id": "026195004399", "intent": "send"})
    assert response.status_code == 422
    assert 'id="code-error"' in response.get_data(as_text=True)

"""Applications from the national portal (issue 12, point 3): a signed message becomes a submitted application
with channel `national`, its files checked like uploads, its national code beside ours; the same message twice
makes one application; forged, unsigned, altered or refused messages leave no row and no file."""
import json
import logging
import os

from sqlalchemy import func, select

from portal.models import Application, Attachment, Event
from portal.national.inbound_models import NationalSubmission
from tests.factories import make_citizen, pdf_bytes
from tests.national.inbound_support import PERSON, SERVICE, UNIT, message, post


def _count(db, model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _uploads(app):
    folder = app.config["UPLOAD_DIR"]
    return [n for _r, _d, names in os.walk(folder) for n in names] if os.path.isdir(folder) else []


def _nothing_written(app, db):
    assert _count(db, Application) == 0 and _count(db, Attachment) == 0 and _count(db, Event) == 0
    assert _count(db, NationalSubmission) == 0
    assert _uploads(app) == []


def test_a_message_becomes_a_submitted_national_application_with_its_files(app, client, db, demo):
    body = message(app, demo)
    response = post(client, app, body)
    assert response.status_code == 201, response.get_json()
    out = response.get_json()

    application = db.session.execute(select(Application)).scalar_one()
    assert out["MaHoSo"] == "QG-261203-0000A1B2" == application.national_code
    assert out["MaHoSoDonVi"] == application.code and application.code.startswith(demo.unit(UNIT).code + "-")
    assert out["TrangThaiHoSo"] == 1 and out["MaDonVi"] == demo.unit(UNIT).code
    assert len(out["NgayHenTra"]) == 14 and out["NgayHenTra"] > out["NgayNhan"][:8]
    assert application.channel == "national" and application.state == "submitted"
    assert application.service.slug == SERVICE and application.submitted_at is not None
    # The person as at the counter: nobody has an account with this number, so it waits to be claimed.
    assert application.applicant_id is None
    assert (application.applicant_name, application.applicant_national_id, application.applicant_phone) == \
        ("Trần Thị Mai", "026195007777", "0912345688")
    submission = db.session.get(NationalSubmission, application.id)
    assert submission.applicant_email == PERSON["Email"] and submission.applicant_address == PERSON["DiaChi"]

    from portal.operations.catalogue import definition_of
    keys = [d.key for d in definition_of(application.service_version).documents]
    assert "birth_notice" in keys
    assert [a.document_key for a in application.attachments] == keys
    assert all(a.content_type == "application/pdf" and a.uploaded_by_id is None for a in application.attachments)
    assert len(_uploads(app)) == len(keys)
    (event,) = application.events
    assert (event.action, event.role, event.actor_id, event.to_state) == ("submit", "system", None, "submitted")
    assert event.details["received_from"] == "dvcqg" and event.details["national_code"] == out["MaHoSo"]


def test_the_same_message_twice_makes_one_application_and_the_same_answer(app, client, db, demo, caplog):
    body = message(app, demo)
    first = post(client, app, body)
    with caplog.at_level(logging.INFO, logger="portal.national.inbound"):
        second = post(client, app, body)
    assert first.status_code == 201 and second.status_code == 200
    assert first.get_json() == second.get_json()
    attachments = _count(db, Attachment)
    assert _count(db, Application) == 1 and attachments >= 1 and len(_uploads(app)) == attachments
    assert _count(db, Event) == 1
    assert "the same message again" in caplog.text

    # The same national code with other content is not the same message: refused, the first one kept.
    changed = dict(body, ChuHoSo="Người Khác")
    third = post(client, app, changed)
    assert third.status_code == 409 and third.mimetype == "application/problem+json"
    assert third.get_json()["code"] == "national_code_reused"
    assert _count(db, Application) == 1


def test_a_forged_or_unsigned_or_altered_message_is_refused_and_leaves_nothing(app, client, db, demo, caplog):
    body = message(app, demo)
    with caplog.at_level(logging.WARNING, logger="portal.national.inbound"):
        forged = post(client, app, body, secret=b"not-the-shared-secret")
        unsigned = post(client, app, body, headers={})
        altered = post(client, app, body, raw=json.dumps(dict(body, MaHoSo="QG-261203-FFFFFFFF")).encode())
    for response, code in ((forged, "bad_signature"), (unsigned, "missing_signature"), (altered, "bad_signature")):
        assert response.status_code == 401, response.get_json()
        assert response.mimetype == "application/problem+json" and response.get_json()["code"] == code
    assert "signature does not match" in caplog.text and "unsigned message" in caplog.text
    _nothing_written(app, db)


def test_an_old_signature_is_refused(app, client, db, demo):
    import time

    from portal.national.inbound_signing import signed_headers
    body = message(app, demo)
    data = json.dumps(body).encode()
    with app.app_context():
        stale = signed_headers(data, now=time.time() - 3600)
    response = client.post("/api/v1/national/applications", data=data, headers=stale,
                           content_type="application/json")
    assert response.status_code == 401 and response.get_json()["code"] == "stale_signature"
    _nothing_written(app, db)


def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_kept(app, client, db, demo):
    files = [("birth_notice", b"MZ\x90\x00 this is a program, not a scan" * 20)]
    response = post(client, app, message(app, demo, files=files))
    assert response.status_code == 415 and response.mimetype == "application/problem+json"
    assert "TaiLieuNop.0" in response.get_json()["errors"]
    _nothing_written(app, db)


def test_a_pdf_with_javascript_is_refused_like_an_upload(app, client, db, demo):
    active = pdf_bytes().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (x) >>")
    response = post(client, app, message(app, demo, files=[("birth_notice", active)]))
    assert response.status_code == 415, response.get_json()
    _nothing_written(app, db)


def test_a_second_good_file_does_not_save_the_first_when_a_later_one_is_bad(app, client, db, demo):
    from portal.operations.catalogue import definition_of
    keys = [d.key for d in definition_of(demo.service("chung-thuc-ban-sao-tu-ban-chinh").current).documents]
    assert len(keys) >= 2
    body = message(app, demo, files=[(keys[0], pdf_bytes()), (keys[1], b"<html><body>x</body></html>")],
                   MaTTHC=demo.service("chung-thuc-ban-sao-tu-ban-chinh").current.code,
                   DuLieuBieuMau={})
    response = post(client, app, body)
    assert response.status_code in (415, 422), response.get_json()
    _nothing_written(app, db)


def test_an_unknown_service_or_unit_is_refused(app, client, db, demo):
    unknown = post(client, app, message(app, demo, MaTTHC="9.999999"))
    assert unknown.status_code == 422 and unknown.get_json()["code"] == "unknown_service"
    assert "MaTTHC" in unknown.get_json()["errors"]
    # A district service sent to a commune is not received there either.
    district = demo.service("cap-giay-phep-xay-dung-nha-o-rieng-le").current.code
    wrong_level = post(client, app, message(app, demo, code="QG-261203-0000A1B3", MaTTHC=district))
    assert wrong_level.status_code == 422 and wrong_level.get_json()["code"] == "unknown_service"
    no_unit = post(client, app, message(app, demo, code="QG-261203-0000A1B4", MaDonVi="000.00.00.X99"))
    assert no_unit.status_code == 422 and no_unit.get_json()["code"] == "unknown_unit"
    assert _count(db, Application) == 0


def test_incomplete_or_invalid_content_is_refused_by_field(app, client, db, demo):
    missing_file = post(client, app, message(app, demo, files=[]))  # birth_notice is required
    assert missing_file.status_code == 422
    assert "documents.birth_notice" in missing_file.get_json()["errors"]
    bad_person = post(client, app, message(app, demo, SoDinhDanh="12345", SoDienThoai="abc", Email="x@"))
    assert bad_person.status_code == 422
    assert {"SoDinhDanh", "SoDienThoai", "Email"} <= set(bad_person.get_json()["errors"])
    not_json = post(client, app, {}, raw=b"{not json")
    assert not_json.status_code == 401  # the signature covers the bytes sent: these were not signed
    _nothing_written(app, db)


def test_a_file_url_off_the_national_portal_is_not_fetched(app, client, db, demo):
    body = message(app, demo)
    body["TaiLieuNop"][0]["DuongDanTaiTepTin"] = "http://169.254.169.254/latest/meta-data"
    response = post(client, app, body)
    assert response.status_code == 422 and response.get_json()["code"] == "file_origin"
    _nothing_written(app, db)


def test_a_citizen_with_the_same_identification_number_gets_it_in_my_applications(app, client, db, demo):
    from tests.factories import login
    make_citizen(db, email="mai@demo.vn", full_name="Trần Thị Mai", national_id=PERSON["SoDinhDanh"])
    response = post(client, app, message(app, demo))
    assert response.status_code == 201
    application = db.session.execute(select(Application)).scalar_one()
    assert application.applicant is not None and application.applicant.email == "mai@demo.vn"
    login(client, "mai@demo.vn")
    page = client.get("/ho-so")
    assert page.status_code == 200 and application.code in page.get_data(as_text=True)


def test_the_desk_sees_it_with_the_channel_and_accepts_it(app, client, db, demo):
    from tests.factories import api_token, login
    post(client, app, message(app, demo))
    application = db.session.execute(select(Application)).scalar_one()
    login(client, f"receiver.{UNIT}@demo.vn")
    register = client.get("/can-bo/ho-so?channel=national")
    assert register.status_code == 200 and application.code in register.get_data(as_text=True)
    assert application.code not in client.get("/can-bo/ho-so?channel=counter").get_data(as_text=True)
    page = client.get(f"/can-bo/ho-so/{application.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Cổng DVCQG" in html and application.national_code in html

    headers = api_token(client, f"receiver.{UNIT}@demo.vn")
    accepted = client.post(f"/api/v1/applications/{application.id}/actions/accept", headers=headers,
                           json={"version": application.version})
    assert accepted.status_code == 200, accepted.get_json()
    db.session.refresh(application)
    assert application.state in ("processing", "awaiting_payment") and application.due_date is not None


def test_its_status_messages_flow_to_the_national_portal(app, client, db, demo):
    from portal.outbox.models import OutboxMessage
    post(client, app, message(app, demo))
    application = db.session.execute(select(Application)).scalar_one()
    (row,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.destination == "dvcqg")).all()
    assert row.ordering_key == application.code and row.application_id == application.id
    assert row.state == "sent"
    listed = client.get(f"/sandbox/dvcqg/messages?code={application.code}").get_json()["messages"]
    assert [m["TrangThaiHoSo"] for m in listed] == [1]


def test_a_person_without_an_account_claims_it_as_a_counter_application(app, client, db, demo, caplog):
    import re

    from tests.factories import api_token
    caplog.set_level(logging.INFO, logger="portal.sms")
    post(client, app, message(app, demo))
    application = db.session.execute(select(Application)).scalar_one()
    assert application.applicant_id is None
    make_citizen(db, email="mai2@demo.vn", full_name="Trần Thị Mai", phone="0912345688", national_id=None)
    headers = api_token(client, "mai2@demo.vn")
    claim = {"code": application.code, "national_id": PERSON["SoDinhDanh"]}
    asked = client.post("/api/v1/claims", headers=headers, json=claim)
    assert asked.status_code == 202, asked.get_json()
    texts = [r.getMessage() for r in caplog.records if r.name == "portal.sms" and "Mã xác nhận" in r.getMessage()]
    otp = re.search(r"là (\d{6})", texts[-1]).group(1)
    confirmed = client.post("/api/v1/claims/confirm", headers=headers, json={**claim, "otp": otp})
    assert confirmed.status_code == 200, confirmed.get_json()
    mine = client.get("/api/v1/applications", headers=headers).get_json()
    assert [a["code"] for a in mine] == [application.code]


ODD = [
    [], "text", 7, None, {"MaHoSo": 12}, {"MaHoSo": "x" * 61}, {"MaHoSo": "QG-1\u0000234567"},
    {"MaDonVi": ["x"]}, {"MaTTHC": {"a": 1}}, {"ChuHoSo": 5}, {"SoDinhDanh": ["026195007777"]},
    {"NgayNopHoSo": "2026-12-03"}, {"NgayNopHoSo": 20261203}, {"DuLieuBieuMau": "x"},
    {"DuLieuBieuMau": {"child_name": ["a", "b"], "child_birth_date": {"x": 1}}}, {"TaiLieuNop": "x"},
    {"TaiLieuNop": [1, 2]}, {"TaiLieuNop": [{"MaThanhPhanHoSo": "birth_notice", "DuongDanTaiTepTin": 5}]},
    {"TaiLieuNop": [{"MaThanhPhanHoSo": "birth_notice", "DuongDanTaiTepTin": "http://localhost/nope"}]},
    {"TaiLieuNop": [{"MaThanhPhanHoSo": "birth_notice", "DuongDanTaiTepTin": "file:///etc/passwd"}]},
    {"TaiLieuNop": [{"MaThanhPhanHoSo": "x", "DuongDanTaiTepTin": "http://localhost/"}] * 40},
    {"Email": "a" * 300 + "@x.vn"}, {"DiaChi": "x" * 301},
]


def test_odd_signed_messages_are_refused_without_a_500_and_leave_nothing(app, client, db, demo):
    base = message(app, demo)
    for index, odd in enumerate(ODD):
        body = {**base, "MaHoSo": f"QG-261203-{index:08d}", **odd} if isinstance(odd, dict) else odd
        response = post(client, app, body)
        assert 400 <= response.status_code < 500, (odd, response.status_code, response.get_data(as_text=True))
        assert response.mimetype == "application/problem+json", odd
    _nothing_written(app, db)


def test_the_desk_finds_it_by_the_national_portals_code(app, client, db, demo):
    from tests.factories import api_token
    post(client, app, message(app, demo))
    application = db.session.execute(select(Application)).scalar_one()
    headers = api_token(client, f"receiver.{UNIT}@demo.vn")
    found = client.get("/api/v1/applications", headers=headers,
                       query_string={"q": application.national_code, "scope": "unit"})
    assert found.status_code == 200, found.get_json()
    assert [a["id"] for a in found.get_json()] == [application.id]
    other = client.get("/api/v1/applications", headers=headers,
                       query_string={"q": "G99.99-999999-9999", "scope": "unit"})
    assert other.get_json() == []

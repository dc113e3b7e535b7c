"""Documents issued by the workflow: stored once, signed, downloadable by the right people only."""
import hashlib

import pytest
from sqlalchemy import select

from portal.documents.keys import trust_roots
from portal.documents.signing import VALID, validate_pdf
from portal.models import Document
from tests.factories import api_token, login

from .conftest import login_leader, pdf_text


def _accepted(flow, demo, **kwargs):
    flow.submitted(**kwargs)
    flow.fire("accept", demo.staff("receiver", "tam-hong"))
    return flow.application


def _approved(flow, demo, **kwargs):
    _accepted(flow, demo, **kwargs)
    flow.fire("submit_for_approval", demo.staff("handler", "tam-hong"))
    flow.fire("approve", demo.staff("leader", "tam-hong"), note="Đủ điều kiện")
    return flow.application


def test_accept_issues_a_signed_receipt_stored_once(app, flow, demo):
    application = _accepted(flow, demo)
    [receipt] = flow.documents("receipt")
    assert receipt.signed and receipt.number.endswith(f"/{receipt.issued_at.year}/TNHS")
    with open(f"{app.config['DOCUMENT_DIR']}/{receipt.stored_name}", "rb") as fh:
        stored = fh.read()
    assert hashlib.sha256(stored).hexdigest() == receipt.sha256 and len(stored) == receipt.size
    text = pdf_text(stored)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert application.code in text and receipt.code in text and "Nguyễn Văn An" in text
    assert "Tam Hồng, ngày" in text and "UBND XÃ TAM HỒNG" in text.upper()
    assert f"http://localhost/verify/{receipt.code}" in text
    check = validate_pdf(stored, trust_roots())
    assert (check.status, check.signer) == (VALID, "Ủy ban nhân dân xã Tam Hồng")


def test_the_accept_event_keeps_every_effects_details(flow, demo):
    _accepted(flow, demo)
    event = flow.application.events[-1]
    assert event.action == "accept"
    assert event.details["documents"][0]["kind"] == "receipt"
    assert "due_date" in event.details and "handover" in event.details


def test_approve_issues_the_services_result_template(flow, demo):
    application = _approved(flow, demo)
    [result] = flow.documents("result")
    assert result.details["template"] == "birth_certificate" and result.title == "Giấy khai sinh"
    assert result.signer_name == demo.staff("leader", "tam-hong").full_name
    from portal.documents.issue import read_document
    text = pdf_text(read_document(result))
    assert "GIẤY KHAI SINH" in text and application.data["child_full_name"] in text  # its result.title
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN" in text


def test_markup_in_a_form_field_prints_as_text(flow, demo):
    from tests.factories import valid_data
    _approved(flow, demo, data=valid_data("dang-ky-khai-sinh", child_full_name="<script>alert(1)</script>"))
    [result] = flow.documents("result")
    from portal.documents.issue import read_document
    assert "<script>alert(1)</script>" in pdf_text(read_document(result))


def test_service_without_its_own_template_gets_the_generic_result(db, flow, demo):
    flow.submitted()
    version = flow.application.service_version
    version.definition = {**version.definition,
                          "result": {"template": "giay_moi_chua_co", "title": "Giấy mới"}}
    db.session.commit()
    flow.fire("accept", demo.staff("receiver", "tam-hong"))
    flow.fire("submit_for_approval", demo.staff("handler", "tam-hong"))
    flow.fire("approve", demo.staff("leader", "tam-hong"))
    [result] = flow.documents("result")
    assert result.details["template"] == "generic_result"
    from portal.documents.issue import read_document
    text = pdf_text(read_document(result))
    # The generic result is headed with the service's own result title (issue 10: a service added as a
    # TOML file alone gets a proper result).
    assert "GIẤY MỚI" in text.upper() and "Đăng ký khai sinh" in text
    assert "Họ, chữ đệm, tên người được khai sinh" in text or flow.application.data["child_full_name"] in text


def test_supplement_refusal_apology_and_denial(db, flow, demo):
    from portal.documents.issue import read_document
    receiver = demo.staff("receiver", "tam-hong")
    flow.submitted()
    flow.fire("request_supplement", receiver, note="Giấy chứng sinh bản chính\nCăn cước của người mẹ")
    [supplement] = flow.documents("supplement_request")
    text = pdf_text(read_document(supplement))
    assert "PHIẾU YÊU CẦU BỔ SUNG" in text.upper() or "Phiếu yêu cầu bổ sung" in text
    assert "Giấy chứng sinh bản chính" in text and "Căn cước của người mẹ" in text
    assert receiver.full_name in text

    flow.submitted(citizen=demo.citizen2)
    flow.fire("refuse", receiver, note="Hồ sơ không thuộc thẩm quyền của xã",
              inputs={"legal_basis": "Điều 13 Luật Hộ tịch năm 2014"})
    [refusal] = flow.documents("refusal")
    assert "Hồ sơ không thuộc thẩm quyền của xã" in pdf_text(read_document(refusal))
    assert refusal.holder_name == demo.citizen2.full_name

    # Three working days: a same-day service leaves no working day for the apology's "before due" rule.
    application = _accepted(flow, demo, service_slug="xac-nhan-tinh-trang-hon-nhan")
    due = application.due_date
    from portal.operations.calendar import current_calendar
    calendar = current_calendar()
    new_due = calendar.due_date(application.received_at, 10)
    assert new_due > due
    flow.fire("reschedule", demo.staff("handler", "tam-hong"), note="Cần xác minh thêm",
              inputs={"new_due_date": new_due.isoformat()})
    flow.fire("approve_reschedule", demo.staff("leader", "tam-hong"))  # form 04 is signed by the leader
    [apology] = flow.documents("apology")
    text = pdf_text(read_document(apology))
    from portal.formatting import vn_date_long
    assert vn_date_long(new_due) in text and vn_date_long(due) in text and "Cần xác minh thêm" in text

    flow.fire("submit_for_approval", demo.staff("handler", "tam-hong"))
    flow.fire("deny", demo.staff("leader", "tam-hong"), note="Người yêu cầu không cư trú tại xã")
    [denial] = flow.documents("denial")
    assert "Người yêu cầu không cư trú tại xã" in pdf_text(read_document(denial))


def test_numbers_run_per_unit_kind_and_year(flow, demo):
    _accepted(flow, demo)
    first = flow.documents("receipt")[0].number
    _accepted(flow, demo)
    second = flow.documents("receipt")[0].number
    assert int(second.split("/")[0]) == int(first.split("/")[0]) + 1


def test_download_is_the_stored_bytes_for_owner_and_unit_staff_only(app, client, flow, demo):
    _accepted(flow, demo)
    [receipt] = flow.documents("receipt")
    url = f"/van-ban/{receipt.id}"
    assert client.get(url).status_code == 302  # to the login page
    login(client, "citizen@demo.vn")
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert hashlib.sha256(first.data).hexdigest() == receipt.sha256
    assert client.get(url).data == first.data  # never rendered again
    for email, expected in [("citizen2@demo.vn", 404), ("receiver.dong-van@demo.vn", 404),
                            ("handler.tam-hong@demo.vn", 200), ("receiver.yen-lac@demo.vn", 404)]:
        other = app.test_client()
        login(other, email)
        assert other.get(url).status_code == expected, email
    assert client.get("/van-ban/999999").status_code == 404


def test_api_download_and_verify(client, flow, demo):
    _accepted(flow, demo)
    [receipt] = flow.documents("receipt")
    owner = api_token(client, "citizen@demo.vn")
    response = client.get(f"/api/v1/documents/{receipt.id}", headers=owner)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == receipt.sha256
    stranger = api_token(client, "citizen2@demo.vn")
    assert client.get(f"/api/v1/documents/{receipt.id}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/documents/{receipt.id}").status_code == 401

    info = client.get(f"/api/v1/verify/{receipt.code}").get_json()
    assert info["number"] == receipt.number and info["kind"] == "receipt"
    assert info["holder"] == "Nguyễn V** A*" and info["sha256"] == receipt.sha256
    assert info["signature"]["status"] == "valid"
    assert info["signature"]["signer"] == "Ủy ban nhân dân xã Tam Hồng"
    assert info["unit"] == "Ủy ban nhân dân xã Tam Hồng" and info["state"] == "active"
    # Codes are read from paper: lower case and missing dashes still find the document.
    assert client.get(f"/api/v1/verify/{receipt.code.lower().replace('-', '')}").status_code == 200
    missing = client.get("/api/v1/verify/AAAA-BBBB-CCCC-DDDD")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"

    detail = client.get(f"/api/v1/applications/{flow.application.id}", headers=owner).get_json()
    assert {"id": receipt.id, "kind": "receipt", "code": receipt.code, "number": receipt.number}.items() <= \
        detail["documents"][0].items()


def test_verification_page(client, flow, demo):
    _accepted(flow, demo)
    [receipt] = flow.documents("receipt")
    page = client.get(f"/verify/{receipt.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Nguyễn V** A*" in html and "Nguyễn Văn An" not in html
    assert receipt.number in html and receipt.sha256 in html and "Ủy ban nhân dân xã Tam Hồng" in html
    assert 'data-signature-status="valid"' in html and "Chữ ký số hợp lệ" in html
    assert "Văn bản đang có hiệu lực" in html
    assert client.get("/verify/KHONG-CO-MA").status_code == 404


def test_a_changed_stored_file_is_reported_invalid(app, client, flow, demo):
    _accepted(flow, demo)
    [receipt] = flow.documents("receipt")
    path = f"{app.config['DOCUMENT_DIR']}/{receipt.stored_name}"
    with open(path, "rb") as fh:
        data = bytearray(fh.read())
    data[data.index(b"WeasyPrint")] = ord("w")
    with open(path, "wb") as fh:
        fh.write(bytes(data))
    info = client.get(f"/api/v1/verify/{receipt.code}").get_json()
    assert info["signature"]["status"] == "invalid"


def test_leader_of_the_issuing_unit_revokes_with_a_reason(app, db, client, flow, demo):
    from tests.factories import post_form
    _accepted(flow, demo)
    [receipt] = flow.documents("receipt")
    url = f"/van-ban/{receipt.id}/thu-hoi"
    receiver = app.test_client()
    login(receiver, "receiver.tam-hong@demo.vn")
    assert receiver.get(url).status_code == 403
    other_leader = app.test_client()
    login_leader(other_leader, db, "leader.dong-van@demo.vn")
    assert other_leader.get(url).status_code == 404

    login_leader(client, db, "leader.tam-hong@demo.vn")
    assert client.post(url, data={"reason": "x"}).status_code == 400  # no CSRF token
    empty = post_form(client, url, {"reason": "  "})
    assert empty.status_code == 422 and "Vui lòng nhập lý do thu hồi" in empty.get_data(as_text=True)
    done = post_form(client, url, {"reason": "Ghi sai ngày hẹn trả <b>kết quả</b>"})
    assert done.status_code == 302
    page = client.get(f"/verify/{receipt.code}").get_data(as_text=True)
    assert "Văn bản đã bị thu hồi" in page and "Ghi sai ngày hẹn trả &lt;b&gt;kết quả&lt;/b&gt;" in page
    info = client.get(f"/api/v1/verify/{receipt.code}").get_json()
    assert info["state"] == "revoked" and info["revoked"] and info["revoked_reason"].startswith("Ghi sai")


def test_api_revoke(client, flow, demo):
    _accepted(flow, demo)
    [receipt] = flow.documents("receipt")
    url = f"/api/v1/documents/{receipt.id}/revoke"
    receiver = api_token(client, "receiver.tam-hong@demo.vn")
    assert client.post(url, json={"reason": "x"}, headers=receiver).status_code == 403
    leader = api_token(client, "leader.tam-hong@demo.vn")
    bad = client.post(url, json={"reason": ""}, headers=leader)
    assert bad.status_code == 422 and "reason" in bad.get_json()["errors"]
    ok = client.post(url, json={"reason": "Cấp nhầm"}, headers=leader)
    assert ok.status_code == 200 and ok.get_json()["state"] == "revoked"
    assert client.post(url, json={"reason": "lần hai"}, headers=leader).status_code == 422


def test_a_corrected_document_supersedes_the_old_one(db, client, flow, demo):
    from portal.documents.issue import issue_document
    _approved(flow, demo)
    [old] = flow.documents("result")
    new = issue_document(flow.application, "result", actor=demo.staff("leader", "tam-hong"),
                         template="birth_certificate", title="Giấy khai sinh (cấp lại do sai sót)")
    db.session.commit()
    db.session.refresh(old)
    assert old.superseded_by_id == new.id and new.superseded_by_id is None
    page = client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "Văn bản đã được thay thế" in page and new.number in page
    info = client.get(f"/api/v1/verify/{old.code}").get_json()
    assert info["state"] == "superseded" and info["superseded_by"]["code"] == new.code


def test_control_sheet_for_staff_from_handover_events(app, client, flow, demo):
    application = _approved(flow, demo)
    url = f"/ho-so/{application.id}/phieu-kiem-soat"
    login(client, "citizen@demo.vn")
    assert client.get(url).status_code == 404
    staff = app.test_client()
    login(staff, "receiver.tam-hong@demo.vn")
    response = staff.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and application.code in text
    handovers = [e for e in application.events if (e.details or {}).get("handover")]
    assert len(handovers) >= 2
    assert text.count("Đúng hạn") + text.count("Trước hạn") + text.count("Quá hạn") >= len(handovers)
    assert demo.staff("handler", "tam-hong").full_name in text


def test_register_for_a_period(app, client, flow, demo):
    from portal.timeutil import vn_today
    application = _accepted(flow, demo)
    today = vn_today()
    url = f"/van-ban/so-theo-doi?start={today.replace(day=1).isoformat()}&end={today.isoformat()}"
    login(client, "citizen@demo.vn")
    assert client.get(url).status_code == 404
    staff = app.test_client()
    login(staff, "receiver.tam-hong@demo.vn")
    assert staff.get("/van-ban/so-theo-doi").status_code == 200
    response = staff.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "SỔ THEO DÕI HỒ SƠ" in text and application.code in text and "Nguyễn Văn An" in text
    other = app.test_client()
    login(other, "receiver.dong-van@demo.vn")
    assert application.code not in pdf_text(other.get(url).data)
    bad = staff.get(f"/van-ban/so-theo-doi?start={today.isoformat()}&end=2000-01-01")
    assert bad.status_code == 422 and "Ngày kết thúc phải sau ngày bắt đầu" in bad.get_data(as_text=True)


def test_unsigned_when_the_unit_has_no_key(app, db, flow, demo, tmp_path):
    from portal.documents import keys
    app.config["PKI_DIR"], saved = str(tmp_path / "empty"), app.config["PKI_DIR"]
    keys.forget()
    try:
        _accepted(flow, demo)
        [receipt] = flow.documents("receipt")
        assert receipt.signed is False
        app.config["DOCUMENTS_REQUIRE_SIGNATURE"] = True
        from portal.documents.pki import PkiError
        with pytest.raises(PkiError):
            _accepted(flow, demo)
        db.session.rollback()
    finally:
        app.config["PKI_DIR"] = saved
        app.config.pop("DOCUMENTS_REQUIRE_SIGNATURE", None)
        keys.forget()
    assert db.session.execute(select(Document).where(Document.kind == "receipt")).scalars().all() == [receipt]


def test_openapi_lists_the_document_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/documents/{document_id}"]
    assert "post" in paths["/api/v1/documents/{document_id}/revoke"]
    assert "get" in paths["/api/v1/verify/{code}"]


def test_pki_init_dev_command_makes_a_key_per_unit(app, demo, tmp_path):
    from portal.documents import keys
    app.config["PKI_DIR"], saved = str(tmp_path / "pki"), app.config["PKI_DIR"]
    try:
        runner = app.test_cli_runner()
        first = runner.invoke(args=["pki", "init-dev"])
        assert first.exit_code == 0 and "7 unit certificates created" in first.output
        again = runner.invoke(args=["pki", "init-dev"])
        assert "0 unit certificates created, 7 kept" in again.output
        assert keys.signer_store().has_signer("tam-hong")
    finally:
        app.config["PKI_DIR"] = saved
        keys.forget()

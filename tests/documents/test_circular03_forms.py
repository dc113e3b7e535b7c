"""The seven forms of Circular 03/2025/TT-VPCP, Annex I, issued through the workflow as staff and citizens
fire it and read back from the PDF (pdftotext): the fields each official form asks for."""
import os
from datetime import time

import pytest
from sqlalchemy import select

from portal.documents.issue import read_document
from portal.formatting import vn_date_long
from portal.models import Unit
from portal.operations import Forbidden, Invalid

from .conftest import pdf_text

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
REFUSAL_BASIS = "khoản 1 Điều 16 Luật Hộ tịch năm 2014"


def _text(document) -> str:
    return _read(read_document(document), f"{document.kind}-{document.id}")


def _read(pdf: bytes, name: str) -> str:
    """The PDF's text; with FORMS_DUMP=<folder> the PDF is kept there too, to look at the layout
    (`pdftoppm -png -r 60`)."""
    if os.environ.get("FORMS_DUMP"):
        with open(f"{os.environ['FORMS_DUMP']}/{name}.pdf", "wb") as fh:
            fh.write(pdf)
    return pdf_text(pdf)


def _official(text: str, number: str, title: str) -> None:
    assert f"Mẫu số {number}" in text, text[:300]
    assert all(line in text for line in MOTTO)
    assert title.upper() in text


def _accepted(flow, demo, **kwargs):
    flow.submitted(**kwargs)
    flow.fire("accept", demo.staff("receiver", "tam-hong"))
    return flow.application


# Three working days: a same-day service received after the 15:00 cut-off is due the next working day, too
# close for the apology's "at least one working day before" rule.
THREE_DAY_SERVICE = "xac-nhan-tinh-trang-hon-nhan"


def _later_working_day(application, days=10):
    from portal.operations.calendar import current_calendar
    return current_calendar().due_date(application.received_at, days)


# -- 01 ------------------------------------------------------------------------------------------

def test_form_01_has_the_register_book_serial_return_hour_documents_and_lookup(flow, demo):
    first = _accepted(flow, demo)
    second = _accepted(flow, demo)
    [receipt] = flow.documents("receipt")
    text = _text(receipt)
    _official(text, "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    year = first.received_at.year
    assert (first.register_book, first.register_serial) == (f"01/{year}", 1)
    assert (second.register_book, second.register_serial) == (f"01/{year}", 2)
    assert f"Quyển số: 01/{year}, Số thứ tự: 2" in text
    # The day AND the hour of return (17:00 when the unit sets none).
    assert f"Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, {vn_date_long(second.due_date)}" in text
    assert "Thời gian nhận hồ sơ:" in text and " giờ " in text.split("Thời gian nhận hồ sơ:")[1][:20]
    assert "BỘ PHẬN MỘT CỬA" in text and "Bộ phận Một cửa Ủy ban nhân dân xã Tam Hồng" in text
    # Every document received, with its form and number of copies.
    assert "Tên giấy tờ" in text and "Hình thức" in text and "Số lượng (bản)" in text
    assert "Bản điện tử" in text and "Số lượng hồ sơ: 1 (bộ)" in text
    assert f"nhập mã hồ sơ {second.code}" in text and "http://localhost/tra-cuu" in text
    assert "Cổng Dịch vụ công quốc gia" in text
    assert demo.staff("receiver", "tam-hong").full_name in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text


def test_form_01_uses_the_units_one_stop_name_and_hour_of_return(db, flow, demo):
    unit = demo.unit("tam-hong")
    unit.one_stop_name = "Trung tâm Phục vụ hành chính công xã Tam Hồng"
    unit.return_time = time(16, 30)
    db.session.commit()
    application = _accepted(flow, demo)
    text = _text(flow.documents("receipt")[0])
    assert "UBND XÃ TAM HỒNG TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ TAM HỒNG" in text
    assert "Trung tâm Phục vụ hành chính công xã Tam Hồng tiếp nhận hồ sơ của" in text
    assert "Bộ phận Một cửa" not in text
    assert f"16 giờ 30 phút, {vn_date_long(application.due_date)}" in text


# -- 02 ------------------------------------------------------------------------------------------

def test_form_02_supplement_request(flow, demo):
    flow.submitted()
    flow.fire("request_supplement", demo.staff("receiver", "tam-hong"),
              note="Giấy chứng sinh bản chính\nCăn cước của người mẹ")
    text = _text(flow.documents("supplement_request")[0])
    _official(text, "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    assert "Giấy chứng sinh bản chính" in text and "Căn cước của người mẹ" in text


# -- 03 ------------------------------------------------------------------------------------------

def test_form_03_cites_the_legal_provision_of_the_refusal(flow, demo):
    receiver = demo.staff("receiver", "tam-hong")
    flow.submitted()
    with pytest.raises(Invalid) as refused:
        flow.fire("refuse", receiver, note="Không thuộc thẩm quyền của xã")
    assert "legal_basis" in refused.value.errors and "căn cứ pháp lý" in refused.value.errors["legal_basis"][0]
    assert flow.documents("refusal") == []
    flow.fire("refuse", receiver, note="Không thuộc thẩm quyền của xã", inputs={"legal_basis": REFUSAL_BASIS})
    text = _text(flow.documents("refusal")[0])
    _official(text, "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    assert f"Căn cứ quy định tại: {REFUSAL_BASIS}" in text
    assert "Không thuộc thẩm quyền của xã" in text and receiver.full_name in text


def test_refusal_page_and_api_ask_for_the_legal_basis(client, db, flow, demo):
    from tests.factories import api_token, login
    from tests.operations.helpers import page_fire
    flow.submitted()
    application = flow.application
    login(client, "receiver.tam-hong@demo.vn")
    page = client.get(f"/can-bo/ho-so/{application.id}").get_data(as_text=True)
    assert 'id="legal_basis-refuse"' in page
    response = page_fire(client, application, "refuse", note="Không thuộc thẩm quyền", legal_basis="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="legal_basis-refuse-error"' in html
    assert "Vui lòng nêu căn cứ pháp lý" in html
    client.get("/dang-xuat")
    headers = api_token(client, "receiver.tam-hong@demo.vn")
    db.session.refresh(application)
    url = f"/api/v1/applications/{application.id}/actions/refuse"
    bad = client.post(url, json={"version": application.version, "note": "Không thuộc thẩm quyền"},
                      headers=headers)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert "legal_basis" in bad.get_json()["errors"]
    good = client.post(url, json={"version": application.version, "note": "Không thuộc thẩm quyền",
                                  "legal_basis": REFUSAL_BASIS}, headers=headers)
    assert good.status_code == 200, good.get_json()
    assert REFUSAL_BASIS in _text(flow.documents("refusal")[0])


# -- 04 ------------------------------------------------------------------------------------------

def test_form_04_is_requested_by_the_handler_and_signed_by_the_leader(db, flow, demo):
    application = _accepted(flow, demo, service_slug=THREE_DAY_SERVICE)
    due = application.due_date
    new_due = _later_working_day(application)
    handler, leader = demo.staff("handler", "tam-hong"), demo.staff("leader", "tam-hong")
    flow.fire("reschedule", handler, note="Cần xác minh thêm tại nơi cư trú",
              inputs={"new_due_date": new_due.isoformat()})
    db.session.refresh(application)
    # A request only: no letter, the date unchanged until the head of the agency approves.
    assert flow.documents("apology") == [] and application.due_date == due
    with pytest.raises(Forbidden):
        flow.fire("approve_reschedule", demo.staff("receiver", "tam-hong"))
    with pytest.raises(Invalid):
        flow.fire("reschedule", handler, note="lần hai", inputs={"new_due_date": new_due.isoformat()})
    flow.fire("approve_reschedule", leader)
    db.session.refresh(application)
    assert application.due_date == new_due
    [apology] = flow.documents("apology")
    assert apology.signer_name == leader.full_name
    text = _text(apology)
    _official(text, "04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")
    assert vn_date_long(due) in text and vn_date_long(new_due) in text
    assert "Cần xác minh thêm tại nơi cư trú" in text
    assert "TM. ỦY BAN NHÂN DÂN XÃ TAM HỒNG" in text and leader.full_name in text
    assert (leader.title or "Chủ tịch").upper() in text
    with pytest.raises(Invalid):
        flow.fire("approve_reschedule", leader)  # once


def test_a_wrong_requested_date_is_refused_at_the_request(flow, demo):
    application = _accepted(flow, demo, service_slug=THREE_DAY_SERVICE)
    with pytest.raises(Invalid) as refused:
        flow.fire("reschedule", demo.staff("handler", "tam-hong"), note="Chậm",
                  inputs={"new_due_date": application.due_date.isoformat()})
    assert "new_due_date" in refused.value.errors


# -- 05 ------------------------------------------------------------------------------------------

def test_form_05_when_a_received_application_is_withdrawn(flow, demo):
    application = _accepted(flow, demo)
    flow.fire("withdraw", demo.citizen, note="Tôi đã nộp hồ sơ ở nơi khác")
    [notice] = flow.documents("stop_notice")
    leader = demo.staff("leader", "tam-hong")
    assert notice.signer_name == leader.full_name and notice.number.endswith("/TB-DGQ")
    text = _text(notice)
    _official(text, "05", "Thông báo dừng giải quyết hồ sơ")
    assert application.code in text and "Tôi đã nộp hồ sơ ở nơi khác" in text
    assert "Nghị định số 118/2025/NĐ-CP" in text and "TM. ỦY BAN NHÂN DÂN XÃ TAM HỒNG" in text
    assert leader.full_name in text and "ỦY BAN NHÂN DÂN" in text


def test_a_withdrawal_before_acceptance_needs_no_stop_notice(flow, demo):
    flow.submitted()
    flow.fire("withdraw", demo.citizen, note="Nộp nhầm")
    assert flow.application.state == "withdrawn" and flow.documents("stop_notice") == []


# -- 06 and 07 -----------------------------------------------------------------------------------

def test_form_06_control_sheet_lists_the_handovers(flow, demo):
    from portal.documents.sheets import render_control_sheet
    application = _accepted(flow, demo)
    flow.fire("submit_for_approval", demo.staff("handler", "tam-hong"))
    text = _read(render_control_sheet(application, unit=demo.unit("tam-hong"),
                                      actor=demo.staff("receiver", "tam-hong")), "control_sheet")
    _official(text, "06", "Phiếu kiểm soát quá trình giải quyết hồ sơ")
    assert application.code in text and "Kèm theo hồ sơ của" in text
    assert "Người giao" in text and "Người nhận" in text
    assert "Trước hạn" in text or "Đúng hạn" in text
    assert demo.staff("receiver", "tam-hong").full_name in text


def test_form_07_register_has_the_circulars_columns(db, flow, demo):
    from portal.documents.sheets import render_register
    from portal.timeutil import to_vn
    done = _accepted(flow, demo)
    flow.fire("submit_for_approval", demo.staff("handler", "tam-hong"))
    flow.fire("approve", demo.staff("leader", "tam-hong"))
    flow.fire("deliver", demo.staff("receiver", "tam-hong"))
    withdrawn = _accepted(flow, demo, citizen=demo.citizen2)
    flow.fire("withdraw", demo.citizen2, note="Không còn nhu cầu")
    done.applicant.address = "Thôn Đông, xã Tam Hồng"
    db.session.commit()
    day = to_vn(done.received_at).date()
    text = _read(render_register(demo.unit("tam-hong"), day, day, actor=demo.staff("receiver", "tam-hong")),
                 "register")
    _official(text, "07", "Sổ theo dõi hồ sơ")
    for column in ("Mã hồ sơ", "Tên người nộp hồ sơ", "Địa chỉ, số điện thoại", "Số lượng hồ sơ (bộ)",
                   "Cơ quan chủ trì giải quyết", "Chuyển hồ sơ đến cơ quan giải quyết", "Trả kết quả cho người nộp",
                   "Ký nhận", "Ghi chú"):
        assert column in text, column
    assert done.code in text and withdrawn.code in text
    assert "Thôn Đông, xã Tam Hồng" in text and done.applicant_phone in text
    assert "Ủy ban nhân dân xã Tam Hồng" in text and "Đã rút" in text
    assert "Tổng số: 2 hồ sơ tiếp nhận; 2 đã kết thúc" in text


def test_form_07_shows_the_transfer_of_a_lien_thong_application(db, demo, flow):
    """Commune desk -> district: the transfer column names the day and who gave and took it."""
    from portal.documents.sheets import register_rows
    from portal.timeutil import to_vn
    flow.submitted(service_slug="dang-ky-thanh-lap-ho-kinh-doanh")
    receiver = demo.staff("receiver", "tam-hong")
    flow.fire("accept", receiver)
    application = flow.application
    if application.state == "awaiting_payment":
        flow.fire("pay", receiver)
    flow.fire("forward", receiver)
    district_receiver = demo.staff("receiver", "yen-lac")
    flow.fire("accept_transfer", district_receiver)
    day = to_vn(application.received_at).date()
    [row] = [r for r in register_rows(demo.unit("tam-hong"), day, day) if r["code"] == application.code]
    assert row["transfer"] is not None
    assert row["transfer"]["giver"] == receiver.full_name and row["transfer"]["taker"] == district_receiver.full_name
    assert row["lead_agency"] == demo.unit("yen-lac").name


# -- the one-stop name is data -------------------------------------------------------------------

def test_the_one_stop_name_is_edited_on_the_admin_page_and_listed_by_the_api(client, db, demo):
    from tests.factories import post_form

    from .conftest import login_leader
    login_leader(client, db, "admin@demo.vn")  # the session the two-step sign-in opens (tested in tests/admin)
    unit = demo.unit("tam-hong")
    response = post_form(client, "/quan-tri/don-vi/tam-hong", {
        "slug": unit.slug, "code": unit.code, "name": unit.name, "short_name": unit.short_name, "level": unit.level,
        "parent": unit.parent.slug, "address": unit.address, "phone": unit.phone, "active": "y",
        "one_stop_name": "Trung tâm Phục vụ hành chính công", "return_time": "16:30"})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    unit = db.session.execute(select(Unit).where(Unit.slug == "tam-hong")).scalar_one()
    assert unit.one_stop_name == "Trung tâm Phục vụ hành chính công" and unit.return_time == time(16, 30)
    bad = post_form(client, "/quan-tri/don-vi/tam-hong", {
        "slug": unit.slug, "code": unit.code, "name": unit.name, "short_name": unit.short_name, "level": unit.level,
        "parent": unit.parent.slug, "active": "y", "return_time": "25 giờ"})
    assert bad.status_code == 200 and "Giờ không hợp lệ" in bad.get_data(as_text=True)
    listed = {u["slug"]: u for u in client.get("/api/v1/units").get_json()}
    assert listed["tam-hong"]["one_stop_name"] == "Trung tâm Phục vụ hành chính công"
    assert listed["dong-van"]["one_stop_name"] is None


def test_every_form_kind_is_numbered_by_the_circular():
    from portal.documents.kinds import FORM_NUMBERS, TITLES
    assert [FORM_NUMBERS[k] for k in ("receipt", "supplement_request", "refusal", "apology", "stop_notice",
                                      "control_sheet", "register")] == ["01", "02", "03", "04", "05", "06", "07"]
    assert set(FORM_NUMBERS) <= set(TITLES)

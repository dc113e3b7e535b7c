"""The issued documents on the staff desk page: listed with number and verification code, downloadable, the
revoke link for a leader of the issuing unit only, and the control sheet (05) and register (06) links."""
import hashlib

from portal.documents.issue import revoke_document
from tests.documents.conftest import pdf_text
from tests.factories import login, make_application

from .conftest import BIRTH, desk_url, document_item, links, result_of, staff


def _desk(client, application):
    page = client.get(desk_url(application))
    assert page.status_code == 200, page.status_code
    return page.get_data(as_text=True)


def test_receiver_sees_the_result_and_downloads_it(client, db, approved):
    result = result_of(approved)
    login(client, staff("receiver"))
    item = document_item(_desk(client, approved), result)
    assert result.number in item and result.code in item and result.title in item
    assert "Kết quả giải quyết" in item  # the kind, in words

    download = f"/van-ban/{result.id}"
    assert download in links(item)
    response = client.get(download)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == result.sha256  # the stored, signed-once bytes
    assert approved.code in pdf_text(response.data)

    verify = f"/verify/{result.code}"
    assert verify in links(item)
    checked = client.get(verify)
    assert checked.status_code == 200 and result.number in checked.get_data(as_text=True)


def test_every_issued_document_is_listed_with_its_kind(client, db, approved):
    login(client, staff("receiver"))
    page = _desk(client, approved)
    [receipt] = [d for d in approved.documents if d.kind == "receipt"]
    item = document_item(page, receipt)
    assert "mẫu 01" in item and receipt.number in item and f"/van-ban/{receipt.id}" in links(item)


def test_only_a_leader_of_the_issuing_unit_sees_the_revoke_link(app, client, db, approved):
    result = result_of(approved)
    revoke = f"/van-ban/{result.id}/thu-hoi"

    handler = app.test_client()
    login(handler, staff("handler"))
    handler_item = document_item(_desk(handler, approved), result)
    assert revoke not in links(handler_item) and "Thu hồi" not in handler_item

    receiver = app.test_client()
    login(receiver, staff("receiver"))
    assert revoke not in links(document_item(_desk(receiver, approved), result))

    login(client, staff("leader"))
    item = document_item(_desk(client, approved), result)
    assert revoke in links(item) and "Thu hồi" in item
    form = client.get(revoke)
    assert form.status_code == 200 and result.number in form.get_data(as_text=True)


def test_a_revoked_document_is_marked_and_offers_no_second_revocation(app, client, db, demo, approved):
    result = result_of(approved)
    with app.test_request_context():
        revoke_document(result, demo.staff("leader", "tam-hong"), "Ghi sai ngày sinh của trẻ")
        db.session.commit()
    login(client, staff("leader"))
    item = document_item(_desk(client, approved), result)
    assert "Đã thu hồi" in item and "Ghi sai ngày sinh của trẻ" in item
    assert f"/van-ban/{result.id}/thu-hoi" not in links(item)
    assert f"/van-ban/{result.id}" in links(item)  # still readable, as the evidence of what was revoked


def test_control_sheet_and_register_links_give_pdfs(client, db, approved):
    login(client, staff("receiver"))
    page = _desk(client, approved)
    control_sheet = f"/ho-so/{approved.id}/phieu-kiem-soat"
    assert control_sheet in links(page)
    sheet = client.get(control_sheet)
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    text = pdf_text(sheet.data)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and approved.code in text

    [register] = [href for href in links(page) if href.startswith("/van-ban/so-theo-doi?")]
    answer = client.get(register)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = pdf_text(answer.data)
    assert "SỔ THEO DÕI HỒ SƠ" in text and approved.code in text
    assert client.get("/van-ban/so-theo-doi").status_code == 200  # the page to pick another period


def test_before_reception_the_desk_lists_nothing_and_offers_no_control_sheet(client, db, demo):
    application = make_application(db, demo.citizen, BIRTH)
    login(client, staff("receiver"))
    page = _desk(client, application)
    assert "Chưa có văn bản nào được ban hành" in page
    assert "/phieu-kiem-soat" not in page and "/van-ban/so-theo-doi" in page

import io
import re
import unicodedata

import pytest
from sqlalchemy import select

from tests.citizen.conftest import apply_url, form_payload, pdf_file, post_page, required_files, stored
from tests.factories import csrf_token_from, login, pdf_bytes, png_bytes, post_form

BIRTH = "dang-ky-khai-sinh"


def submit_page(client, slug, data):
    return post_form(client, apply_url(slug), data, content_type="multipart/form-data")


def latest_application(db):
    from portal.models import Application
    return db.session.execute(select(Application).order_by(Application.id.desc())).scalars().first()


def test_anonymous_is_sent_to_login(client, demo):
    response = client.get(apply_url(BIRTH))
    assert response.status_code == 302
    assert "/dang-nhap" in response.headers["Location"]


def test_staff_may_not_apply(client, demo):
    login(client, "receiver.tam-hong@demo.vn")
    assert client.get(apply_url(BIRTH)).status_code == 403


def test_missing_csrf_token_is_refused_and_nothing_stored(app, client, db, citizen, demo):
    before = stored(app, db)
    response = client.post(apply_url(BIRTH), data=form_payload(BIRTH, files=required_files(demo, BIRTH)),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert stored(app, db) == before


def test_form_offers_intake_units_and_prefills_the_profile(client, citizen):
    html = client.get(apply_url(BIRTH)).get_data(as_text=True)
    assert '<option value="tam-hong">Ủy ban nhân dân xã Tam Hồng</option>' in html
    assert 'value="yen-lac"' not in html  # a district is not an intake unit for a commune procedure
    assert 'name="requester_full_name"' in html and 'value="Nguyễn Văn An"' in html
    assert 'value="026090001234"' in html
    # One file input per document, accepting only PDF/JPEG/PNG; the required one is marked.
    assert html.count('type="file"') == 3
    assert 'accept="application/pdf,image/jpeg,image/png"' in html
    label = re.search(r'<label class="form-label" for="doc_birth_notice">(.*?)</label>', html, re.S).group(1)
    assert "bắt buộc" in label
    assert 'enctype="multipart/form-data"' in html
    assert "Miễn phí" in html or "0 ₫" in html


def test_prefill_of_date_of_birth_and_address(client, citizen):
    html = client.get(apply_url("dang-ky-thanh-lap-ho-kinh-doanh")).get_data(as_text=True)
    assert 'value="1990-05-12"' in html
    assert "Thôn Nhân Lý, xã Tam Hồng" in html


def test_submit_with_files_gives_a_national_code_and_state_submitted(app, client, db, citizen, demo):
    response = submit_page(client, BIRTH, form_payload(BIRTH, files={
        "birth_notice": pdf_file("giay-chung-sinh.pdf"),
        "parents_marriage_certificate": (io.BytesIO(png_bytes()), "ket-hon.png")}))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    application = latest_application(db)
    unit = demo.unit("tam-hong")
    assert re.fullmatch(rf"{re.escape(unit.code)}-\d{{6}}-\d{{4}}", application.code)
    assert application.state == "submitted"
    assert application.unit_id == unit.id
    assert application.data["child_full_name"] == "Nguyễn Văn Bình"
    assert {a.document_key: a.content_type for a in application.attachments} == {
        "birth_notice": "application/pdf", "parents_marriage_certificate": "image/png"}
    assert response.headers["Location"].endswith(f"/ho-so/{application.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert application.code in page
    assert stored(app, db)[3] == 2


def test_fee_is_computed_from_the_form_before_submitting(client, db, citizen, demo):
    slug = "chung-thuc-ban-sao-tu-ban-chinh"
    data = form_payload(slug, intent="fee", pages="3", copies="2")
    html = submit_page(client, slug, data).get_data(as_text=True)
    # 2 x (2.000 + 2.000 + 1.000)
    assert '<strong class="fee-amount">10.000 ₫</strong>' in html
    page = client.get(apply_url(slug)).get_data(as_text=True)
    assert "Số tiền sẽ được tính khi ông/bà nhập Số trang của bản chính, Số bản sao cần chứng thực" in page
    submit = submit_page(client, slug, form_payload(slug, pages="300", copies="1", files={
        "original_scan": pdf_file()}))
    assert submit.status_code == 303
    assert latest_application(db).fee_amount == 200000  # capped per copy


def test_fee_refresh_saves_nothing(app, client, db, citizen, demo):
    before = stored(app, db)
    data = form_payload(BIRTH, intent="fee", files=required_files(demo, BIRTH))
    response = submit_page(client, BIRTH, data)
    assert response.status_code == 200
    assert stored(app, db) == before


def test_save_draft_then_resume_and_submit(app, client, db, citizen, demo):
    response = submit_page(client, BIRTH, form_payload(
        BIRTH, intent="save", omit=("child_full_name", "mother_national_id"),
        files={"birth_notice": pdf_file("chung-sinh.pdf")}))
    assert response.status_code == 303
    draft = latest_application(db)
    assert draft.state == "draft" and draft.code is None
    assert "child_full_name" not in draft.data
    assert response.headers["Location"].endswith(f"/ho-so/{draft.id}/sua")

    listing = client.get("/ho-so").get_data(as_text=True)
    assert f"/ho-so/{draft.id}/sua" in listing and "Hồ sơ nháp" in listing

    page = client.get(f"/ho-so/{draft.id}/sua").get_data(as_text=True)
    assert 'value="Nguyễn Văn Bình"' in page  # what was saved comes back
    assert "chung-sinh.pdf" in page  # and the stored scan is shown

    # Submitting without the missing fields: errors, nothing changes.
    page = post_page(client, f"/ho-so/{draft.id}/sua", {
        **form_payload(BIRTH, unit=None, omit=("child_full_name",)), "intent": "submit"})
    assert page.status_code == 200
    assert "Vui lòng nhập họ, chữ đệm và tên của trẻ." in page.get_data(as_text=True)
    assert latest_application(db).state == "draft"

    done = post_page(client, f"/ho-so/{draft.id}/sua", form_payload(BIRTH, unit=None, intent="submit"))
    assert done.status_code == 303, done.get_data(as_text=True)[:3000]
    application = latest_application(db)
    assert application.id == draft.id and application.state == "submitted" and application.code
    assert [a.filename for a in application.attachments] == ["chung-sinh.pdf"]


def test_draft_attachment_is_replaced_by_a_new_upload(app, client, db, citizen, demo):
    submit_page(client, BIRTH, form_payload(BIRTH, intent="save", files={"birth_notice": pdf_file("a.pdf")}))
    draft = latest_application(db)
    response = post_page(client, f"/ho-so/{draft.id}/sua", form_payload(
        BIRTH, unit=None, intent="save", files={"birth_notice": pdf_file("b.pdf")}))
    assert response.status_code == 303
    from portal.operations.applications import current_attachments
    draft = latest_application(db)
    assert current_attachments(draft)["birth_notice"].filename == "b.pdf"


def test_delete_draft_removes_rows_and_files(app, client, db, citizen, demo):
    before = stored(app, db)
    submit_page(client, BIRTH, form_payload(BIRTH, intent="save", files={"birth_notice": pdf_file()}))
    draft = latest_application(db)
    assert stored(app, db)[3] == before[3] + 1
    response = post_page(client, f"/ho-so/{draft.id}/sua", {}, post_url=f"/ho-so/{draft.id}/xoa")
    assert response.status_code == 303
    assert stored(app, db) == before


def test_stale_draft_form_is_not_saved(client, db, citizen, demo):
    submit_page(client, BIRTH, form_payload(BIRTH, intent="save"))
    draft = latest_application(db)
    page = client.get(f"/ho-so/{draft.id}/sua").get_data(as_text=True)
    data = form_payload(BIRTH, unit=None, intent="save", child_full_name="Tên Mới")
    data["csrf_token"] = csrf_token_from(page)
    data["expected_version"] = str(draft.version - 1)
    response = client.post(f"/ho-so/{draft.id}/sua", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    assert latest_application(db).data["child_full_name"] == "Nguyễn Văn Bình"


@pytest.mark.parametrize("slug, field, value, message", [
    ("dang-ky-khai-sinh", "child_full_name", "", "Vui lòng nhập họ, chữ đệm và tên của trẻ."),
    ("dang-ky-khai-sinh", "child_full_name", "A" * 101,
     "Họ, chữ đệm và tên của trẻ không được dài quá 100 ký tự."),
    ("dang-ky-khai-sinh", "child_date_of_birth", "2026-02-30", "Ngày không hợp lệ"),
    ("dang-ky-khai-sinh", "child_date_of_birth", "30/01/2026", "Ngày không hợp lệ"),
    ("dang-ky-khai-sinh", "mother_national_id", "12345", "Số định danh cá nhân gồm đúng 12 chữ số."),
    ("dang-ky-khai-sinh", "requester_relationship", "Hàng xóm", "Vui lòng chọn một giá trị trong danh sách."),
    ("dang-ky-khai-sinh", "child_sex", "Khác", "Vui lòng chọn một giá trị trong danh sách."),
    ("dang-ky-khai-sinh", "requester_relationship", "", "Vui lòng chọn quan hệ với người được khai sinh."),
    ("dang-ky-thanh-lap-ho-kinh-doanh", "owner_phone", "12345", "Số điện thoại di động không hợp lệ"),
    ("dang-ky-thanh-lap-ho-kinh-doanh", "owner_email", "khong-phai-email",
     "Địa chỉ thư điện tử không hợp lệ."),
    ("dang-ky-thanh-lap-ho-kinh-doanh", "capital", "1e3", "phải là số nguyên"),
    ("dang-ky-thanh-lap-ho-kinh-doanh", "employees", "10001", "phải từ 0 đến 10000"),
    ("dang-ky-thanh-lap-ho-kinh-doanh", "business_lines", "x" * 2001, "không được dài quá 2000 ký tự"),
    ("dang-ky-thanh-lap-ho-kinh-doanh", "declaration", None, "Vui lòng đánh dấu xác nhận"),
])
def test_each_field_type_error_is_shown_beside_the_field_and_in_the_summary(
        app, client, db, citizen, demo, slug, field, value, message):
    before = stored(app, db)
    files = required_files(demo, slug)
    data = form_payload(slug, files=files)
    if value is None:
        data.pop(field)
    else:
        data[field] = value
    response = submit_page(client, slug, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    beside = re.search(rf'<div class="invalid-feedback d-block" id="{field}-error">(.*?)</div>', html, re.S)
    assert beside and message in beside.group(1), html[:3000]
    summary = re.search(r'id="error-summary".*?</ul>', html, re.S).group(0)
    assert f'href="#{field}"' in summary and message in summary
    # The chosen files are stored in a draft at once, so they are never chosen twice (tests/ux).
    assert "Các tệp đã chọn đã được lưu vào hồ sơ nháp" in html
    applications, attachments, _events, stored_files = stored(app, db)
    assert (applications, attachments, stored_files) == (
        before[0] + 1, before[1] + len(files), before[3] + len(files))


def test_missing_required_document_and_unit_are_reported(app, client, db, citizen):
    before = stored(app, db)
    html = submit_page(client, BIRTH, form_payload(BIRTH, unit="")).get_data(as_text=True)
    assert "Vui lòng đính kèm Giấy chứng sinh." in html
    assert "Vui lòng chọn nơi nộp hồ sơ." in html
    html = submit_page(client, BIRTH, form_payload(BIRTH, unit="yen-lac")).get_data(as_text=True)
    assert "Vui lòng chọn nơi nộp hồ sơ trong danh sách." in html
    assert stored(app, db) == before


@pytest.mark.parametrize("upload, message", [
    ((io.BytesIO(b"Day khong phai PDF, chi la van ban."), "giay-to.pdf"),
     "Chỉ chấp nhận tệp PDF, JPEG hoặc PNG"),
    ((io.BytesIO(b""), "rong.pdf"), "Tệp rỗng"),
    ((io.BytesIO(b"GIF89a" + b"\x00" * 64), "anh.png"), "Chỉ chấp nhận tệp PDF, JPEG hoặc PNG"),
])
def test_bad_files_are_refused_and_nothing_is_stored(app, client, db, citizen, demo, upload, message):
    before = stored(app, db)
    # A good file alongside: it must not survive the refusal either.
    response = submit_page(client, BIRTH, form_payload(BIRTH, files={
        "parents_marriage_certificate": pdf_file("tot.pdf"), "birth_notice": upload}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    beside = re.search(r'id="doc_birth_notice-error">(.*?)</div>', html, re.S)
    assert beside and message in beside.group(1)
    assert stored(app, db) == before


def test_bad_file_in_a_draft_save_leaves_the_draft_unchanged(app, client, db, citizen):
    submit_page(client, BIRTH, form_payload(BIRTH, intent="save"))
    draft = latest_application(db)
    before = stored(app, db)
    response = post_page(client, f"/ho-so/{draft.id}/sua", form_payload(
        BIRTH, unit=None, intent="save", child_full_name="Đổi Tên",
        files={"parents_marriage_certificate": pdf_file("tot.pdf"),
               "birth_notice": (io.BytesIO(b"plain text"), "x.pdf")}))
    assert response.status_code == 200
    assert stored(app, db) == before
    assert latest_application(db).data["child_full_name"] == "Nguyễn Văn Bình"


def test_oversize_file_is_refused(app, client, db, citizen, monkeypatch):
    # Small enough that the test client keeps the request body in memory.
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 0.1)
    before = stored(app, db)
    big = pdf_bytes() + b"%" * (110 * 1024)
    html = submit_page(client, BIRTH, form_payload(BIRTH, files={"birth_notice": pdf_file("lon.pdf", big)})
                       ).get_data(as_text=True)
    assert "Tệp vượt quá dung lượng cho phép (0.1 MB)." in html
    assert "tối đa 0.1 MB mỗi tệp" in html
    assert stored(app, db) == before


def test_directory_parts_of_file_names_are_stripped(client, db, citizen):
    response = submit_page(client, BIRTH, form_payload(BIRTH, files={
        "birth_notice": pdf_file("/home/an/Desktop/chung sinh.pdf"),
        "parents_marriage_certificate": pdf_file("../../etc/ket-hon.pdf")}))
    assert response.status_code == 303
    names = sorted(a.filename for a in latest_application(db).attachments)
    assert names == ["chung sinh.pdf", "ket-hon.pdf"]
    assert all("/" not in a.stored_name for a in latest_application(db).attachments)


def test_decomposed_input_is_stored_composed(client, db, citizen):
    nfd = unicodedata.normalize("NFD", "Trần Thị Hoà")
    response = submit_page(client, BIRTH, form_payload(
        BIRTH, child_full_name=nfd,
        files={"birth_notice": pdf_file(unicodedata.normalize("NFD", "giấy.pdf"))}))
    assert response.status_code == 303
    application = latest_application(db)
    assert application.data["child_full_name"] == unicodedata.normalize("NFC", "Trần Thị Hoà")
    assert application.attachments[0].filename == unicodedata.normalize("NFC", "giấy.pdf")


def test_unknown_fields_are_ignored(client, db, citizen):
    data = form_payload(BIRTH, files={"birth_notice": pdf_file()})
    data.update({"is_admin": "y", "state": "completed", "doc_unknown": pdf_file()})
    assert submit_page(client, BIRTH, data).status_code == 303
    application = latest_application(db)
    assert "is_admin" not in application.data and application.state == "submitted"
    assert len(application.attachments) == 1


def test_codes_count_per_unit_and_day(client, db, citizen, demo):
    codes = []
    for unit in ("tam-hong", "tam-hong", "dong-van"):
        submit_page(client, BIRTH, form_payload(BIRTH, unit=unit, files={"birth_notice": pdf_file()}))
        codes.append(latest_application(db).code)
    assert codes[0].endswith("-0001") and codes[1].endswith("-0002") and codes[2].endswith("-0001")
    assert codes[2].startswith(demo.unit("dong-van").code)

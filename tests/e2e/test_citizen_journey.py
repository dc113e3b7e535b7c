"""A citizen on a phone: finds the birth registration, logs in, fills the form, attaches a scan, submits,
and reads the application code."""
import re

import pytest

from tests.e2e.conftest import fits_the_screen, shot
from tests.factories import PASSWORD, pdf_bytes

pytestmark = pytest.mark.e2e


def test_apply_for_birth_registration_on_a_phone(live_server, phone, demo):
    page = phone
    page.goto(live_server + "/")
    shot(page, "01-home")
    assert fits_the_screen(page)

    page.get_by_label("Tìm thủ tục").fill("khai sinh")
    page.get_by_role("button", name="Tìm thủ tục").click()
    page.wait_for_url(re.compile(r"/thu-tuc\?"))
    shot(page, "02-search")
    assert fits_the_screen(page)

    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    page.wait_for_url(re.compile(r"/thu-tuc/dang-ky-khai-sinh$"))
    shot(page, "03-procedure")
    assert fits_the_screen(page)
    assert page.get_by_text("Giấy chứng sinh", exact=True).is_visible()

    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    page.wait_for_url(re.compile(r"/dang-nhap"))
    page.get_by_label("Email").fill("citizen@demo.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    shot(page, "04-login")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/thu-tuc/dang-ky-khai-sinh/nop-ho-so$"))
    assert fits_the_screen(page)
    # The profile fills the applicant's own fields.
    assert page.locator("#requester_full_name").input_value() == "Nguyễn Văn An"

    # Sent empty first: every problem is listed on top and beside its field.
    page.get_by_role("button", name="Tiếp tục", exact=True).click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "Vui lòng chọn nơi nộp hồ sơ." in summary.inner_text()
    assert page.locator("#child_full_name-error").inner_text() == "Vui lòng nhập họ, chữ đệm và tên của trẻ."
    shot(page, "05-form-errors")
    assert fits_the_screen(page)

    page.get_by_label("Nơi nộp hồ sơ").select_option("tam-hong")
    page.locator("#child_full_name").fill("Nguyễn Minh Khang")
    page.get_by_label("Nam", exact=True).check()
    page.locator("#child_date_of_birth").fill("2026-11-20")
    page.locator("#child_place_of_birth").fill("Bệnh viện Sản Nhi tỉnh Vĩnh Phúc")
    page.locator("#child_ethnicity").fill("Kinh")
    page.locator("#child_nationality").fill("Việt Nam")
    page.locator("#child_hometown").fill("xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc")
    page.locator("#mother_full_name").fill("Trần Thị Mai")
    page.locator("#mother_national_id").fill("026192003456")
    page.locator("#requester_relationship").select_option("Cha")
    page.locator("#doc_birth_notice").set_input_files(
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    shot(page, "06-form-filled")
    assert fits_the_screen(page)

    page.get_by_role("button", name="Tiếp tục", exact=True).click()
    # Check your answers, then the declaration (issue 14).
    page.wait_for_url(re.compile(r"/ho-so/\d+/kiem-tra$"))
    page.get_by_label("Tôi xin cam đoan", exact=False).check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url(re.compile(r"/ho-so/\d+$"))
    shot(page, "07-application")
    assert fits_the_screen(page)
    code = page.locator("h1 .application-code").inner_text()
    assert re.fullmatch(r"000\.21\.31\.H62-\d{6}-\d{4}", code), code
    assert page.get_by_text(f"Mã hồ sơ của ông/bà là {code}").is_visible()
    assert page.get_by_text("Hồ sơ đang chờ Bộ phận Một cửa").is_visible()

    page.get_by_label("Đường dẫn").get_by_role("link", name="Hồ sơ của tôi").click()
    page.wait_for_url(re.compile(r"/ho-so$"))
    shot(page, "08-my-applications")
    assert page.get_by_text(code).is_visible()
    assert fits_the_screen(page)


def test_answer_a_supplement_request_on_a_phone(live_server, phone, db, demo):
    from portal.operations.transitions import fire
    from tests.factories import make_application
    application = make_application(db, demo.citizen)
    fire(application, "request_supplement", demo.staff("receiver", "tam-hong"),
         note="Giấy chứng sinh bị mờ, đề nghị chụp lại bản rõ nét.")
    db.session.commit()

    page = phone
    page.goto(live_server + "/dang-nhap")
    page.get_by_label("Email").fill("citizen@demo.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/ho-so$"))
    page.get_by_role("link", name=application.code).click()
    page.wait_for_url(re.compile(rf"/ho-so/{application.id}$"))
    assert "Giấy chứng sinh bị mờ" in page.locator(".next-step blockquote").inner_text()
    page.locator("#doc_birth_notice").set_input_files(
        files=[{"name": "chung-sinh-ro-net.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.get_by_label("Ghi chú gửi Bộ phận Một cửa").fill("Đã chụp lại giấy chứng sinh.")
    shot(page, "11-supplement")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Nộp bổ sung").click()
    page.wait_for_url(re.compile(rf"/ho-so/{application.id}$"))
    assert page.get_by_text("Đã nộp bổ sung hồ sơ.").is_visible()
    shot(page, "12-after-supplement")
    db.session.refresh(application)
    assert application.state == "submitted"

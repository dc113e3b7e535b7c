"""The pages changed for issue 14 (points 1, 2, 3, 5) in Chromium at 375 px: no sideways scrolling, the
focus on the error summary after a failed submit, and a screenshot of each in tests/_artifacts/ux-*.png."""
import os
import re
import threading

import pytest
from werkzeug.serving import make_server

from tests.e2e.conftest import browser, fits_the_screen, phone, shot  # noqa: F401,F811  (fixtures)
from tests.factories import PASSWORD, pdf_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(app, demo):
    # E2E_PORT picks the port (a helper's range); 0 lets the system choose.
    server = make_server("127.0.0.1", int(os.environ.get("E2E_PORT", "0")), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_public_and_account_pages_on_a_phone(site, phone):  # noqa: F811
    page = phone
    for path, name in (("/tra-cuu", "ux-lookup"), ("/xac-minh", "ux-verify-form"),
                       ("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ", "ux-verify-unknown"), ("/quen-mat-khau", "ux-forgot"),
                       ("/dang-nhap?next=/thu-tuc/dang-ky-khai-sinh/nop-ho-so", "ux-login")):
        page.goto(site + path)
        shot(page, name)
        assert fits_the_screen(page), path

    page.goto(site + "/tra-cuu")
    page.locator("#code").fill("000.21.31.H62-261127-0001")
    page.locator("#phone").fill("1234")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state()
    assert "Bad Request" not in page.content()
    assert page.get_by_text("Không tìm thấy hồ sơ").is_visible()  # an answer, not a 400
    shot(page, "ux-lookup-miss")

    page.goto(site + "/dang-ky")
    page.locator("#email").fill("khong-phai-email")
    page.get_by_role("button", name="Đăng ký").last.click()
    page.locator("#error-summary").wait_for()
    assert focused_id(page) == "error-summary"
    shot(page, "ux-register-errors")
    assert fits_the_screen(page)


def test_apply_keep_files_check_answers_and_change_password_on_a_phone(site, phone):  # noqa: F811
    page = phone
    page.goto(site + "/dang-nhap?next=/thu-tuc/dang-ky-khai-sinh/nop-ho-so")
    page.get_by_label("Email").fill("citizen@demo.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/nop-ho-so$"))
    page.get_by_label("Nơi nộp hồ sơ").select_option("tam-hong")
    page.locator("#doc_birth_notice").set_input_files(
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.get_by_role("button", name="Tiếp tục", exact=True).click()
    page.locator("#error-summary").wait_for()
    assert focused_id(page) == "error-summary"
    assert page.get_by_role("link", name="giay-chung-sinh.pdf").is_visible()  # kept, shown as attached
    shot(page, "ux-apply-refused-files-kept")
    assert fits_the_screen(page)

    for selector, value in (("#child_full_name", "Nguyễn Minh Khang"), ("#child_date_of_birth", "2026-11-20"),
                            ("#child_place_of_birth", "Bệnh viện Sản Nhi tỉnh Vĩnh Phúc"),
                            ("#child_ethnicity", "Kinh"), ("#child_nationality", "Việt Nam"),
                            ("#child_hometown", "xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc"),
                            ("#mother_full_name", "Trần Thị Mai"), ("#mother_national_id", "026 192 003 456")):
        page.locator(selector).fill(value)
    page.get_by_label("Nam", exact=True).check()
    page.locator("#requester_relationship").select_option("Cha")
    page.get_by_role("button", name="Tiếp tục", exact=True).click()
    page.wait_for_url(re.compile(r"/kiem-tra$"))
    shot(page, "ux-check-answers")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.locator("#error-summary").wait_for()
    assert focused_id(page) == "error-summary"
    shot(page, "ux-check-answers-no-declaration")
    page.get_by_label("Tôi xin cam đoan", exact=False).check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url(re.compile(r"/ho-so/\d+$"))

    page.goto(site + "/tai-khoan/doi-mat-khau")
    page.locator("#current").fill("sai-mat-khau-1")
    page.locator("#password").fill("Hoa-sen-no-2026")
    page.locator("#confirm").fill("Hoa-sen-no-2026")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.locator("#error-summary").wait_for()
    assert page.locator("#password").input_value() == ""
    shot(page, "ux-change-password-error")
    assert fits_the_screen(page)

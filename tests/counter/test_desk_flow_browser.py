"""In a real browser on a desktop (1366 px): a receiver signs in, opens "Tiếp nhận hồ sơ trực tiếp" from the
inbox, enters a walk-in birth registration for a person without an account with one scanned PDF, and prints
form 01 (the receipt PDF, read back)."""
import io
import re

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import browser, browser_page, live_server, shot  # noqa: F401  (fixtures)
from tests.factories import PASSWORD, pdf_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture
def desktop(browser):  # noqa: F811
    with browser_page(browser, viewport={"width": 1366, "height": 768}) as page:
        yield page


def _attach_scan(page):
    page.locator("#doc_birth_notice").set_input_files(
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])


def test_receiver_enters_a_walk_in_application_and_prints_form_01(live_server, desktop, demo):  # noqa: F811
    page = desktop
    page.goto(live_server + "/dang-nhap")
    page.get_by_label("Email").fill("receiver.tam-hong@demo.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/can-bo/hop-viec"))

    page.get_by_role("link", name="Tiếp nhận hồ sơ trực tiếp").click()
    page.wait_for_url(re.compile(r"/can-bo/tiep-nhan-truc-tiep$"))
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    page.wait_for_url(re.compile(r"/can-bo/tiep-nhan-truc-tiep/dang-ky-khai-sinh$"))

    page.locator("#applicant_national_id").fill("099195004321")  # province code 099 does not exist
    page.locator("#applicant_full_name").fill("Lê Thị Hoa")
    page.locator("#applicant_phone").fill("0912 345 679")
    page.locator("#child_full_name").fill("Nguyễn Minh Khang")
    page.get_by_label("Nam", exact=True).check()
    page.locator("#child_date_of_birth").fill("2026-11-20")
    page.locator("#child_place_of_birth").fill("Bệnh viện Sản Nhi tỉnh Vĩnh Phúc")
    page.locator("#child_ethnicity").fill("Kinh")
    page.locator("#child_nationality").fill("Việt Nam")
    page.locator("#child_hometown").fill("xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc")
    page.locator("#mother_full_name").fill("Trần Thị Mai")
    page.locator("#mother_national_id").fill("026192003456")
    page.locator("#requester_full_name").fill("Lê Thị Hoa")
    page.locator("#requester_national_id").fill("026195004321")
    page.locator("#requester_relationship").select_option("Mẹ")
    _attach_scan(page)
    assert page.locator("#checked_birth_notice").is_checked()
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()

    # The wrong identification number is refused beside its field, and only it; nothing was kept.
    page.locator("#applicant_national_id-error").wait_for()
    assert "mã tỉnh" in page.locator("#applicant_national_id-error").inner_text()
    assert page.locator(".invalid-feedback").count() == 1
    shot(page, "counter-01-refused")

    page.locator("#applicant_national_id").fill("026195004321")
    _attach_scan(page)  # a browser never keeps a chosen file across a refused post
    shot(page, "counter-02-filled")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()

    page.wait_for_url(re.compile(r"/can-bo/tiep-nhan-truc-tiep/ho-so/\d+$"))
    code = page.locator("#application-code").inner_text()
    assert re.fullmatch(r"000\.21\.31\.H62-\d{6}-\d{4}", code), code
    shot(page, "counter-03-received")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    printed = page.get_by_role("link", name="In giấy tiếp nhận")
    assert printed.is_visible()
    pdf = page.request.get(live_server + printed.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"].startswith("application/pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert code in text and "Lê Thị Hoa" in text and "/tra-cuu" in text

"""Issue 14 point 11: a citizen on a 375 px phone, from the home page to a submitted application (search,
sign in, fill, attach a PDF, check the answers, declare, submit), with the service worker running. The
time the scripted journey takes and the number of fields it fills are printed (and written to
tests/_artifacts/pwa/journey.json) for the closing note; the time is not asserted."""
import json
import re
import time

import pytest

from tests.factories import PASSWORD, pdf_bytes
from tests.pwa.conftest import SCREENS, screenshot

pytestmark = pytest.mark.e2e


class Filler:
    """Fills fields the way a person does, one at a time, and counts them."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def fill(self, locator, value):
        locator.fill(value)
        self.count += 1

    def select(self, locator, value):
        locator.select_option(value)
        self.count += 1

    def check(self, locator):
        locator.check()
        self.count += 1

    def attach(self, locator, name):
        locator.set_input_files(files=[{"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}])
        self.count += 1


def test_phone_journey_from_home_to_submitted(site, phone_page, capsys):
    page = phone_page
    form = Filler(page)
    started = time.monotonic()

    page.goto(site.url("/"))
    form.fill(page.get_by_label("Tìm thủ tục"), "khai sinh")
    page.get_by_role("button", name="Tìm thủ tục").click()
    page.wait_for_url(re.compile(r"/thu-tuc\?"))
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    page.wait_for_url(re.compile(r"/thu-tuc/dang-ky-khai-sinh$"))
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()

    page.wait_for_url(re.compile(r"/dang-nhap"))
    at_sign_in = time.monotonic()
    form.fill(page.get_by_label("Email"), "citizen@demo.vn")
    form.fill(page.get_by_label("Mật khẩu"), PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/thu-tuc/dang-ky-khai-sinh/nop-ho-so$"))
    screenshot(page, "journey-1-form-375")

    form.select(page.get_by_label("Nơi nộp hồ sơ"), "tam-hong")
    form.fill(page.locator("#child_full_name"), "Đỗ Thanh Hà")
    form.check(page.get_by_label("Nữ", exact=True))
    form.fill(page.locator("#child_date_of_birth"), "2026-11-25")
    form.fill(page.locator("#child_place_of_birth"), "Bệnh viện đa khoa huyện Yên Lạc")
    form.fill(page.locator("#child_ethnicity"), "Kinh")
    form.fill(page.locator("#child_nationality"), "Việt Nam")
    form.fill(page.locator("#child_hometown"), "xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc")
    form.fill(page.locator("#mother_full_name"), "Trần Thị Mai")
    form.fill(page.locator("#mother_national_id"), "026 192 003 456")
    form.select(page.locator("#requester_relationship"), "Cha")
    form.attach(page.locator("#doc_birth_notice"), "giay-chung-sinh.pdf")
    screenshot(page, "journey-2-filled-375")
    page.get_by_role("button", name="Tiếp tục", exact=True).click()

    page.wait_for_url(re.compile(r"/ho-so/\d+/kiem-tra$"))
    assert page.get_by_text("Đỗ Thanh Hà").first.is_visible()
    assert page.get_by_text("giay-chung-sinh.pdf").first.is_visible()
    screenshot(page, "journey-3-check-answers-375")
    form.check(page.get_by_label("Tôi xin cam đoan", exact=False))
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url(re.compile(r"/ho-so/\d+$"))
    finished = time.monotonic()
    code = page.locator("h1 .application-code").inner_text()
    assert page.get_by_text(f"Mã hồ sơ của ông/bà là {code}").is_visible()
    screenshot(page, "journey-4-submitted-375")

    from portal.models import Application
    site.db.session.expire_all()
    application = site.db.session.query(Application).filter_by(code=code).one()
    assert application.state == "submitted"
    assert application.data["child_full_name"] == "Đỗ Thanh Hà"
    assert application.data["mother_national_id"] == "026192003456"  # typed with spaces, stored clean
    assert [a.filename for a in application.attachments] == ["giay-chung-sinh.pdf"]

    figures = {"viewport": "375x812", "seconds_home_to_submitted": round(finished - started, 2),
               "seconds_sign_in_to_submitted": round(finished - at_sign_in, 2), "fields_filled": form.count}
    SCREENS.mkdir(parents=True, exist_ok=True)
    (SCREENS / "journey.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    with capsys.disabled():
        print(f"\nphone journey (scripted, 375 px): {figures['seconds_home_to_submitted']} s home to submitted, "
              f"{figures['seconds_sign_in_to_submitted']} s sign-in page to submitted, "
              f"{figures['fields_filled']} fields filled")

"""Issue 14 points 10-11 in Chromium: the service worker installs and keeps the shell, the home page opens
without the network, signed-in pages are never kept, and a draft saved without the network reaches the
portal when the network returns."""
import json
import re

import pytest

from tests.pwa.conftest import screenshot

pytestmark = pytest.mark.e2e

BIRTH = "/thu-tuc/dang-ky-khai-sinh/nop-ho-so"
STORE = "dvc.drafts.v1"


def wait_for_worker(page):
    """Until the worker is active and controls the page. It claims the pages open when it activates; a page
    whose request left before that and arrived after is not claimed, and is controlled once reloaded."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def cached_paths(page):
    return page.evaluate("""async () => {
        const paths = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) {
                paths.push(new URL(request.url).pathname);
            }
        }
        return paths;
    }""")


def stored(page):
    return json.loads(page.evaluate(f"localStorage.getItem('{STORE}')") or "null")


def test_worker_installs_and_the_home_page_opens_offline(site, phone_context, phone_page):
    page = phone_page
    page.goto(site.url("/"))
    wait_for_worker(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == site.url("/")
    assert {"/", "/ngoai-tuyen", "/static/portal.css", "/static/js/pwa.js"} <= set(cached_paths(page))

    phone_context.set_offline(True)
    try:
        page.reload()
        assert page.locator("h1").first.is_visible()
        assert "Bạn đang ngoại tuyến" not in page.content()
        # The shell's style came from the cache too: the red bar.
        colour = page.evaluate("getComputedStyle(document.querySelector('.portal-header .navbar')).backgroundColor")
        assert colour == "rgb(163, 23, 28)"
        screenshot(page, "home-offline-375")

        page.goto(site.url("/thu-tuc/cap-giay-phep-xay-dung"))  # never opened: the offline page
        assert page.get_by_role("heading", name="Bạn đang ngoại tuyến").is_visible()
        assert page.get_by_text("Chưa có hồ sơ nào được lưu trên máy này.").is_visible()
        screenshot(page, "offline-page-375")
    finally:
        phone_context.set_offline(False)


def test_signed_in_pages_are_never_kept(site, phone_context, phone_page):
    page = phone_page
    site.sign_in(page, "citizen@demo.vn")
    wait_for_worker(page)
    page.goto(site.url("/ho-so"))
    assert "Nguyễn Văn An" in page.content()  # the signed-in name, in the (folded) menu
    page.goto(site.url(BIRTH))
    paths = cached_paths(page)
    assert "/ho-so" not in paths and BIRTH not in paths
    phone_context.set_offline(True)
    try:
        page.goto(site.url("/ho-so"))
        assert page.get_by_role("heading", name="Bạn đang ngoại tuyến").is_visible()
        assert "Nguyễn Văn An" not in page.content()  # the offline page was kept without cookies
    finally:
        phone_context.set_offline(False)


def _drafts_of(site, citizen_email):
    from portal.models import Application, User
    site.db.session.expire_all()
    citizen = site.db.session.query(User).filter_by(email=citizen_email).one()
    return site.db.session.query(Application).filter_by(applicant_id=citizen.id, state="draft").all()


@pytest.mark.parametrize("leave_the_form", [False, True], ids=["on-the-form", "via-the-offline-page"])
def test_a_draft_saved_offline_reaches_the_portal_when_the_network_returns(
        site, phone_context, phone_page, leave_the_form):
    page = phone_page
    site.sign_in(page, "citizen@demo.vn")
    wait_for_worker(page)
    before = {a.id for a in _drafts_of(site, "citizen@demo.vn")}
    page.goto(site.url(BIRTH))
    page.get_by_label("Nơi nộp hồ sơ").select_option("tam-hong")
    page.locator("#child_full_name").fill("Lê Gia Bảo")
    page.get_by_label("Nam", exact=True).check()
    page.locator("#child_date_of_birth").fill("2026-11-02")
    page.locator("#child_place_of_birth").fill("Trạm y tế xã Tam Hồng")
    page.wait_for_function(f"() => (localStorage.getItem('{STORE}') || '').includes('Trạm y tế')")
    kept = stored(page)["forms"][BIRTH]
    names = [name for name, _ in kept["values"]]
    assert "csrf_token" not in names and not any(name.startswith("doc_") for name in names)
    assert ["child_full_name", "Lê Gia Bảo"] in kept["values"]

    phone_context.set_offline(True)
    page.get_by_role("button", name="Lưu nháp", exact=True).click()
    status = page.locator("[data-offline-status]")
    assert "đang ngoại tuyến" in status.inner_text()
    assert stored(page)["forms"][BIRTH]["pending"]["intent"] == "save"
    screenshot(page, "apply-saved-offline-375")
    assert {a.id for a in _drafts_of(site, "citizen@demo.vn")} == before  # nothing reached the portal
    if leave_the_form:
        page.goto(site.url("/ho-so"))  # the worker answers with the offline page, which lists the draft
        assert page.get_by_role("heading", name="Bạn đang ngoại tuyến").is_visible()
        item = page.locator("[data-offline-drafts] li")
        assert item.count() == 1
        assert "Đăng ký khai sinh" in item.inner_text() and "Sẽ gửi khi có kết nối" in item.inner_text()
        assert item.get_by_role("link").get_attribute("href") == BIRTH
        screenshot(page, "offline-page-with-draft-375")

    phone_context.set_offline(False)  # the "online" event: pwa.js sends the draft, then opens it
    page.wait_for_url(re.compile(r"/ho-so/\d+/sua$"))
    assert page.get_by_text("hồ sơ ông/bà lưu khi ngoại tuyến đã được gửi và lưu").is_visible()
    screenshot(page, "draft-sent-after-reconnect-375")
    new = [a for a in _drafts_of(site, "citizen@demo.vn") if a.id not in before]
    assert len(new) == 1
    draft = new[0]
    assert page.url.endswith(f"/ho-so/{draft.id}/sua")
    assert draft.unit.slug == "tam-hong"
    assert draft.data["child_full_name"] == "Lê Gia Bảo"
    assert draft.data["child_place_of_birth"] == "Trạm y tế xã Tam Hồng"
    assert str(draft.data["child_date_of_birth"]).startswith("2026-11-02")
    assert stored(page) is None  # sent: nothing of it stays on the phone
    assert page.locator("#child_full_name").input_value() == "Lê Gia Bảo"


def test_sign_out_wipes_what_the_phone_kept(site, phone_context, phone_page):
    page = phone_page
    site.sign_in(page, "citizen@demo.vn")
    page.goto(site.url(BIRTH))
    page.locator("#child_full_name").fill("Phạm Minh Châu")
    page.wait_for_function(f"() => (localStorage.getItem('{STORE}') || '').includes('Phạm Minh Châu')")
    page.reload()  # a page drawn afresh by the portal: what was typed comes back from the phone
    assert page.locator("#child_full_name").input_value() == "Phạm Minh Châu"
    assert "Đã khôi phục thông tin" in page.locator("[data-offline-status]").inner_text()
    page.get_by_role("button", name="Mở menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(site.url("/"), wait_until="domcontentloaded")
    assert stored(page) is None


def test_the_offline_page_passes_the_accessibility_audit(site):
    from tests.a11y.axe import check_page
    page = site.page_as("anonymous")
    page.goto(site.url("/ngoai-tuyen"))
    problems = check_page(page)
    assert not problems, "\n".join(problems)


def test_without_javascript_the_form_still_saves(site, browser_without_js):
    page = browser_without_js
    site.sign_in(page, "citizen@demo.vn")
    before = {a.id for a in _drafts_of(site, "citizen@demo.vn")}
    page.goto(site.url(BIRTH))
    page.get_by_label("Nơi nộp hồ sơ").select_option("tam-hong")
    page.locator("#child_full_name").fill("Vũ An Nhiên")
    page.get_by_role("button", name="Lưu nháp", exact=True).click()
    page.wait_for_url(re.compile(r"/ho-so/\d+/sua$"))
    assert page.get_by_text("Đã lưu nháp hồ sơ.").is_visible()
    new = [a for a in _drafts_of(site, "citizen@demo.vn") if a.id not in before]
    assert [a.data["child_full_name"] for a in new] == ["Vũ An Nhiên"]

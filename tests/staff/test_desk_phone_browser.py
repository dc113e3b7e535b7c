"""The desk in a real browser (issue 14, point 7): at 375 px a link at the top of the file leads to the
actions without scrolling past the file, and at 1366 px the actions sit beside it; the leader's approve form
offers the preview, the denial asks for its confirmation. Screenshots go to tests/_artifacts/."""
import re

import pytest

from tests.e2e.conftest import browser, browser_page, fits_the_screen, shot  # noqa: F401  (fixtures)
from tests.factories import PASSWORD, make_application
from tests.live_server import serve

from .conftest import BIRTH, UNIT, staff

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk_server(app, demo):
    with serve(app) as url:
        yield url


def _page(browser, width, height):  # noqa: F811
    return browser_page(browser, viewport={"width": width, "height": height})


def _sign_in(page, base, email):
    from tests.admin.helpers import second_factor_code
    code = second_factor_code(email)
    page.goto(base + "/dang-nhap")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if code is not None:
        page.wait_for_url(re.compile(r"/quan-tri/xac-thuc-hai-buoc"))
        page.locator("input[name=code]").fill(code)
        page.locator("form:has(input[name=code]) button[type=submit]").click()
    page.wait_for_load_state()


IN_VIEW = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                        return r.top >= 0 && r.top < window.innerHeight; }"""


def _in_view(page, selector) -> bool:
    return page.evaluate(IN_VIEW, selector)


def _scrolled_to(page, selector):
    # Bootstrap scrolls smoothly: wait until the target has arrived
    page.wait_for_function(IN_VIEW, arg=selector, timeout=5000)


def test_on_a_phone_the_actions_are_one_tap_away(desk_server, browser, db, demo):  # noqa: F811
    application = make_application(db, demo.citizen, BIRTH, UNIT)
    with _page(browser, 375, 740) as page:
        _sign_in(page, desk_server, staff("receiver"))
        page.goto(f"{desk_server}/can-bo/ho-so/{application.id}")
        jump = page.locator("#jump-to-actions")
        assert jump.is_visible() and _in_view(page, "#jump-to-actions")
        assert not _in_view(page, "#h-actions")  # the file is long: the actions are far below
        assert fits_the_screen(page)
        shot(page, "desk-375-submitted")
        jump.click()
        page.wait_for_function("() => location.hash === '#h-actions'")
        _scrolled_to(page, "#h-actions")
        primary = page.locator("form[data-emphasis=primary] button[type=submit]")
        assert primary.count() == 1 and primary.inner_text() == "Tiếp nhận hồ sơ"
        assert page.locator("#confirm-refuse").is_visible()


def test_on_a_desktop_the_actions_sit_beside_the_file(desk_server, browser, db, demo, advance):  # noqa: F811
    application = advance(make_application(db, demo.citizen, BIRTH, UNIT), "accept", "submit_for_approval")
    with _page(browser, 1366, 768) as page:
        _sign_in(page, desk_server, staff("leader"))
        page.goto(f"{desk_server}/can-bo/ho-so/{application.id}")
        assert page.locator("#h-actions").count() == 1, (page.url, page.content()[:3000])
        assert not page.locator("#jump-to-actions").is_visible()
        assert _in_view(page, "#h-actions")
        assert page.locator("form[data-emphasis=primary]").get_attribute("data-action") == "approve"
        assert page.locator("#result-preview").is_visible()
        assert page.locator("#confirm-deny").is_visible()
        assert fits_the_screen(page)
        shot(page, "desk-1366-awaiting-approval")
        with page.expect_response(re.compile(r"/xem-truoc-ket-qua$")) as preview:
            page.evaluate("(url) => fetch(url)", page.locator("#result-preview").get_attribute("href"))
        assert preview.value.status == 200 and preview.value.headers["content-type"] == "application/pdf"


def test_the_leader_on_a_phone(desk_server, browser, db, demo, advance):  # noqa: F811
    application = advance(make_application(db, demo.citizen, BIRTH, UNIT), "accept", "submit_for_approval")
    with _page(browser, 375, 740) as page:
        _sign_in(page, desk_server, staff("leader"))
        page.goto(f"{desk_server}/can-bo/ho-so/{application.id}")
        page.locator("#jump-to-actions").click()
        page.wait_for_function("() => location.hash === '#h-actions'")
        _scrolled_to(page, "#h-actions")
        assert fits_the_screen(page)
        shot(page, "desk-375-awaiting-approval-actions")


def test_with_javascript_an_unticked_refusal_asks_once_more(desk_server, browser, db, demo):  # noqa: F811
    from tests.operations.helpers import fresh
    application = make_application(db, demo.citizen, BIRTH, UNIT)
    with _page(browser, 375, 740) as page:
        _sign_in(page, desk_server, staff("receiver"))
        page.goto(f"{desk_server}/can-bo/ho-so/{application.id}")
        form = page.locator("form[data-action=refuse]")
        form.locator("textarea[name=note]").fill("Không thuộc thẩm quyền.")
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        form.locator("button[type=submit]").click()
        page.wait_for_timeout(300)
        assert asked and "Từ chối tiếp nhận" in asked[0]
        assert fresh(db, application).state == "submitted" and not form.locator("input[name=confirm]").is_checked()
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        # confirmed: the server now answers for what is missing (the legal basis), not for the box
        refused = page.locator("form[data-action=refuse]")
        assert refused.locator("input[name=confirm]").is_checked()
        assert page.locator("#confirm-refuse-error").count() == 0
        assert page.locator("#legal_basis-refuse-error").count() == 1
        shot(page, "desk-375-refuse-confirmed-missing-legal-basis")

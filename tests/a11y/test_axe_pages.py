"""Issue 14 point 8: every page state (error states included) has no axe-core WCAG 2.1 A/AA violation at
375 and 1366 px and does not scroll sideways at 320 px. One portal and one browser for the whole module; a
state is a page as a person reaches it, sometimes after filling a form wrong on purpose."""
import re

import pytest

from tests.a11y.axe import check_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

STATES = []


def state(name, role="anonymous"):
    def register(reach):
        STATES.append(pytest.param(role, reach, id=name))
        return reach
    return register


def submit(page):
    """Sends the page's main form and waits for the answer (the click alone returns before it)."""
    with page.expect_navigation():
        page.locator("main form:has(button[type=submit]) button[type=submit]").last.click()


def go(page, site, path, status=200):
    response = page.goto(site.url(path))
    assert response.status == status, (path, response.status)


def app_id(site, name):
    return site.states.applications[name]


# -- public --------------------------------------------------------------------------------------

@state("home")
def _home(site, page):
    go(page, site, "/")


@state("home-menu-open")
def _home_menu(site, page):
    go(page, site, "/")
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator(".navbar-toggler").click()
    page.locator("#mainnav.show").wait_for()


@state("home-english")
def _home_english(site, page):
    go(page, site, "/")
    with page.expect_navigation():
        page.locator("header form button[lang=en]").click()  # the language switch
    assert page.locator("html[lang=en]").count() == 1


@state("catalogue")
def _catalogue(site, page):
    go(page, site, "/thu-tuc")


@state("catalogue-search")
def _catalogue_search(site, page):
    go(page, site, "/thu-tuc?q=khai+sinh+cho+con")


@state("catalogue-no-match")
def _catalogue_miss(site, page):
    go(page, site, "/thu-tuc?q=zzqx+wvvk")


@state("service-page")
def _service(site, page):
    go(page, site, "/thu-tuc/dang-ky-khai-sinh")


@state("lookup-form")
def _lookup(site, page):
    go(page, site, "/tra-cuu")


@state("lookup-result")
def _lookup_result(site, page):
    go(page, site, "/tra-cuu")
    page.locator("#code").fill(site.states.lookup_code)
    page.locator("#phone").fill(site.states.lookup_digits)
    submit(page)
    assert page.locator(".timeline, main h2").count(), "no lookup result"


@state("lookup-not-found")
def _lookup_miss(site, page):
    go(page, site, "/tra-cuu")
    page.locator("#code").fill("000.21.31.H62-261127-0001")
    page.locator("#phone").fill("1234")
    submit(page)


@state("lookup-errors")
def _lookup_errors(site, page):
    go(page, site, "/tra-cuu")
    submit(page)
    page.locator("#error-summary").wait_for()


@state("verify-form")
def _verify(site, page):
    go(page, site, "/xac-minh")


@state("verify-result")
def _verify_result(site, page):
    go(page, site, "/xac-minh")
    page.locator("#code").fill(site.states.document_code)
    submit(page)
    assert "/verify/" in page.url or site.states.document_code in page.content()


@state("verify-unknown-code")
def _verify_unknown(site, page):
    go(page, site, "/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ", status=404)


@state("sign-in")
def _sign_in(site, page):
    go(page, site, "/dang-nhap?next=/thu-tuc/dang-ky-khai-sinh/nop-ho-so")


@state("sign-in-error")
def _sign_in_error(site, page):
    go(page, site, "/dang-nhap")
    page.locator("#email").fill("citizen@demo.vn")
    page.locator("#password").fill("sai-mat-khau")
    submit(page)
    assert "/dang-nhap" in page.url


@state("register")
def _register(site, page):
    go(page, site, "/dang-ky")


@state("register-errors")
def _register_errors(site, page):
    go(page, site, "/dang-ky")
    page.locator("#email").fill("khong-phai-email")
    submit(page)
    page.locator("#error-summary").wait_for()


@state("password-recovery")
def _forgot(site, page):
    go(page, site, "/quen-mat-khau")


@state("password-recovery-sent")
def _forgot_sent(site, page):
    go(page, site, "/quen-mat-khau")
    page.locator("#email").fill("citizen2@demo.vn")
    submit(page)


def _reset_link(site):
    from portal.auth.recovery import reset_token
    from portal.models import User
    user = site.db.session.execute(site.db.select(User).filter_by(email="citizen2@demo.vn")).scalar_one()
    return "/dat-lai-mat-khau/" + reset_token(user)


@state("password-reset")
def _reset(site, page):
    go(page, site, _reset_link(site))


@state("password-reset-errors")
def _reset_errors(site, page):
    go(page, site, _reset_link(site))
    page.locator("#password").fill("ngan")
    page.locator("#confirm").fill("khac")
    submit(page)
    page.locator("#error-summary").wait_for()


@state("password-reset-bad-link")
def _reset_bad(site, page):
    go(page, site, "/dat-lai-mat-khau/khong-hop-le", status=410)


@state("offline-page")
def _offline(site, page):
    go(page, site, "/ngoai-tuyen")


@state("not-found")
def _not_found(site, page):
    go(page, site, "/khong-co-trang-nay", status=404)


@state("second-step")
def _second_step(site, page):
    from tests.admin.helpers import second_factor_code
    second_factor_code("admin@demo.vn")  # enrolled: the second step asks for the code
    site.sign_in(page, "admin@demo.vn", stop_at_second_step=True)
    assert "/quan-tri/xac-thuc-hai-buoc" in page.url, page.url


@state("second-step-enrolment")
def _enrolment(site, page):
    site.sign_in(page, "leader.dong-van@demo.vn", stop_at_second_step=True)
    assert "/quan-tri/xac-thuc-hai-buoc" in page.url, page.url


def _sandbox(name, path):
    @state(f"sandbox-{name}")
    def reach(site, page):
        go(page, site, path)
    return reach


@state("sandbox-national-identity")
def _vneid(site, page):
    from urllib.parse import urlencode

    from portal.auth import national_identity_settings as settings
    config = site.app.config
    go(page, site, "/sandbox/vneid/authorize?" + urlencode({
        "client_id": settings.client_id(config), "redirect_uri": settings.redirect_uri(config),
        "response_type": "code", "scope": "openid", "state": "a11y", "nonce": "a11y",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}))


for _name, _path in (("national-portal", "/sandbox/dvcqg/"), ("national-portal-services", "/sandbox/dvcqg/nop-ho-so"),
                     ("national-portal-submit", "/sandbox/dvcqg/nop-ho-so/dang-ky-khai-sinh"),
                     ("reporting", "/sandbox/reporting/")):
    _sandbox(_name, _path)


# -- citizen -------------------------------------------------------------------------------------

@state("my-applications", "citizen")
def _mine(site, page):
    go(page, site, "/ho-so")


@state("apply-form", "citizen")
def _apply(site, page):
    go(page, site, "/thu-tuc/dang-ky-khai-sinh/nop-ho-so")


@state("apply-form-errors", "citizen")
def _apply_errors(site, page):
    go(page, site, "/thu-tuc/dang-ky-khai-sinh/nop-ho-so")
    page.locator("button[type=submit]", has_text=re.compile("Tiếp tục")).first.click()
    page.locator("#error-summary").wait_for()


@state("check-answers", "citizen")
def _check(site, page):
    go(page, site, f"/ho-so/{app_id(site, 'draft')}/kiem-tra")


@state("check-answers-no-declaration", "citizen")
def _check_error(site, page):
    go(page, site, f"/ho-so/{app_id(site, 'draft')}/kiem-tra")
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.locator("#error-summary").wait_for()


def _citizen_application(name):
    @state(f"citizen-application-{name.replace('_', '-')}", "citizen")
    def reach(site, page):
        go(page, site, f"/ho-so/{app_id(site, name)}")
    return reach


for _name in ("draft", "submitted", "supplement_requested", "refused", "awaiting_payment",
              "awaiting_desk_payment", "processing", "result_ready", "completed"):
    _citizen_application(_name)


@state("payment", "citizen")
def _payment(site, page):
    go(page, site, f"/payments/applications/{app_id(site, 'awaiting_payment')}")


@state("payment-sandbox-gateway", "citizen")
def _gateway(site, page):
    go(page, site, f"/payments/applications/{app_id(site, 'awaiting_payment')}")
    submit(page)
    page.wait_for_url(re.compile(r"/sandbox/vnpay/"))


@state("payment-return", "citizen")
def _payment_return(site, page):
    go(page, site, f"/payments/applications/{app_id(site, 'awaiting_payment')}")
    submit(page)
    page.wait_for_url(re.compile(r"/sandbox/vnpay/"))
    page.locator("button[value=cancel]").click()  # cancelled: the application still awaits its payment
    page.wait_for_url(re.compile(r"/payments/vnpay/return"))


@state("rating", "citizen")
def _rating(site, page):
    go(page, site, f"/ho-so/{app_id(site, 'completed')}/danh-gia")


@state("change-password", "citizen")
def _change_password(site, page):
    go(page, site, "/tai-khoan/doi-mat-khau")


def _sent(site, page, path, fields, shown="#error-summary"):
    """The form at `path` filled with `fields` (CSS selector: value) and sent; waits for `shown`."""
    go(page, site, path)
    for selector, value in fields.items():
        page.locator(selector).fill(value)
    submit(page)
    page.locator(shown).wait_for()


@state("change-password-error", "citizen")
def _change_password_error(site, page):
    _sent(site, page, "/tai-khoan/doi-mat-khau", {
        "#current": "sai-mat-khau-1", "#password": "Hoa-sen-no-2026", "#confirm": "Hoa-sen-no-2026"})


@state("account", "citizen")
def _account(site, page):
    go(page, site, "/tai-khoan")


@state("change-email-error", "citizen")
def _change_email_error(site, page):
    _sent(site, page, "/tai-khoan/doi-email", {"#email": "khong-phai-email"})


@state("change-email-sent", "citizen")
def _change_email_sent(site, page):
    _sent(site, page, "/tai-khoan/doi-email", {"#email": "nguyen.van.an@example.vn", "#password": PASSWORD},
          shown="#email-link-sent")


@state("data-store", "citizen")
def _store(site, page):
    go(page, site, "/kho-du-lieu")


@state("claim-counter-application", "citizen")
def _claim(site, page):
    go(page, site, "/ho-so/nhan-ho-so-tai-quay")


# -- staff ---------------------------------------------------------------------------------------

@state("inbox-receiver", "receiver")
def _inbox_receiver(site, page):
    go(page, site, "/can-bo/hop-viec")


@state("inbox-handler", "handler")
def _inbox_handler(site, page):
    go(page, site, "/can-bo/hop-viec")


@state("inbox-leader", "leader")
def _inbox_leader(site, page):
    go(page, site, "/can-bo/hop-viec")


def _staff_application(name, role):
    @state(f"staff-application-{name.replace('_', '-')}", role)
    def reach(site, page):
        go(page, site, f"/can-bo/ho-so/{app_id(site, name)}")
    return reach


for _name, _role in (("submitted", "receiver"), ("supplement_requested", "receiver"), ("refused", "receiver"),
                     ("awaiting_payment", "receiver"), ("awaiting_desk_payment", "receiver"), ("processing", "handler"),
                     ("awaiting_approval", "leader"), ("result_ready", "receiver"), ("completed", "receiver")):
    _staff_application(_name, _role)


@state("staff-refuse-without-legal-basis", "receiver")
def _refuse_error(site, page):
    go(page, site, f"/can-bo/ho-so/{app_id(site, 'submitted')}")
    form = page.locator("form[data-action=refuse]")
    assert form.count() == 1, "no refuse form on the desk page"
    form.locator("textarea[name=note]").fill("Không thuộc thẩm quyền.")
    for confirmation in form.locator("input[type=checkbox]").all():  # "I confirm…", when the page asks
        confirmation.check()
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()


@state("inbox-due-soon", "receiver")
def _inbox_due(site, page):
    go(page, site, "/can-bo/hop-viec?due=soon")


@state("staff-desk-payment", "receiver")
def _desk_payment(site, page):
    go(page, site, f"/payments/applications/{app_id(site, 'awaiting_desk_payment')}/desk")


@state("staff-digitise-result", "handler")
def _digitise(site, page):
    go(page, site, f"/can-bo/ho-so/{app_id(site, 'processing')}/so-hoa-ket-qua")


@state("document-correct", "leader")
def _correct(site, page):
    go(page, site, f"/van-ban/{site.states.document_id}/dinh-chinh")


@state("document-revoke", "leader")
def _revoke(site, page):
    go(page, site, f"/van-ban/{site.states.document_id}/thu-hoi")


@state("counter-choose", "receiver")
def _counter(site, page):
    go(page, site, "/can-bo/tiep-nhan-truc-tiep")


@state("counter-intake", "receiver")
def _intake(site, page):
    go(page, site, "/can-bo/tiep-nhan-truc-tiep/dang-ky-khai-sinh")


@state("counter-intake-errors", "receiver")
def _intake_errors(site, page):
    go(page, site, "/can-bo/tiep-nhan-truc-tiep/dang-ky-khai-sinh")
    submit(page)
    page.locator("#error-summary").wait_for()


@state("desk-search", "receiver")
def _desk_search(site, page):
    go(page, site, "/can-bo/ho-so?q=khai+sinh")


@state("desk-search-code", "receiver")
def _desk_search_code(site, page):
    go(page, site, "/can-bo/ho-so?code=" + site.states.lookup_code)


@state("document-register", "receiver")
def _register_book(site, page):
    go(page, site, "/van-ban/so-theo-doi")


@state("reports-staff", "leader")
def _reports_staff(site, page):
    go(page, site, "/bao-cao/")


# -- administration ------------------------------------------------------------------------------

def _admin(name, path):
    @state(f"admin-{name}", "admin")
    def reach(site, page):
        go(page, site, path)
    return reach


for _name, _path in (("index", "/quan-tri/"), ("units", "/quan-tri/don-vi"),
                     ("unit-edit", "/quan-tri/don-vi/tam-hong"), ("unit-new", "/quan-tri/don-vi/moi"),
                     ("two-levels", "/quan-tri/don-vi/yen-lac/hai-cap"), ("staff", "/quan-tri/can-bo"),
                     ("staff-new", "/quan-tri/can-bo/moi"), ("services", "/quan-tri/thu-tuc"),
                     ("service-edit", "/quan-tri/thu-tuc/dang-ky-khai-sinh"),
                     ("workflows", "/quan-tri/quy-trinh"), ("calendar", "/quan-tri/lich"),
                     ("audit", "/quan-tri/nhat-ky/bang-chung"), ("reports", "/bao-cao/"),
                     ("reports-sent", "/bao-cao/da-gui/"), ("outbox", "/quan-tri/hop-thu-di/"),
                     ("national-codes", "/quan-tri/ma-thu-tuc-dvcqg")):
    _admin(_name, _path)


@state("admin-staff-edit", "admin")
def _staff_edit(site, page):
    from portal.models import User
    user = site.db.session.execute(site.db.select(User).filter_by(email="handler.tam-hong@demo.vn")).scalar_one()
    go(page, site, f"/quan-tri/can-bo/{user.id}")


@state("admin-unit-new-errors", "admin")
def _unit_new_errors(site, page):
    go(page, site, "/quan-tri/don-vi/moi")
    submit(page)
    page.locator("#error-summary").wait_for()


@state("admin-staff-new-errors", "admin")
def _staff_new_errors(site, page):
    go(page, site, "/quan-tri/can-bo/moi")
    submit(page)
    page.locator("#error-summary").wait_for()


# A context of their own: a sign-in stopped half-way, a language chosen for the session.
FRESH = {"second-step", "second-step-enrolment", "home-english"}


@pytest.mark.parametrize("role, reach", STATES)
def test_page_state_is_accessible_at_every_width(site, shots, role, reach, request):
    name = request.node.callspec.id
    page = site.new_page() if name in FRESH else site.page_as(role)
    try:
        reach(site, page)
        page.wait_for_load_state()
        problems = check_page(page, shots(name) if shots else None)
        url = page.url
    finally:
        if name in FRESH:
            page.context.close()
    assert not problems, f"{url}\n" + "\n".join(problems)


def _rgb(css_colour: str) -> tuple[float, ...]:
    return tuple(float(part) for part in re.findall(r"[\d.]+", css_colour)[:3])


def _contrast(first, second) -> float:
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


FOCUS_STYLE = """() => { const e = document.activeElement, s = getComputedStyle(e),
  bar = getComputedStyle(document.querySelector('.portal-header .navbar'));
  return {text: e.textContent.trim(), inHeader: !!e.closest('.portal-header'), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth), colour: s.outlineColor, bar: bar.backgroundColor}; }"""


@pytest.mark.parametrize("width", [1366, 375])
def test_keyboard_focus_is_visible_on_the_red_navigation_bar(site, width):
    """WCAG 2.4.7: each control of the red bar, reached with Tab, has an outline of at least 2 px whose colour
    stands out from the red at 3:1 (1.4.11), not Bootstrap's faint blue shadow."""
    page = site.page_as("anonymous")
    page.set_viewport_size({"width": width, "height": 800})
    go(page, site, "/")
    if width < 768:
        page.locator(".navbar-toggler").click()
        page.locator("#mainnav.show").wait_for()
        page.locator(".navbar-toggler").focus()
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        if not focus["inHeader"]:
            if seen:
                break
            continue
        seen.append(focus["text"])
        assert focus["style"] != "none" and focus["width"] >= 2, focus
        assert _contrast(_rgb(focus["colour"]), _rgb(focus["bar"])) >= 3, focus
    assert len(seen) >= 3, seen  # the menu items and the sign-in links were all reached and checked


def test_the_audit_finds_what_it_looks_for(site):
    """The harness itself: on a page made wrong on purpose, axe (loaded, with the WCAG 2.1 A/AA tags) reports
    the portal's old menu colours and an image without text, and the 320 px check sees the wide box."""
    from tests.a11y.axe import horizontal_overflow, run_axe
    page = site.new_page()
    try:
        page.set_content('<!doctype html><html lang="vi"><head><title>Thử</title></head><body><main>'
                         '<p style="color:#d69799;background:#a3171c">Tra cứu hồ sơ</p><img src="data:,">'
                         '<div style="width:500px">rộng</div></main></body></html>')
        page.set_viewport_size({"width": 320, "height": 800})
        assert horizontal_overflow(page) is not None
        assert {"color-contrast", "image-alt"} <= {v["id"] for v in run_axe(page)}
    finally:
        page.context.close()

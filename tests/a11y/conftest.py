"""One live portal and one Chromium for the whole accessibility audit: the demo data and the application
states are made once (module scope) and each page state is visited once, then checked at every width.
A11Y_SCREENS=1 also saves each state at each width in tests/_artifacts/a11y/ (for a person to look at);
A11Y_PORT picks the server's port."""
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.a11y.axe import AXE
from tests.a11y.states import build_states
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.factories import PASSWORD

SCREENS = ARTIFACTS / "a11y"
ACCOUNTS = {"citizen": "citizen@demo.vn", "receiver": "receiver.tam-hong@demo.vn",
            "handler": "handler.tam-hong@demo.vn", "leader": "leader.tam-hong@demo.vn",
            "admin": "admin@demo.vn"}


@dataclass
class Site:
    base: str
    app: object
    db: object
    states: object
    browser: object
    contexts: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def new_page(self):
        # bypass_csp: axe is a script the portal's policy would refuse (an audit, not the site); no service
        # worker, so that every state audited is the server's answer, not a cached copy.
        context = self.browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN",
                                           bypass_csp=True, service_workers="block")
        context.add_init_script(path=str(AXE))  # in every page before its own scripts: no injection per state
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    def page_as(self, role: str):
        """The page of `role` ("anonymous" or an ACCOUNTS key), signed in through the sign-in page the first
        time it is asked for."""
        if role not in self.pages:
            page = self.new_page()
            if role != "anonymous":
                self.sign_in(page, ACCOUNTS[role])
            self.pages[role] = page
        return self.pages[role]

    def sign_in(self, page, email, stop_at_second_step=False):
        from tests.admin.helpers import second_factor_code
        code = None if stop_at_second_step else second_factor_code(email)
        page.goto(self.url("/dang-nhap"))
        page.locator("#email").fill(email)
        page.locator("#password").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        if code is not None and "/quan-tri/xac-thuc-hai-buoc" in page.url:
            page.locator("#code").fill(code)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
        assert "/dang-nhap" not in page.url, f"{email} could not sign in"


def _shots():
    if os.environ.get("A11Y_SCREENS") != "1":
        return None
    SCREENS.mkdir(parents=True, exist_ok=True)

    def take(name):
        def shot(page, width):
            safe = re.sub(r"[^a-z0-9-]+", "-", name.lower())
            page.screenshot(path=str(SCREENS / f"{safe}-{width}.png"), full_page=True)
        return shot
    return take


@pytest.fixture(scope="module")
def site(_session_app):
    """The portal with the demo data and one application in each state, over HTTP (A11Y_PORT picks the port:
    a helper's range; 0 lets the system choose), and one Chromium."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make node-deps` (npm ci)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (or apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from portal.extensions import db
    from portal.payments.provider import IPN_PATH, SANDBOX_API_PATH
    from tests.conftest import _wipe
    from tests.factories import seed_everything
    app = _session_app
    saved = {key: app.config.get(key) for key in ("VNPAY_IPN_URL", "VNPAY_API_URL", "VNPAY_SANDBOX_STORE")}
    with app.app_context():
        _wipe(app)
        demo = seed_everything(app, db)
        states = build_states(app, db, demo)
        server = make_server("127.0.0.1", int(os.environ.get("A11Y_PORT", "0")), app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        app.config.update(VNPAY_IPN_URL=base + IPN_PATH, VNPAY_API_URL=base + SANDBOX_API_PATH,
                          VNPAY_SANDBOX_STORE=str(Path(app.config["INSTANCE_PATH"]) / "a11y-sandbox.json"))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    yield Site(base=base, app=app, db=db, states=states, browser=browser)
                finally:
                    browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            app.config.update(saved)
            db.session.remove()


@pytest.fixture(scope="module")
def shots():
    return _shots()

"""The installable-app tests reuse the accessibility audit's live portal and Chromium (tests/a11y/conftest.py:
one server and one browser per module; PWA_PORT or A11Y_PORT picks the port). Their pages are phones with
the portal's own Content-Security-Policy in force (the audit's pages bypass it), since the service worker
and the scripts must work under it."""
import os

import pytest

from tests.a11y.conftest import site  # noqa: F401  (the fixture, shared)
from tests.e2e.conftest import ARTIFACTS, PHONE, browser_page

SCREENS = ARTIFACTS / "pwa"

if os.environ.get("PWA_PORT"):
    os.environ["A11Y_PORT"] = os.environ["PWA_PORT"]


@pytest.fixture
def phone_context(site):  # noqa: F811
    """A fresh phone (375 x 812 CSS pixels, Vietnamese, touch): its own storage and service workers."""
    context = site.browser.new_context(**PHONE, service_workers="allow")
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def phone_page(phone_context):
    page = phone_context.new_page()
    page.set_default_timeout(15000)
    return page


def screenshot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


@pytest.fixture
def browser_without_js(site):  # noqa: F811
    with browser_page(site.browser, viewport=PHONE["viewport"], java_script_enabled=False) as page:
        yield page

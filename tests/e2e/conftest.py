"""End-to-end fixtures: the session's app served by werkzeug on a free local port, and Debian's Chromium
driven by playwright (which cannot download its own browsers here)."""
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.live_server import serve

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "_artifacts"


@pytest.fixture
def live_server(app, demo):
    """The app (tables wiped, demo data loaded by the fixtures) answering real HTTP in a thread."""
    with serve(app) as url:
        yield url


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (or apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# A small phone: 375 x 812 CSS pixels, touch, Vietnamese.
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "vi-VN"}


@contextmanager
def browser_page(browser, **options):
    """A page in a context of its own (Vietnamese unless `options` say otherwise), closed with it."""
    context = browser.new_context(**{"locale": "vi-VN", **options})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    """A page the size of a small phone (PHONE)."""
    with browser_page(browser, **PHONE) as page:
        yield page


def shot(page, name):
    """The whole page; with E2E_SCREENS=1 also one picture per screenful, easier to read when reviewing."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if os.environ.get("E2E_SCREENS") == "1":
        width, height = page.viewport_size["width"], page.viewport_size["height"]
        total = page.evaluate("document.documentElement.scrollHeight")
        for index, top in enumerate(range(0, total, height)):
            page.screenshot(path=str(ARTIFACTS / f"{name}-{index + 1}.png"), full_page=True,
                            clip={"x": 0, "y": top, "width": width, "height": min(height, total - top)})


def fits_the_screen(page) -> bool:
    """No sideways scrolling: nothing wider than the viewport."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

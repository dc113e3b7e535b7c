"""English pages: the i18n filters registered on the app (create_app does it once portal.i18n is wired in),
and helpers to switch language as a browser does."""
import html as html_module
from pathlib import Path

import pytest

from tests.factories import post_form

TRANSLATIONS = Path(__file__).resolve().parents[2] / "portal" / "translations"
PO_FILE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO_FILE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"


@pytest.fixture(autouse=True)
def i18n_filters(app):
    from portal import i18n
    if "localized" not in app.jinja_env.filters:
        i18n.register(app)
        # Templates compiled earlier in the session bound the filters' absence: compile them again.
        if app.jinja_env.cache is not None:
            app.jinja_env.cache.clear()
    return app


def switch_language(client, lang, from_page="/"):
    """Presses the header's language button on `from_page` (its CSRF token taken from that page)."""
    response = post_form(client, from_page, {"next": from_page}, post_url=f"/ngon-ngu/{lang}")
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].endswith(from_page)
    return response


def page_text(client, url):
    """The page's HTML with entities decoded (“Child&#39;s” reads “Child's”)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html_module.unescape(response.get_data(as_text=True))


def html_lang(text):
    start = text.index("<html")
    return text[start:text.index(">", start)]

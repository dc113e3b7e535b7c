"""Helpers for the citizen's pages: a logged-in citizen, form payloads as a browser sends them, and what the
database and the upload folder hold (a refused request must leave both as they were)."""
import io
import re
from pathlib import Path

import pytest

from tests.factories import csrf_token_from, login, pdf_bytes, valid_data


@pytest.fixture
def citizen(client, demo):
    login(client, "citizen@demo.vn")
    return demo.citizen


def apply_url(slug):
    return f"/thu-tuc/{slug}/nop-ho-so"


def browser_value(value):
    """A Python value as an HTML form sends it (an unticked box sends nothing)."""
    if value is True:
        return "y"
    return str(value)


def form_payload(slug, unit="tam-hong", intent="submit", files=None, omit=(), **overrides):
    data = {name: browser_value(value) for name, value in valid_data(slug, **overrides).items()
            if value not in (None, False) and name not in omit}
    if unit is not None:
        data["receiving_unit"] = unit
    if intent is not None:
        data["intent"] = intent
    for key, content in (files or {}).items():
        data[f"doc_{key}"] = content
    return data


def pdf_file(name="scan.pdf", content=None):
    return (io.BytesIO(pdf_bytes() if content is None else content), name)


def required_files(demo, slug):
    from portal.operations.catalogue import definition_of
    definition = definition_of(demo.service(slug).current)
    return {d.key: pdf_file(f"{d.key}.pdf") for d in definition.documents if d.required}


def stored(app, db):
    """(applications, attachments, events, files in UPLOAD_DIR)."""
    from portal.models import Application, Attachment, Event
    folder = Path(app.config["UPLOAD_DIR"])
    files = [p for p in folder.iterdir() if p.is_file()] if folder.exists() else []
    db.session.expire_all()
    return (db.session.query(Application).count(), db.session.query(Attachment).count(),
            db.session.query(Event).count(), len(files))


def hidden_version(html):
    match = re.search(r'name="expected_version" type="hidden" value="(\d+)"', html) or \
        re.search(r'value="(\d+)"[^>]*name="expected_version"', html) or \
        re.search(r'name="expected_version"[^>]*value="(\d+)"', html)
    assert match, "no version on the page"
    return match.group(1)


def post_page(client, page_url, data, post_url=None):
    """Posts a form of `page_url` as a browser would: with the page's CSRF token and hidden version."""
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    html = page.get_data(as_text=True)
    payload = dict(data)
    payload.setdefault("csrf_token", csrf_token_from(html))
    payload.setdefault("expected_version", hidden_version(html))
    return client.post(post_url or page_url, data=payload, content_type="multipart/form-data")

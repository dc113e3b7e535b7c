"""Security headers: a Content-Security-Policy without 'unsafe-inline' that the pages keep to (no inline
script, style attribute or event handler in any template), HSTS when secure, Permissions-Policy, no-store
on what a signed-in person sees, and a Server header without versions, under the development server and
under gunicorn (`make serve`)."""
import http.client
import re
from pathlib import Path

from tests.factories import login
from tests.live_server import gunicorn_portal, serve

PROJECT = Path(__file__).resolve().parents[2]


def test_pages_carry_a_strict_policy(client, demo):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert re.search(r"script-src 'self' 'nonce-[\w-]{20,}'", policy)
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in the tests
    other = client.get("/").headers["Content-Security-Policy"]
    assert other != policy  # a fresh nonce per response


def test_hsts_when_served_securely(app, client, demo, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=31536000")


TEMPLATES = PROJECT / "templates"
# E-mails and issued documents are not web pages (mail clients and WeasyPrint read them).
NOT_PAGES = ("emails", "documents", "reports/monthly_pdf.html")


def _pages():
    for path in TEMPLATES.rglob("*.html"):
        relative = path.relative_to(TEMPLATES).as_posix()
        if not relative.startswith(NOT_PAGES):
            yield relative, path.read_text(encoding="utf-8")


def test_no_template_needs_unsafe_inline():
    for name, text in _pages():
        assert not re.search(r"\sstyle\s*=", text), name
        assert not re.search(r"\son[a-z]+\s*=", text), name
        assert not re.search(r"javascript:", text, re.IGNORECASE), name
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            assert "src=" in tag or "csp_nonce()" in tag, (name, tag)


def test_signed_in_pages_are_not_stored(client, demo):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, "citizen@demo.vn")
    for path in ("/", "/ho-so"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_api_answers_to_a_token_are_not_stored(client, demo):
    from tests.factories import api_token
    response = client.get("/api/v1/applications", headers=api_token(client, "citizen@demo.vn"))
    assert response.headers["Cache-Control"] == "no-store"


def test_attachments_keep_their_own_policy(client, db, demo):
    from tests.factories import make_application
    application = make_application(db, demo.citizen)
    login(client, "citizen@demo.vn")
    with client.get(f"/ho-so/{application.id}/tep/{application.attachments[0].id}") as response:
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def _server_header(base: str, timeout: float = 30) -> str:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", "/")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        return ", ".join(v for k, v in response.getheaders() if k.lower() == "server")
    finally:
        connection.close()


def test_the_development_server_names_no_version(app, demo):
    with serve(app) as base:
        assert _server_header(base) == "dvc-portal"


def test_gunicorn_serves_the_portal_and_names_no_version(app, demo, tmp_path):
    with gunicorn_portal(app, tmp_path) as (port, _process):
        # The port is bound before the worker has loaded the portal: on a busy machine that takes a while.
        assert _server_header(f"http://127.0.0.1:{port}", timeout=180) == "dvc-portal"
    assert '"GET / HTTP/1.1" 200' in (tmp_path / "access.log").read_text()

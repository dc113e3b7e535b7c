"""Calls to the portal's own origin (PUBLIC_URL), answered by the app's WSGI in this process.

The sandboxes of the outside systems (national portal, reporting system, payment gateway, VNeID) live in the
portal: under `make run` and in tests there is no second server, and a single-threaded server calling itself
would wait for ever. Every server-to-server call the portal makes goes through here when its URL is on the
portal's own origin, with the same HTTP semantics (method, path, query, headers, body, status, headers back).

The inner request runs in an application context of its own: Flask would otherwise reuse the caller's, and
with it `g`, the signed-in user and the caller's database transaction (the callee's commit is not the
caller's)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, has_app_context


@dataclass
class Answer:
    status_code: int
    reason: str
    headers: list[tuple[str, str]]
    content: bytes


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def is_own(url: str) -> bool:
    """Whether `url` is on the running app's PUBLIC_URL origin."""
    if not has_app_context():
        return False
    public = current_app.config.get("PUBLIC_URL", "")
    return bool(public) and origin(url) == origin(public)


def call(app, method: str, url: str, body: bytes = b"", headers=None) -> Answer:
    """One request to `app` for `url`, in an application context of its own."""
    from werkzeug.test import Client
    parts = urlsplit(url)
    # Werkzeug's builder sets these from the URL and the body.
    sent = [(name, value) for name, value in (dict(headers or {})).items()
            if name.lower() not in ("host", "content-length")]
    with app.app_context():
        answer = Client(app).open(parts.path or "/", method=method, query_string=parts.query, data=body,
                                  headers=sent, base_url=f"{parts.scheme}://{parts.netloc}",
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"})
        try:
            return Answer(answer.status_code, answer.status.partition(" ")[2], list(answer.headers.items()),
                          answer.get_data())
        finally:
            answer.close()

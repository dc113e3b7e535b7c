"""JSON over HTTP for destinations, with the outbox's reading of answers: a 2xx is delivered, a 4xx (but 408
and 429) is a refusal for good (`Refused`), a 5xx, 408, 429, a timeout or a connection error may pass later
(`Transient`, retried with back-off).

A URL on the portal's own PUBLIC_URL origin (its sandboxes) is answered by the app's WSGI in this process,
with the same method, headers, body and status: tests and `make run` need no second server, and a single
development server does not wait on itself."""
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app, has_app_context

from .errors import Refused, Transient

log = logging.getLogger("portal.outbox")

USER_AGENT = "dvc-portal-outbox/1"


@dataclass
class Response:
    status_code: int
    content: bytes
    headers: dict = field(default_factory=dict)
    url: str = ""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self):
        return json.loads(self.content or b"null")


def post_json(url: str, payload, headers: dict | None = None, timeout: float = 10,
              method: str = "POST") -> Response:
    """Sends `payload` as JSON and returns the 2xx answer; raises Refused or Transient otherwise."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sent_headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
                    "User-Agent": USER_AGENT, **(headers or {})}
    if _own_origin(url):
        response = _in_process(method, url, body, sent_headers)
    else:
        response = _over_network(method, url, body, sent_headers, timeout)
    return _judged(response)


def _judged(response: Response) -> Response:
    status = response.status_code
    if 200 <= status < 300:
        return response
    summary = f"HTTP {status} from {response.url}: {_excerpt(response.text)}"
    if status in (408, 429) or status >= 500:
        raise Transient(summary)
    raise Refused(summary)  # 3xx included: a receiver that moved needs its URL changed, not a retry


def _excerpt(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def _own_origin(url: str) -> bool:
    if not has_app_context():
        return False
    public = current_app.config.get("PUBLIC_URL", "")
    return bool(public) and _origin(url) == _origin(public)


def _in_process(method: str, url: str, body: bytes, headers: dict) -> Response:
    from werkzeug.test import Client
    parts = urlsplit(url)
    public = urlsplit(current_app.config["PUBLIC_URL"])
    # The app's own WSGI callable (wsgi_app keeps the middlewares: proxy fix, security headers), in an
    # application context of its own: Flask would otherwise reuse the caller's, and the receiver's request
    # would share (and commit) the caller's database session.
    app = current_app._get_current_object()
    with app.app_context():
        answer = Client(app).open(parts.path or "/", method=method, query_string=parts.query, data=body,
                                  headers=headers, base_url=f"{public.scheme}://{public.netloc}")
    try:
        return Response(answer.status_code, answer.get_data(), dict(answer.headers), url)
    finally:
        answer.close()


def _over_network(method: str, url: str, body: bytes, headers: dict, timeout: float) -> Response:
    import requests
    try:
        answer = requests.request(method, url, data=body, headers=headers, timeout=timeout,
                                  allow_redirects=False)
    except requests.Timeout as error:
        raise Transient(f"timeout after {timeout} s: {method} {url} ({error.__class__.__name__})") from None
    except requests.RequestException as error:
        raise Transient(f"{method} {url} failed: {error.__class__.__name__}: {error}") from None
    return Response(answer.status_code, answer.content, dict(answer.headers), url)

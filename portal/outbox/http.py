"""JSON over HTTP for destinations, with the outbox's reading of answers: a 2xx is delivered, a 4xx (but 408
and 429) is a refusal for good (`Refused`), a 5xx, 408, 429, a timeout or a connection error may pass later
(`Transient`, retried with back-off).

A URL on the portal's own PUBLIC_URL origin (its sandboxes) is answered by the app's WSGI in this process
(portal/own_origin.py). `exchange` is the same transport without the verdict: the caller reads the status."""
import json
import logging
from dataclasses import dataclass, field
from flask import current_app

from .. import own_origin
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
    return _judged(exchange(method, url, body, sent_headers, timeout))


def exchange(method: str, url: str, body: bytes = b"", headers: dict | None = None,
             timeout: float = 10) -> Response:
    """One request and its answer, whatever the status. Transport failures raise Transient."""
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    if own_origin.is_own(url):
        answer = own_origin.call(current_app._get_current_object(), method, url, body, sent)
        return Response(answer.status_code, answer.content, dict(answer.headers), url)
    return _over_network(method, url, body, sent, timeout)


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

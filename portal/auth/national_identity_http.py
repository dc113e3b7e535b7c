"""Server-to-server calls of the sign-in (discovery, JWKS, token) to the portal's own origin, answered by
the app itself through WSGI in the same process.

The sandbox identity provider lives in the portal (`/sandbox/vneid/`): under `make run` and in tests there
is no second server to call over HTTP, and a single-threaded server calling itself would wait for ever.
`mount_in_process(session, app)` makes a `requests` session send every URL on PUBLIC_URL's origin to the
app's WSGI callable, with the same HTTP semantics (method, path, query, headers, body, status); other URLs
(a real VNeID) go over the network as usual. portal/outbox/http.py, when it exists, does the same for
JSON posts; this one is a `requests` adapter because authlib's client is a `requests` session.

The inner request runs in an application context of its own: Flask would otherwise reuse the caller's,
and with it `g`, the signed-in user and the caller's database transaction."""
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from werkzeug.test import Client

# Werkzeug's builder sets these from the URL and the body.
_DROPPED_HEADERS = {"host", "content-length"}


def own_origin(public_url: str) -> str:
    parts = urlsplit(public_url)
    return f"{parts.scheme}://{parts.netloc}"


class InProcessAdapter(BaseAdapter):
    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = [(name, value) for name, value in request.headers.items()
                   if name.lower() not in _DROPPED_HEADERS]
        with self.app.app_context():
            answer = Client(self.app).open(
                path=parts.path or "/", query_string=parts.query, method=request.method, headers=headers,
                data=body, base_url=f"{parts.scheme}://{parts.netloc}",
                environ_base={"REMOTE_ADDR": "127.0.0.1"})
            content = answer.get_data()
            status, reason = answer.status_code, answer.status.partition(" ")[2]
            answer_headers = CaseInsensitiveDict(answer.headers.items())
            answer.close()
        response = requests.Response()
        response.status_code = status
        response.reason = reason
        response.headers = answer_headers
        response._content = content
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


def mount_in_process(session: requests.Session, app) -> requests.Session:
    """`session` with PUBLIC_URL's origin served by `app` in-process."""
    session.mount(own_origin(app.config["PUBLIC_URL"]) + "/", InProcessAdapter(app))
    return session

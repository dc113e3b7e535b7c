"""Server-to-server calls of the sign-in (discovery, JWKS, token) to the portal's own origin, answered by
the app itself (portal/own_origin.py): authlib's client is a `requests` session, so this is a `requests`
adapter mounted for PUBLIC_URL's origin; other URLs (a real VNeID) go over the network as usual."""
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from ..own_origin import call


def own_origin(public_url: str) -> str:
    parts = urlsplit(public_url)
    return f"{parts.scheme}://{parts.netloc}"


class InProcessAdapter(BaseAdapter):
    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        answer = call(self.app, request.method, request.url, body, request.headers)
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.reason
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.content
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

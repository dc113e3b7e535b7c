"""Registration is rate-limited per client (REGISTER_RATE_LIMIT), on a limited portal of its own in a
subprocess (see tests/public/test_rate_limit.py), through a cookie-keeping HTTP client as a browser."""
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.factories import csrf_token_from
from tests.live_server import limited_portal


@pytest.fixture
def register_limited_portal(app, tmp_path):
    with limited_portal(app, tmp_path, REGISTER_RATE_LIMIT="2 per hour") as port:
        yield port


def _register(opener, base, email):
    page = opener.open(base + "/dang-ky", timeout=30).read().decode()
    body = urllib.parse.urlencode({
        "full_name": "Hoàng Văn Cường", "email": email, "phone": "0912000111", "national_id": "026199012345",
        "password": "x", "confirm": "y", "csrf_token": csrf_token_from(page)}).encode()
    try:
        response = opener.open(base + "/dang-ky", data=body, timeout=30)
        return response.status, dict(response.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers)


def test_registration_attempts_are_limited_per_client(demo, register_limited_portal):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    base = f"http://127.0.0.1:{register_limited_portal}"
    assert _register(opener, base, "a@example.vn")[0] == 200  # refused field by field, the form again
    assert _register(opener, base, "b@example.vn")[0] == 200
    status, headers = _register(opener, base, "citizen@demo.vn")
    assert status == 429
    assert int(headers["Retry-After"]) >= 1

"""Requests to change an e-mail address (each mails a link) are limited per account (EMAIL_CHANGE_RATE_LIMIT),
on a limited portal of its own in a subprocess (see tests/public/test_rate_limit.py), through cookie-keeping
HTTP clients as browsers: one account over its budget does not hold back another from the same address."""
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.factories import PASSWORD, csrf_token_from, make_citizen
from tests.live_server import limited_portal


@pytest.fixture
def portal_limited_to_two(app, tmp_path):
    with limited_portal(app, tmp_path, EMAIL_CHANGE_RATE_LIMIT="2 per hour", LOGIN_RATE_LIMIT="100 per minute") \
            as port:
        yield f"http://127.0.0.1:{port}"


def _browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _post(browser, url, fields):
    page = browser.open(url, timeout=30).read().decode()
    body = urllib.parse.urlencode({**fields, "csrf_token": csrf_token_from(page)}).encode()
    try:
        response = browser.open(url, data=body, timeout=30)
        return response.status, dict(response.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers)


def test_change_requests_are_limited_per_account(db, demo, portal_limited_to_two):
    base = portal_limited_to_two
    make_citizen(db, email="an@example.vn", national_id="026099002222")
    make_citizen(db, email="binh@example.vn", national_id="026099003333")
    db.session.commit()
    an, binh = _browser(), _browser()
    for browser, address in ((an, "an@example.vn"), (binh, "binh@example.vn")):
        assert _post(browser, base + "/dang-nhap", {"email": address, "password": PASSWORD})[0] == 200

    answers = [_post(an, base + "/tai-khoan/doi-email", {"email": f"an{n}@example.vn", "password": PASSWORD})
               for n in range(3)]
    assert [status for status, _ in answers] == [200, 200, 429]
    assert int(answers[2][1]["Retry-After"]) >= 1
    assert _post(binh, base + "/tai-khoan/doi-email",
                 {"email": "binh2@example.vn", "password": PASSWORD})[0] == 200

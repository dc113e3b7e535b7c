"""Session lifetime: staff and administrators are signed out after SESSION_IDLE_MINUTES_STAFF without a
request, citizens after SESSION_IDLE_MINUTES_CITIZEN, everyone SESSION_ABSOLUTE_HOURS after signing in; the
remember cookie is SameSite, Secure under SESSION_COOKIE_SECURE, and lasts no longer than the absolute
limit. The clock is moved by editing the signed session, as a browser would present an old one."""
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from portal.auth.sessions import ISSUED, SEEN
from tests.factories import PASSWORD, login, post_form


def _age(client, idle_minutes=0, since_login_hours=0):
    with client.session_transaction() as session:
        session[SEEN] -= idle_minutes * 60
        session[ISSUED] -= since_login_hours * 3600


def _signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def _staff_page(app):
    from flask import url_for
    with app.test_request_context():
        return url_for("staff.inbox")


def test_limits_are_as_the_issue_asks(app):
    assert 15 <= app.config["SESSION_IDLE_MINUTES_STAFF"] <= 30
    assert app.config["SESSION_ABSOLUTE_HOURS"] == 12
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(hours=12)
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_a_staff_session_idle_31_minutes_no_longer_works(app, client, demo):
    login(client, "handler.tam-hong@demo.vn")
    page = _staff_page(app)
    assert client.get(page).status_code == 200
    _age(client, idle_minutes=31)
    response = client.get(page)
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    assert not _signed_in(client)


def test_a_staff_session_in_use_stays_open(app, client, demo):
    login(client, "handler.tam-hong@demo.vn")
    page = _staff_page(app)
    for _ in range(3):
        _age(client, idle_minutes=app.config["SESSION_IDLE_MINUTES_STAFF"] - 2)
        assert client.get(page).status_code == 200  # each request restarts the idle clock


def test_a_citizen_session_follows_its_own_idle_limit(app, client, demo, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES_CITIZEN", 90)
    login(client, "citizen@demo.vn")
    _age(client, idle_minutes=60)
    assert client.get("/ho-so").status_code == 200
    _age(client, idle_minutes=91)
    assert client.get("/ho-so").status_code == 302
    assert not _signed_in(client)


def test_no_session_outlives_the_absolute_limit(app, client, demo, monkeypatch):
    login(client, "citizen@demo.vn")
    _age(client, since_login_hours=11)
    assert client.get("/ho-so").status_code == 200
    _age(client, since_login_hours=2)  # 13 hours after signing in, though used just now
    assert client.get("/ho-so").status_code == 302


@pytest.mark.parametrize("secure", [False, True])
def test_the_remember_cookie(app, client, demo, monkeypatch, secure):
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", secure)
    response = post_form(client, "/dang-nhap",
                         {"email": "citizen@demo.vn", "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert ("Secure" in cookie) is secure
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    left = expires - datetime.now(timezone.utc)
    assert timedelta(hours=11, minutes=58) < left <= timedelta(hours=12)  # not a year


def test_secure_sessions_make_the_remember_cookie_secure(tmp_path, monkeypatch):
    from config import Config
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    assert Config(tmp_path).REMEMBER_COOKIE_SECURE is True


def test_staff_are_not_brought_back_by_the_remember_cookie(app, client, demo):
    response = post_form(client, "/dang-nhap",
                         {"email": "handler.tam-hong@demo.vn", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    with client.session_transaction() as session:
        session.clear()  # the browser was closed: only the remember cookie is left
    assert client.get(_staff_page(app)).status_code == 302


def test_a_citizen_is_brought_back_by_the_remember_cookie(app, client, demo):
    post_form(client, "/dang-nhap", {"email": "citizen@demo.vn", "password": PASSWORD, "remember": "y"})
    with client.session_transaction() as session:
        session.clear()
    assert client.get("/ho-so").status_code == 200

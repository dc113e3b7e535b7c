"""portal/auth/sessions.py `SignedCookieSessions`: a request without the session cookie gets an empty session
without its signer being built; what it writes is signed and read back; a forged cookie is refused."""
from flask import request
from flask.sessions import SecureCookieSession


def test_no_cookie_an_empty_session_that_is_written_signed_and_read_back(app):
    interface = app.session_interface
    with app.test_request_context("/"):
        session = interface.open_session(app, request)
        assert isinstance(session, SecureCookieSession) and not session
        session["seen"] = 1
        response = app.response_class()
        interface.save_session(app, session, response)
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    name, value = cookie.split("=", 1)
    assert name == interface.get_cookie_name(app)

    with app.test_request_context("/", headers={"Cookie": cookie}):
        assert dict(interface.open_session(app, request)) == {"seen": 1}
    with app.test_request_context("/", headers={"Cookie": f"{name}={value[:-2]}xx"}):
        assert dict(interface.open_session(app, request)) == {}  # the signature fails: a new, empty session


def test_a_first_visit_signs_in_and_stays_signed_in(app, client, demo):
    from tests.factories import login
    name = app.session_interface.get_cookie_name(app)
    assert client.get_cookie(name) is None
    login(client, "citizen@demo.vn")
    assert client.get_cookie(name) is not None
    assert client.get("/ho-so").status_code == 200

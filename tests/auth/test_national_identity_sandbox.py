"""The sandbox identity provider on its own: discovery, keys, and the refusals a real provider makes, with the
OAuth 2 JSON errors."""
import base64
import hashlib
import os
import stat
from pathlib import Path
from urllib.parse import urlencode

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from portal.auth import national_identity_settings as settings
from tests.auth.national_identity_helpers import NEW_PERSON, query_of
from tests.factories import csrf_token_from

BASE = "/sandbox/vneid"
REDIRECT = "http://localhost/dang-nhap/vneid/callback"
VERIFIER = "v" * 20 + "E" * 23  # 43 characters, the shortest RFC 7636 allows


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _params(**changes) -> dict:
    params = {"client_id": "dvc-portal", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid profile",
              "state": "s-123", "nonce": "n-456", "code_challenge": _challenge(VERIFIER),
              "code_challenge_method": "S256"}
    params.update(changes)
    return params


def _code(client, **changes) -> str:
    params = _params(**changes)
    page = client.get(f"{BASE}/authorize?" + urlencode(params))
    answer = client.post(f"{BASE}/authorize", data={
        **params, "csrf_token": csrf_token_from(page.get_data(as_text=True)), "decision": "consent",
        "identity": "custom", **NEW_PERSON})
    back = query_of(answer.headers["Location"])
    assert back["state"] == "s-123"
    return back["code"]


@pytest.fixture
def secret(app):
    return settings.client_secret(app.config)


def _exchange(client, code, secret, verifier=VERIFIER, redirect_uri=REDIRECT, **extra):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier, **extra}
    auth = base64.b64encode(f"dvc-portal:{secret}".encode()).decode()
    return client.post(f"{BASE}/token", data=form, headers={"Authorization": f"Basic {auth}"})


def _error(answer, status, error):
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/json"
    assert answer.get_json()["error"] == error
    assert answer.headers["Cache-Control"] == "no-store"


def test_discovery_and_jwks(client, app):
    meta = client.get(f"{BASE}/.well-known/openid-configuration").get_json()
    assert meta["issuer"] == "http://localhost/sandbox/vneid"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert meta["jwks_uri"] == "http://localhost/sandbox/vneid/jwks.json"
    keys = client.get(f"{BASE}/jwks.json").get_json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])  # the public half only
    key_file = Path(app.instance_path) / "vneid_sandbox_key.json"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_a_good_exchange_gives_a_signed_id_token_and_userinfo(client, secret):
    answer = _exchange(client, _code(client), secret)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["token_type"] == "Bearer" and answer.headers["Cache-Control"] == "no-store"
    keys = KeySet.import_key_set(client.get(f"{BASE}/jwks.json").get_json())
    token = jwt.decode(body["id_token"], keys)
    claims = token.claims
    assert token.header["alg"] == "RS256"
    assert (claims["iss"], claims["aud"], claims["nonce"]) == ("http://localhost/sandbox/vneid", "dvc-portal", "n-456")
    assert claims["SoDinhDanh"] == NEW_PERSON["national_id"] and claims["HoVaTen"] == NEW_PERSON["full_name"]
    assert claims["exp"] > claims["iat"]
    info = client.get(f"{BASE}/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert info.get_json() == {"sub": claims["sub"], "SoDinhDanh": NEW_PERSON["national_id"],
                               "HoVaTen": NEW_PERSON["full_name"], "SoDienThoai": NEW_PERSON["phone"]}


def test_client_secret_post_is_accepted_too(client, secret):
    code = _code(client)
    answer = client.post(f"{BASE}/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER,
        "client_id": "dvc-portal", "client_secret": secret})
    assert answer.status_code == 200


def test_wrong_client_secret_is_invalid_client(client, secret):
    answer = _exchange(client, _code(client), secret + "x")
    _error(answer, 401, "invalid_client")
    assert answer.headers["WWW-Authenticate"].startswith("Basic")
    _error(client.post(f"{BASE}/token", data={"grant_type": "authorization_code"}), 401, "invalid_client")


def test_replayed_code_is_refused_and_revokes_its_tokens(client, secret):
    code = _code(client)
    first = _exchange(client, code, secret).get_json()
    _error(_exchange(client, code, secret), 400, "invalid_grant")
    revoked = client.get(f"{BASE}/userinfo", headers={"Authorization": f"Bearer {first['access_token']}"})
    _error(revoked, 401, "invalid_token")


def test_wrong_verifier_spends_the_code(client, secret):
    code = _code(client)
    _error(_exchange(client, code, secret, verifier="w" * 43), 400, "invalid_grant")
    _error(_exchange(client, code, secret), 400, "invalid_grant")  # no second try with the right one


def test_missing_or_malformed_verifier_and_other_redirect_uri(client, secret):
    _error(_exchange(client, _code(client), secret, verifier=""), 400, "invalid_grant")
    _error(_exchange(client, _code(client), secret, verifier="short"), 400, "invalid_grant")
    _error(_exchange(client, _code(client), secret, redirect_uri="http://localhost/khac"), 400, "invalid_grant")
    _error(_exchange(client, "khong-co-ma-nay", secret), 400, "invalid_grant")
    _error(_exchange(client, _code(client), secret, grant_type="password"), 400, "unsupported_grant_type")


def test_expired_code_is_refused(client, secret, monkeypatch):
    from portal.sandbox_vneid import store
    code = _code(client)
    later = store.now() + store.CODE_TTL + 1
    monkeypatch.setattr(store, "now", lambda: later)
    _error(_exchange(client, code, secret), 400, "invalid_grant")


@pytest.mark.parametrize("changes, error", [
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"code_challenge": ""}, "invalid_request"),
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"scope": "profile"}, "invalid_scope"),
])
def test_bad_authorization_requests_go_back_with_an_error(client, changes, error):
    answer = client.get(f"{BASE}/authorize?" + urlencode(_params(**changes)))
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(REDIRECT + "?")
    assert query_of(answer.headers["Location"])["error"] == error


@pytest.mark.parametrize("changes", [{"client_id": "other"}, {"redirect_uri": "https://evil.example/cb"}])
def test_unknown_client_or_redirect_uri_is_shown_never_redirected(client, changes):
    answer = client.get(f"{BASE}/authorize?" + urlencode(_params(**changes)))
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert "không" in answer.get_data(as_text=True)


def test_the_authorize_page_is_labelled_a_sandbox_and_offers_test_identities(client):
    html = client.get(f"{BASE}/authorize?" + urlencode(_params())).get_data(as_text=True)
    assert "MÔI TRƯỜNG THỬ NGHIỆM" in html
    assert "Nguyễn Văn An — 026090001234" in html
    assert 'name="csrf_token"' in html


def test_the_authorize_form_needs_its_csrf_token(client):
    answer = client.post(f"{BASE}/authorize", data={**_params(), "decision": "consent", "identity": "0"})
    assert answer.status_code == 400
    assert "Location" not in answer.headers


@pytest.mark.parametrize("identity", ["²", "٣", "99", "-1", ""])
def test_odd_identity_choices_are_a_form_error_not_a_crash(client, identity):
    params = _params()
    page = client.get(f"{BASE}/authorize?" + urlencode(params))
    answer = client.post(f"{BASE}/authorize", data={
        **params, "csrf_token": csrf_token_from(page.get_data(as_text=True)), "decision": "consent",
        "identity": identity})
    assert answer.status_code == 400
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in answer.get_data(as_text=True)


def test_junk_at_the_token_and_userinfo_endpoints_is_an_oauth_error(client, secret):
    _error(client.post(f"{BASE}/token", json={"code": "x"}), 401, "invalid_client")
    _error(client.post(f"{BASE}/token", headers={"Authorization": "Basic ###"}), 401, "invalid_client")
    _error(_exchange(client, _code(client), secret, verifier="ü" * 50), 400, "invalid_grant")
    _error(client.get(f"{BASE}/userinfo", headers={"Authorization": "Bearer"}), 401, "invalid_token")
    _error(client.get(f"{BASE}/userinfo", headers={"Authorization": "Basic abc"}), 401, "invalid_token")

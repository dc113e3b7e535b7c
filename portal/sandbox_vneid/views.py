"""The sandbox provider's endpoints. It refuses what a real OpenID Connect provider refuses, with the OAuth 2
JSON errors (RFC 6749 §5.2): an unknown client or redirect URI (shown, never redirected to), no PKCE or a
method other than S256, a wrong client secret (401 invalid_client), a code used twice, expired, issued to
another client or redirect URI, or a code_verifier that does not match (invalid_grant).

The "Mô phỏng lỗi" choice on its page issues a token the portal must refuse (signed by a stranger key,
already expired, or for another nonce): the failure paths can be seen by hand, not only in the tests."""
import base64
import hashlib
import hmac
import logging
import re
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request
from joserfc import jwt
from joserfc.jwk import RSAKey

from ..auth import national_identity_settings as settings
from ..extensions import csrf
from ..security_headers import csp_nonce
from . import identities, keys
from .store import ACCESS_TOKEN_TTL, now, store

log = logging.getLogger(__name__)

bp = Blueprint("vneid_sandbox", __name__, url_prefix=settings.SANDBOX_PREFIX)
bp.add_app_template_global(csp_nonce, "csp_nonce")

ID_TOKEN_TTL = 300
VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")  # RFC 7636 §4.1
AUTH_PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
               "code_challenge_method")
SIMULATIONS = {
    "": "Bình thường",
    "forged": "Mã định danh ký bằng khóa lạ",
    "expired": "Mã định danh đã hết hạn",
    "wrong_nonce": "Mã định danh mang nonce khác",
}


@bp.before_request
def _only_as_sandbox():
    if not settings.sandbox_active(current_app.config):
        abort(404)  # a real issuer is configured: the sandbox does not exist


def _issuer() -> str:
    return settings.issuer(current_app.config)


def _oauth_error(error: str, description: str, status: int = 400, headers=None):
    log.warning("vneid sandbox refused: %s (%s)", error, description)
    response = jsonify(error=error, error_description=description)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# -- discovery and keys --------------------------------------------------------------------------------

@bp.route("/.well-known/openid-configuration")
def discovery():
    base = _issuer()
    return jsonify({
        "issuer": base,
        "authorization_endpoint": base + "/authorize",
        "token_endpoint": base + "/token",
        "userinfo_endpoint": base + "/userinfo",
        "jwks_uri": base + "/jwks.json",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", settings.CLAIM_NATIONAL_ID,
                             settings.CLAIM_NAME, settings.CLAIM_PHONE, settings.CLAIM_EMAIL],
    })


@bp.route("/jwks.json")
def jwks():
    return jsonify(keys.public_jwks())


# -- authorization -------------------------------------------------------------------------------------

def _check_authorization(params: dict) -> tuple[str | None, str | None]:
    """(error, description): errors that may go back to the redirect URI; raises a page for the others."""
    config = current_app.config
    if params.get("client_id") != settings.client_id(config):
        abort(400, "Ứng dụng (client_id) không được đăng ký với hệ thống định danh thử nghiệm.")
    if params.get("redirect_uri") != settings.redirect_uri(config):
        abort(400, "Địa chỉ chuyển về (redirect_uri) không khớp với địa chỉ đã đăng ký.")
    if params.get("response_type") != "code":
        return "unsupported_response_type", "only response_type=code is supported"
    if "openid" not in (params.get("scope") or "").split():
        return "invalid_scope", "scope must include openid"
    if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
        return "invalid_request", "PKCE with code_challenge_method=S256 is required"
    return None, None


def _back(params: dict, **answer):
    if params.get("state"):
        answer["state"] = params["state"]
    return redirect(params["redirect_uri"] + "?" + urlencode(answer))


def _person_from_form(form) -> dict:
    choice = form.get("identity", "")
    presets = {str(index): person for index, person in enumerate(identities.PRESETS)}
    if choice in presets:
        return dict(presets[choice])
    return {"national_id": form.get("national_id", "").strip(),
            "full_name": " ".join(form.get("full_name", "").split()),
            "phone": re.sub(r"[\s.\-]", "", form.get("phone", "")),
            "email": form.get("email", "").strip()}


@bp.route("/authorize", methods=["GET", "POST"])
def authorize():
    source = request.form if request.method == "POST" else request.args
    params = {name: source.get(name, "") for name in AUTH_PARAMS}
    error, description = _check_authorization(params)
    if error:
        log.warning("vneid sandbox refused the authorization request: %s (%s)", error, description)
        return _back(params, error=error, error_description=description)
    person, problems = {}, []
    if request.method == "POST":
        if request.form.get("decision") != "consent":
            return _back(params, error="access_denied", error_description="the person declined")
        person = _person_from_form(request.form)
        problems = identities.problems(person)
        if not problems:
            simulate = request.form.get("simulate", "")
            code = store(current_app).issue_code({
                "client_id": params["client_id"], "redirect_uri": params["redirect_uri"],
                "code_challenge": params["code_challenge"], "nonce": params["nonce"], "person": person,
                "simulate": simulate if simulate in SIMULATIONS else "", "auth_time": int(now())})
            return _back(params, code=code)
    return render_template("sandbox/vneid_authorize.html", params=params, presets=identities.PRESETS,
                           person=person, problems=problems, simulations=SIMULATIONS,
                           chosen=request.form.get("identity", "0"),
                           simulate=request.form.get("simulate", "")), 400 if problems else 200


# -- token and userinfo --------------------------------------------------------------------------------

def _client_credentials() -> tuple[str, str]:
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        return auth.username or "", auth.password or ""
    return request.form.get("client_id", ""), request.form.get("client_secret", "")


def _client_ok(client_id: str, secret: str) -> bool:
    config = current_app.config
    expected = settings.client_secret(config)
    return (hmac.compare_digest(client_id.encode(), settings.client_id(config).encode())
            and bool(expected) and hmac.compare_digest(secret.encode(), expected.encode()))


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def _id_token(grant: dict, client_id: str, access_token: str) -> str:
    person, simulate = grant["person"], grant["simulate"]
    issued = int(now())
    claims = {"iss": _issuer(), "sub": identities.subject(settings.client_secret(current_app.config),
                                                          person["national_id"]),
              "aud": client_id, "iat": issued, "exp": issued + ID_TOKEN_TTL, "auth_time": grant["auth_time"],
              "at_hash": _half_hash(access_token), **identities.claims(person)}
    if grant["nonce"]:
        claims["nonce"] = grant["nonce"] if simulate != "wrong_nonce" else grant["nonce"] + "-khac"
    if simulate == "expired":
        claims["iat"], claims["exp"] = issued - 2 * ID_TOKEN_TTL - 3600, issued - 3600
    key = keys.signing_key()
    kid = keys.kid(key)
    if simulate == "forged":
        # The same kid, another key: what a forger who copied the header would send.
        key = RSAKey.generate_key(2048, private=True)
    return jwt.encode({"alg": "RS256", "kid": kid, "typ": "JWT"}, claims, key)


def _half_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


@bp.route("/token", methods=["POST"])
@csrf.exempt
def token():
    client_id, secret = _client_credentials()
    if not _client_ok(client_id, secret):
        return _oauth_error("invalid_client", "client authentication failed", 401,
                            {"WWW-Authenticate": 'Basic realm="vneid-sandbox"'})
    if request.form.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "only authorization_code is supported")
    code = request.form.get("code", "")
    grant, why = store(current_app).redeem_code(code)
    if grant is None:
        return _oauth_error("invalid_grant", why)
    if grant["client_id"] != client_id:
        return _oauth_error("invalid_grant", "code was issued to another client")
    if request.form.get("redirect_uri", "") != grant["redirect_uri"]:
        return _oauth_error("invalid_grant", "redirect_uri does not match the authorization request")
    verifier = request.form.get("code_verifier", "")
    if not VERIFIER.match(verifier) or not hmac.compare_digest(_s256(verifier), grant["code_challenge"]):
        return _oauth_error("invalid_grant", "PKCE code_verifier does not match the code_challenge")
    person_claims = {"sub": identities.subject(settings.client_secret(current_app.config),
                                               grant["person"]["national_id"]),
                     **identities.claims(grant["person"])}
    access_token = store(current_app).issue_access_token(code, person_claims)
    response = jsonify(access_token=access_token, token_type="Bearer", expires_in=ACCESS_TOKEN_TTL,
                       scope=settings.SCOPE, id_token=_id_token(grant, client_id, access_token))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.route("/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo():
    auth = request.headers.get("Authorization", "")
    scheme, _, value = auth.partition(" ")
    claims = store(current_app).claims_for(value.strip()) if scheme.lower() == "bearer" else None
    if claims is None:
        return _oauth_error("invalid_token", "missing, unknown or expired access token", 401,
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return jsonify(claims)

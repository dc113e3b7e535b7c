"""Sign-in with the national identity (VNeID-style OpenID Connect), beside the password sign-in.

authlib's Flask client does the protocol: discovery (/.well-known/openid-configuration), the authorization
code flow with PKCE (S256), `state` and `nonce` kept in the signed session, the code exchanged with the
client secret, the ID token's signature checked against the provider's JWKS (joserfc) and its iss, aud,
exp, iat and nonce claims validated. This module adds what authlib leaves to the application: an answer
without an ID token is refused (authlib would silently skip the checks), the discovery document must name
the configured issuer, and every refusal is a Vietnamese page and one log line saying why.

Which account is signed in: portal/auth/national_identity_accounts.py. Calls to the built-in sandbox go
through the app in-process: portal/auth/national_identity_http.py."""
import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from authlib.integrations.requests_client import OAuth2Session
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from joserfc.errors import BadSignatureError, ExpiredTokenError, JoseError
from sqlalchemy.exc import IntegrityError

from ..extensions import limiter
from ..i18n import N_
from ..operations import OperationError
from ..security import safe_next
from ..unit_of_work import discard_changes
from . import national_identity_settings as settings
from .accounts import start_session
from .national_identity_accounts import StaffRefused, account_for
from .national_identity_http import mount_in_process
from .views import home_for

log = logging.getLogger(__name__)

bp = Blueprint("national_identity", __name__)

EXTENSION = "dvc_national_identity"
NEXT_KEY = "_national_identity_next"
# Clock skew allowed on exp/iat: a minute, not authlib's two.
LEEWAY = 60

REFUSALS = {
    "state": N_("Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng bắt đầu đăng nhập lại."),
    "token": N_("Hệ thống định danh không chấp nhận yêu cầu đăng nhập (mã xác thực đã dùng, hết hạn hoặc "
                "không khớp). Vui lòng đăng nhập lại."),
    "signature": N_("Mã định danh nhận được không có chữ ký hợp lệ của hệ thống định danh. Không thể đăng nhập."),
    "expired": N_("Mã định danh nhận được đã hết hạn. Vui lòng đăng nhập lại."),
    "claims": N_("Mã định danh nhận được không hợp lệ cho cổng này. Không thể đăng nhập."),
    "unreachable": N_("Không kết nối được hệ thống định danh điện tử. Vui lòng thử lại sau hoặc đăng nhập "
                      "bằng mật khẩu."),
    "unavailable": N_("Đăng nhập bằng định danh điện tử chưa được cấu hình trên cổng này."),
    "conflict": N_("Tài khoản đang được liên kết trong một lần đăng nhập khác. Vui lòng thử lại."),
}


class _InProcessSession(OAuth2Session):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mount_in_process(self, current_app._get_current_object())


class _Client(FlaskOAuth2App):
    client_cls = _InProcessSession


class Refused(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason, self.detail = reason, detail


@bp.record_once
def _on_register(state):
    app = state.app
    if not settings.configured(app.config):
        return
    oauth = OAuth()
    oauth.init_app(app)
    app.extensions[EXTENSION] = oauth.register(
        "national_identity", client_cls=_Client,
        client_id=settings.client_id(app.config), client_secret=settings.client_secret(app.config),
        server_metadata_url=settings.issuer(app.config) + "/.well-known/openid-configuration",
        client_kwargs={"scope": settings.SCOPE, "code_challenge_method": "S256",
                       "token_endpoint_auth_method": "client_secret_basic",
                       "default_timeout": app.config.get("VNEID_TIMEOUT", 10)})


def enabled() -> bool:
    return EXTENSION in current_app.extensions


@bp.app_context_processor
def _button_context():
    return {"national_identity_enabled": enabled,
            "national_identity_next": lambda: safe_next(request.args.get("next"))}


def _client():
    client = current_app.extensions.get(EXTENSION)
    if client is None:
        raise Refused("unavailable")
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise Refused("unreachable", f"discovery: {exc}") from exc
    expected = settings.issuer(current_app.config)
    named = metadata.get("issuer")
    if named != expected:
        # OpenID Connect Discovery §4.3: a document naming another issuer is not this provider's. It is
        # forgotten (the same dict as `metadata`), so the next sign-in reads discovery again.
        client.server_metadata.clear()
        raise Refused("claims", f"discovery names issuer {named!r}, expected {expected!r}")
    return client


def _refusal_page(reason: str, detail: str = "", status: int = 400, message: str | None = None):
    log.warning("national identity sign-in refused: %s%s", reason, f" ({detail})" if detail else "")
    text = message or _(REFUSALS[reason])
    return render_template("auth/national_identity_refused.html", message=text), status


@bp.route("/dang-nhap/vneid")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def start():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    try:
        client = _client()
        session[NEXT_KEY] = safe_next(request.args.get("next"))
        return client.authorize_redirect(settings.redirect_uri(current_app.config))
    except Refused as refused:
        return _refusal_page(refused.reason, refused.detail, status=503)
    except requests.RequestException as exc:
        return _refusal_page("unreachable", str(exc), status=503)


def _verified_claims() -> dict:
    client = _client()
    expected = settings.issuer(current_app.config)
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [expected]}, "sub": {"essential": True}},
            leeway=LEEWAY)
    except MismatchingStateError as exc:
        raise Refused("state", "no sign-in of this browser is waiting for this state") from exc
    except AuthlibBaseError as exc:  # the token endpoint's OAuth2 error: invalid_grant, invalid_client…
        raise Refused("token", f"{exc.error}: {exc.description or ''}".strip()) from exc
    except ExpiredTokenError as exc:
        raise Refused("expired", "ID token exp is past") from exc
    except BadSignatureError as exc:
        raise Refused("signature", "ID token signature does not verify with the provider's JWKS") from exc
    except JoseError as exc:  # a claim missing or wrong (nonce, aud, iss, iat), an unknown key, a bad token
        raise Refused("claims", f"ID token: {exc.error}: {exc.description or ''}".strip()) from exc
    except (requests.RequestException, ValueError) as exc:
        raise Refused("unreachable", f"token endpoint: {exc}") from exc
    claims = token.get("userinfo")
    if not claims:
        raise Refused("claims", "the token answer carries no ID token")
    return dict(claims)


@bp.route("/dang-nhap/vneid/callback")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def callback():
    if request.args.get("error") == "access_denied":
        log.info("national identity sign-in cancelled by the person at the provider")
        flash(_("Bạn đã hủy đăng nhập bằng định danh điện tử."), "info")
        return redirect(url_for("auth.login"))
    if request.args.get("error"):
        return _refusal_page("token", f"authorization error {request.args.get('error')!r}")
    try:
        claims = _verified_claims()
        issuer = settings.issuer(current_app.config)
        user, how = account_for(issuer, claims["sub"], claims)
    except Refused as refused:
        return _refusal_page(refused.reason, refused.detail, status=503 if refused.reason == "unreachable" else 400)
    except StaffRefused as exc:
        return _refusal_page("staff", f"staff account matched sub {claims['sub']!r}", exc.status, _(exc.message))
    except OperationError as exc:
        return _refusal_page("account", exc.message, exc.status, _(exc.message))
    except IntegrityError as exc:
        # Two first sign-ins of one person at once: the other one created or linked the account.
        discard_changes()
        return _refusal_page("conflict", str(exc.orig), status=409)
    target = safe_next(session.pop(NEXT_KEY, None))
    start_session(user)  # a fresh session: clears authlib's state and anything set before sign-in
    log.info("national identity sign-in: user %s (%s)", user.id, how)
    flash(_("Xin chào %(name)s.", name=user.full_name), "success")
    if how == "created":
        flash(_("Tài khoản đã được tạo từ thông tin định danh điện tử."), "info")
    return redirect(target or home_for(user))

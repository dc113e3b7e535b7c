"""How long a signed-in session lasts (ASVS V3.3): it ends after SESSION_IDLE_MINUTES_STAFF (staff and
administrators) or SESSION_IDLE_MINUTES_CITIZEN without a request, and SESSION_ABSOLUTE_HOURS after sign-in
whatever happens. The times live in the signed session cookie, so every app server agrees without a shared
store. Staff and administrators are never brought back by the "remember me" cookie: an idle limit that
the cookie could undo would not be one."""
import time

from flask import current_app, flash, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import user_logged_in
from flask_login.utils import decode_cookie

from ..extensions import db
from ..models import User

ISSUED, SEEN, KIND = "_dvc_issued", "_dvc_seen", "_dvc_kind"
STRICT_KINDS = ("staff", "admin")
# Rewriting the cookie on every request costs a Set-Cookie each time; a minute's precision is plenty.
SEEN_PRECISION = 60
FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id")


def _now() -> float:
    return time.time()


def start_clock(kind: str) -> None:
    now = _now()
    session[ISSUED], session[SEEN], session[KIND] = now, now, kind


def idle_limit_seconds(kind: str) -> int:
    name = "SESSION_IDLE_MINUTES_STAFF" if kind in STRICT_KINDS else "SESSION_IDLE_MINUTES_CITIZEN"
    return int(current_app.config[name]) * 60


def expired(now: float) -> bool:
    kind = session.get(KIND, "citizen")
    absolute = float(current_app.config["SESSION_ABSOLUTE_HOURS"]) * 3600
    return now - session[SEEN] > idle_limit_seconds(kind) or now - session[ISSUED] > absolute


def end_expired_session() -> None:
    for key in FLASK_LOGIN_KEYS + (ISSUED, SEEN, KIND):
        session.pop(key, None)
    session["_remember"] = "clear"  # Flask-Login then neither reads nor keeps the remember cookie
    flash(_("Phiên làm việc đã hết hạn do lâu không thao tác. Vui lòng đăng nhập lại."), "warning")


def _remembered_kind() -> str | None:
    cookie = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    user_key = decode_cookie(cookie) if cookie else None
    if not user_key:
        return None
    try:
        user = db.session.get(User, int(user_key.split(":", 1)[0]))
    except (ValueError, TypeError):
        return None
    return user.kind if user is not None else None


def check_session_lifetime():
    if request.endpoint == "static" or request.path.startswith("/api/"):
        return  # the API uses bearer tokens with their own lifetime (API_TOKEN_TTL)
    if "_user_id" not in session:
        if session.get("_remember") != "clear" and _remembered_kind() in STRICT_KINDS:
            session["_remember"] = "clear"
        return
    now = _now()
    if ISSUED not in session or SEEN not in session:
        start_clock(session.get(KIND, "citizen"))  # a session opened before this check existed
        return
    if expired(now):
        end_expired_session()
    elif now - session[SEEN] >= SEEN_PRECISION:
        session[SEEN] = now


def _on_login(sender, user, **extra):
    start_clock(user.kind)


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions. A request that brings no session cookie (every API call, a first
    visit) gets its empty session without building the cookie's signer first, as Flask does before it
    looks: that was 2–3 % of an API read. Writing a cookie still signs it."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def install_session_lifetime(app) -> None:
    """Runs before any other request hook, so nothing reads the user before the session is checked."""
    app.session_interface = SignedCookieSessions()
    app.before_request_funcs.setdefault(None, []).insert(0, check_session_lifetime)
    user_logged_in.connect(_on_login, app)

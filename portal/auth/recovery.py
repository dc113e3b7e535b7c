"""Forgotten password (a link by e-mail) and change of password (signed in).

The link carries a signed (itsdangerous), timed token: the account's id and a fingerprint of its current
password hash and session token. Setting a new password changes both, so a link works once, and one asked
for before a sign-out everywhere or an earlier reset is dead too. It expires after PASSWORD_RESET_MAX_AGE
seconds (an hour). The fingerprint is a digest: the password hash itself never travels in a mail.

Asking for a link answers the same whatever the address: known or not, over the account's budget or not.
Requests are counted per client address (PASSWORD_RESET_ADDRESS_LIMIT: over it, 429) and per account
(PASSWORD_RESET_ACCOUNT_LIMIT: over it no more mail is sent, silently), in the rate limiter's store through
the `limits` library, as portal/auth/throttle.py counts wrong passwords, so they hold with Flask-Limiter's
own limits switched off. A reset or change rotates the session token: every other session and API token
of the account ends."""
import hashlib
import math
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import select
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..context import PORTAL_NAME
from ..extensions import db
from ..forms_common import strong_password
from ..models import User
from ..notifications import send_email
from .accounts import start_session
from .loaders import new_session_token
from .passwords import hash_password, verify_password
from .throttle import normalize_email, throttle

bp = Blueprint("recovery", __name__)

SALT = "dvc-password-reset"
DEFAULT_MAX_AGE = 3600
DEFAULT_ACCOUNT_LIMIT = "3 per hour;10 per day"
DEFAULT_ADDRESS_LIMIT = "10 per hour"
EXTENSION = "dvc_reset_limits"
NEW_PASSWORD_AUTOCOMPLETE = {"autocomplete": "new-password"}


# -- the token ------------------------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}\x00{user.session_token}".encode()).hexdigest()[:32]


def reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_token(token: str) -> User | None:
    """The account the link was made for, while the link is fresh and unused; None otherwise."""
    max_age = int(current_app.config.get("PASSWORD_RESET_MAX_AGE", DEFAULT_MAX_AGE))
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    user = db.session.get(User, payload["u"])
    if user is None or not user.active or payload.get("f") != _fingerprint(user):
        return None
    return user


def set_password(user: User, password: str) -> None:
    """The new password, and a new session token: every session and API token of the account ends."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


# -- counting requests ----------------------------------------------------------------------------------

class ResetLimits:
    def __init__(self, storage_uri: str, account_limits: str, address_limits: str):
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.account = parse_many(account_limits) if account_limits else []
        self.address = parse_many(address_limits) if address_limits else []

    def address_wait(self, address: str) -> int:
        """Seconds until this client may ask again (0: now); a request within the budget is counted."""
        key = ("password-reset-address", address or "unknown")
        for item in self.address:
            if not self.limiter.test(item, *key):
                reset_at = self.limiter.get_window_stats(item, *key).reset_time
                return max(math.ceil(reset_at - time.time()), 1)
        for item in self.address:
            self.limiter.hit(item, *key)
        return 0

    def account_may_receive(self, email: str) -> bool:
        """Counts one mail for the account; False once its budget is spent."""
        return all(self.limiter.hit(item, "password-reset-account", normalize_email(email))
                   for item in self.account)


def reset_limits() -> ResetLimits:
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        config = current_app.config
        found = current_app.extensions[EXTENSION] = ResetLimits(
            config["RATELIMIT_STORAGE_URI"],
            config.get("PASSWORD_RESET_ACCOUNT_LIMIT", DEFAULT_ACCOUNT_LIMIT),
            config.get("PASSWORD_RESET_ADDRESS_LIMIT", DEFAULT_ADDRESS_LIMIT))
    return found


# -- forms ----------------------------------------------------------------------------------------------

class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email đã đăng ký"), filters=[normalize_email],
                       validators=[DataRequired(_l("Vui lòng nhập email.")), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Gửi liên kết đặt lại mật khẩu"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu.")), strong_password], render_kw=NEW_PASSWORD_AUTOCOMPLETE)
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(_l("Vui lòng nhập lại mật khẩu.")),
        EqualTo("password", _l("Mật khẩu nhập lại không khớp."))], render_kw=NEW_PASSWORD_AUTOCOMPLETE)
    submit = SubmitField(_l("Đặt mật khẩu mới"))


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu hiện tại."))], render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Đổi mật khẩu"))


# -- pages ----------------------------------------------------------------------------------------------

def _private(page, status=200):
    """The token is in the address of these pages: never sent on as a referrer, never cached."""
    response = current_app.make_response((page, status))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot_password.html", form=form, sent=False), 422 if form.errors else 200
    wait = reset_limits().address_wait(request.remote_addr)
    if wait:
        form.email.errors.append(_("Ông/bà đã yêu cầu quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
                                   minutes=-(-wait // 60)))
        return render_template("auth/forgot_password.html", form=form, sent=False), 429, {"Retry-After": str(wait)}
    user = db.session.execute(select(User).where(User.email == form.email.data)).scalar_one_or_none()
    if user is not None and user.active and reset_limits().account_may_receive(user.email):
        _send_reset_link(user)
    # The same page whether or not the address has an account, and whether or not a mail went out.
    return render_template("auth/forgot_password.html", form=form, sent=True)


def _send_reset_link(user: User) -> None:
    max_age = int(current_app.config.get("PASSWORD_RESET_MAX_AGE", DEFAULT_MAX_AGE))
    path = url_for("recovery.reset_password", token=reset_token(user))
    send_email(user.email, "Đặt lại mật khẩu tài khoản Cổng Dịch vụ công", "password_reset",
               full_name=user.full_name, reset_url=current_app.config["PUBLIC_URL"].rstrip("/") + path,
               minutes=max_age // 60, portal_name=PORTAL_NAME)


@bp.route("/dat-lai-mat-khau/<token>", methods=["GET", "POST"])
def reset_password(token):
    user = user_for_token(token)
    if user is None:
        return _private(render_template("auth/reset_password.html", form=None), 410)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        set_password(user, form.password.data)
        throttle().succeeded("web", user.email)  # the owner proved themselves: wrong guesses before are moot
        flash(_("Đã đặt mật khẩu mới. Vui lòng đăng nhập bằng mật khẩu mới."), "success")
        return redirect(url_for("auth.login"), code=303)
    return _private(render_template("auth/reset_password.html", form=form), 422 if form.errors else 200)


@bp.route("/tai-khoan/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        wait = throttle().retry_after("web", user.email)
        if wait:
            form.current.errors.append(_("Nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
                                         minutes=-(-wait // 60)))
            return render_template("auth/change_password.html", form=form), 429, {"Retry-After": str(wait)}
        if not verify_password(user.password_hash, form.current.data):
            throttle().failed("web", user.email)  # a guess at the password counts as a wrong sign-in
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
        elif verify_password(user.password_hash, form.password.data):
            form.password.errors.append(_("Mật khẩu mới phải khác mật khẩu hiện tại."))
        else:
            set_password(user, form.password.data)
            start_session(user)  # this session goes on with the new token; the others end
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã được đăng xuất."), "success")
            return redirect(url_for("recovery.change_password"), code=303)
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200

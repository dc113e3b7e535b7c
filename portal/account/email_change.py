"""A change of e-mail address, confirmed from the new address before it is made.

The citizen asks (with the current password, when the account has one) and a signed, timed link goes to the
new address; the address changes only when that link is opened by the same account, signed in. The link
carries the account's id, the new address and a fingerprint of the current address and session token: a
link is dead once used (the address changed), after a sign-out everywhere, and after EMAIL_CHANGE_MAX_AGE
seconds (a day). The change rotates the session token, so other sessions, API tokens and password-reset
links made for the old address end; the old address is told.

An address another account holds gets the same answer and no mail, so the form tells no stranger which
addresses have accounts; the one who owns it learns it only by opening a link, which they never get."""
import hashlib
import logging

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..context import PORTAL_NAME
from ..extensions import db
from ..i18n import N_
from ..models import User
from ..notifications import send_email
from ..notifications.effects import public_url
from ..notifications.recipients import deliverable
from ..operations import Conflict, Invalid
from ..savepoints import savepoint
from ..auth.accounts import start_session
from ..auth.loaders import new_session_token

log = logging.getLogger("portal.account")

SALT = "dvc-email-change"
DEFAULT_MAX_AGE = 24 * 3600
SAME_ADDRESS = N_("Đây là địa chỉ email hiện tại của tài khoản.")
LINK_DEAD = N_("Liên kết xác nhận không còn dùng được (đã dùng, đã quá hạn hoặc không dành cho tài khoản này). "
               "Vui lòng yêu cầu đổi email lại.")
TAKEN = N_("Địa chỉ này đã được dùng cho một tài khoản khác.")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def max_age() -> int:
    return int(current_app.config.get("EMAIL_CHANGE_MAX_AGE", DEFAULT_MAX_AGE))


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.email}\x00{user.session_token}".encode()).hexdigest()[:32]


def request_change(user: User, new_email: str) -> None:
    """Sends the confirmation link to `new_email` (nothing when another account holds it). Never commits."""
    if new_email == user.email:
        raise Invalid(SAME_ADDRESS, errors={"email": [SAME_ADDRESS]})
    if db.session.scalar(select(User.id).where(User.email == new_email)) is not None:
        log.info("e-mail change of account %s: the new address belongs to another account, no link sent",
                 user.id)
        return
    token = _serializer().dumps({"u": user.id, "e": new_email, "f": _fingerprint(user)})
    send_email(new_email, "Xác nhận địa chỉ email cho tài khoản Cổng Dịch vụ công", "email_change",
               full_name=user.full_name, confirm_url=public_url("account.confirm_email", token=token),
               hours=max_age() // 3600, portal_name=PORTAL_NAME)


def address_in(token: str, user: User) -> str | None:
    """The new address of a live link made for `user`; None for any other link."""
    try:
        payload = _serializer().loads(token, max_age=max_age())
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict) or payload.get("u") != user.id or payload.get("f") != _fingerprint(user):
        return None
    address = payload.get("e")
    return address if isinstance(address, str) else None


def confirm_change(user: User, token: str) -> str:
    """Makes the change the link asks for; returns the new address. Never commits."""
    new_email = address_in(token, user)
    if new_email is None:
        raise Invalid(LINK_DEAD)
    if db.session.scalar(select(User.id).where(User.email == new_email, User.id != user.id)) is not None:
        raise Conflict(TAKEN)  # taken by another account since the link was sent
    old_email = user.email
    try:
        with savepoint(db.session):  # an account made with the address this very moment wins
            user.email = new_email
            db.session.flush()
    except IntegrityError:
        raise Conflict(TAKEN) from None
    user.session_token = new_session_token()
    start_session(user)  # this session goes on under the new token; every other one ends
    if deliverable(old_email):
        send_email(old_email, "Email của tài khoản Cổng Dịch vụ công đã được thay đổi", "email_changed",
                   full_name=user.full_name, new_email=_masked(new_email), portal_name=PORTAL_NAME)
    log.info("account %s: e-mail address changed", user.id)
    return new_email


def _masked(address: str) -> str:
    """"ng***@example.vn": enough for the owner to recognise, not the whole address in a mail to the old one."""
    local, _, domain = address.partition("@")
    return f"{local[:2]}***@{domain}"

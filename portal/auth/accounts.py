"""Accounts: registration and sign-in checks."""
from flask_login import login_user, logout_user
from sqlalchemy import select

from ..extensions import db
from ..forms_common import normalize_mobile
from ..i18n import N_
from ..models import User
from ..operations import Invalid
from .loaders import new_session_token
from .passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password


REGISTRATION_REFUSED = N_("Không thể đăng ký với email và số định danh này. Nếu bạn đã có tài khoản, vui lòng "
                          "đăng nhập hoặc liên hệ bộ phận một cửa để được hỗ trợ.")


def register_citizen(full_name, email, phone, national_id, password) -> User:
    taken = db.session.execute(select(User.id).where(
        (User.email == email) | (User.national_id == national_id))).first()
    if taken:
        # One answer beside both fields, whichever of the two is taken: the page must not tell a stranger
        # which e-mail or identification number has an account (registration is rate-limited too).
        refused = [REGISTRATION_REFUSED]
        raise Invalid(N_("Không thể đăng ký."), errors={"email": refused, "national_id": refused})
    user = User(full_name=full_name, email=email, phone=normalize_mobile(phone), national_id=national_id,
                password_hash=hash_password(password), kind="citizen", session_token=new_session_token())
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        verify_password(DUMMY_HASH, password)
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(user: User, remember: bool = False):
    """A fresh session token at every login: a session fixed before login is worthless after it.
    A language chosen before signing in is kept as the account's language."""
    from flask import request, session
    chosen = request.cookies.get("lang")
    if chosen in ("vi", "en"):
        user.locale = chosen
    session.clear()
    if not user.session_token:
        user.session_token = new_session_token()
    login_user(user, remember=remember)


def end_session(user: User):
    user.session_token = new_session_token()  # logs out every other device and revokes API tokens
    logout_user()

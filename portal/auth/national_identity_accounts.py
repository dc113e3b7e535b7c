"""Which account a verified national identity signs in to: the one already linked to it; else the citizen
account with the same identification number, which is linked (never a second account for one person);
else a new citizen account, filled from the claims. Staff and administrator accounts are never signed in
this way: their second step and their duties are tied to the password sign-in.

A new account has no password (an unusable hash: no password verifies against it) and, when the provider
gives no usable e-mail, a placeholder address under the reserved .invalid domain; the citizen sets a
password through "Quên mật khẩu" once the account has a real address."""
import hashlib
import re

from sqlalchemy import select

from ..extensions import db
from ..forms_common import MOBILE, normalize_mobile
from ..i18n import N_
from ..models import User
from ..operations import Forbidden, Invalid
from ..timeutil import utcnow
from .loaders import new_session_token
from .national_identity_models import NationalIdentity
from .national_identity_settings import CLAIM_EMAIL, CLAIM_NAME, CLAIM_NATIONAL_ID, CLAIM_PHONE

# Not an argon2 hash: verify_password refuses it, so the account has no password until one is set.
NO_PASSWORD = "!national-identity"
PLACEHOLDER_DOMAIN = "dinh-danh.invalid"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")

STAFF_REFUSED = N_("Tài khoản cán bộ và quản trị không đăng nhập bằng định danh điện tử. Vui lòng đăng nhập "
                   "bằng email và mật khẩu.")
INACTIVE_REFUSED = N_("Tài khoản này đã bị khóa. Vui lòng liên hệ bộ phận một cửa để được hỗ trợ.")
CLAIMS_REFUSED = N_("Thông tin định danh nhận được không đầy đủ hoặc không hợp lệ (số định danh, họ tên).")
MISMATCH_REFUSED = N_("Số định danh nhận được không khớp với tài khoản đã liên kết. Vui lòng liên hệ bộ phận "
                      "một cửa để được hỗ trợ.")


class StaffRefused(Forbidden):
    """Kept apart so the view can log it as such."""


def identity_from_claims(claims) -> dict:
    national_id = str(claims.get(CLAIM_NATIONAL_ID) or "").strip()
    name = " ".join(str(claims.get(CLAIM_NAME) or "").split())
    if not re.fullmatch(r"[0-9]{12}", national_id) or not name or len(name) > 120:
        raise Invalid(CLAIMS_REFUSED)
    phone = normalize_mobile(str(claims.get(CLAIM_PHONE) or ""))
    email = str(claims.get(CLAIM_EMAIL) or "").strip().lower()
    return {"national_id": national_id, "full_name": name,
            "phone": phone if MOBILE.match(phone) else "",
            "email": email if len(email) <= 254 and EMAIL.match(email) else ""}


def _refuse_unless_citizen(user: User) -> None:
    if user.kind != "citizen":
        raise StaffRefused(STAFF_REFUSED)
    if not user.active:
        raise Forbidden(INACTIVE_REFUSED)


def _fill_missing(user: User, person: dict) -> None:
    # What the citizen typed stays; the provider fills only what the account lacks.
    if not user.phone and person["phone"]:
        user.phone = person["phone"]
    if not user.full_name:
        user.full_name = person["full_name"]


def _new_account(person: dict, subject: str) -> User:
    email = person["email"]
    if not email or db.session.execute(select(User.id).where(User.email == email)).first():
        # Another account's address is never taken over: an address from the provider proves nothing here.
        email = f"vneid-{hashlib.sha256(subject.encode()).hexdigest()[:20]}@{PLACEHOLDER_DOMAIN}"
    user = User(full_name=person["full_name"], email=email, phone=person["phone"],
                national_id=person["national_id"], password_hash=NO_PASSWORD, kind="citizen",
                session_token=new_session_token())
    db.session.add(user)
    return user


def account_for(issuer: str, subject: str, claims) -> tuple[User, str]:
    """The account to sign in, and how it was found: 'linked', 'matched' (linked now) or 'created'."""
    person = identity_from_claims(claims)
    link = db.session.execute(select(NationalIdentity).where(
        NationalIdentity.issuer == issuer, NationalIdentity.subject == subject)).scalar_one_or_none()
    how = "linked"
    if link is None:
        user = db.session.execute(select(User).where(User.national_id == person["national_id"])
                                  ).scalar_one_or_none()
        how = "matched"
        if user is None:
            user, how = _new_account(person, subject), "created"
        else:
            _refuse_unless_citizen(user)
            stale = db.session.execute(select(NationalIdentity).where(
                NationalIdentity.user_id == user.id, NationalIdentity.issuer == issuer)).scalar_one_or_none()
            if stale is not None:
                # The provider re-issued the person's subject: the identification number is the person.
                db.session.delete(stale)
                db.session.flush()
        db.session.flush()
        link = NationalIdentity(user_id=user.id, issuer=issuer, subject=subject)
        db.session.add(link)
    else:
        user = link.user
        if user.national_id and user.national_id != person["national_id"]:
            raise Invalid(MISMATCH_REFUSED)
    _refuse_unless_citizen(user)
    _fill_missing(user, person)
    link.last_login_at = utcnow()
    db.session.flush()
    return user, how

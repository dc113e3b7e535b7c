"""Staff accounts: create, deactivate and reactivate, change role or unit, reset the password or the
two-step sign-in. Every change is written to `AuditLog` (never the password itself)."""
from __future__ import annotations

import secrets
import unicodedata

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from ..i18n import N_
from ..auth.loaders import new_session_token
from ..auth import totp
from ..auth.passwords import hash_password
from ..extensions import db
from ..models import STAFF_ROLES, User
from ..operations import Invalid
from .units import audit

# Translated where shown (|translated).
ROLE_LABELS = {"receiver": N_("Cán bộ một cửa"), "handler": N_("Chuyên viên"), "leader": N_("Lãnh đạo")}


def _nfc(value: str | None) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def temporary_password() -> str:
    """Shown once to the administrator; long enough to be safe, letters and digits so it passes the
    portal's own password rule."""
    return f"Dvc{secrets.token_urlsafe(9)}{secrets.randbelow(10)}"


def _check_role_unit(role, unit) -> dict:
    errors = {}
    if role not in STAFF_ROLES:
        errors["role"] = [N_("Vai trò không hợp lệ.")]
    if unit is None:
        errors["unit"] = [N_("Vui lòng chọn đơn vị công tác.")]
    elif not unit.active:
        errors["unit"] = [N_("Đơn vị này đã ngừng hoạt động.")]
    return errors


def create_staff(actor, *, email, full_name, role, unit, title="", phone="") -> tuple[User, str]:
    """Returns the account and its temporary password (to hand over once)."""
    errors = _check_role_unit(role, unit)
    try:
        email = validate_email(_nfc(email).lower(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors["email"] = ["Email không hợp lệ."]
    else:
        if db.session.execute(select(User.id).where(User.email == email)).first():
            errors["email"] = [N_("Email này đã được dùng cho tài khoản khác.")]
    full_name = _nfc(full_name)
    if not full_name:
        errors["full_name"] = ["Vui lòng nhập họ và tên."]
    if errors:
        raise Invalid(N_("Thông tin cán bộ chưa hợp lệ."), errors=errors)
    password = temporary_password()
    user = User(email=email, full_name=full_name, kind="staff", role=role, unit=unit, title=_nfc(title),
                phone=_nfc(phone), password_hash=hash_password(password), session_token=new_session_token())
    db.session.add(user)
    db.session.flush()
    audit(actor, "staff.create", user, role=role, unit=unit.slug)
    return user, password


def change_assignment(actor, user: User, *, role, unit, title=None) -> User:
    errors = _check_role_unit(role, unit)
    if errors:
        raise Invalid(N_("Không thể thay đổi vai trò, đơn vị."), errors=errors)
    before = {"role": user.role, "unit": user.unit.slug if user.unit else None, "title": user.title}
    user.role, user.unit = role, unit
    if title is not None:
        user.title = _nfc(title)
    after = {"role": role, "unit": unit.slug, "title": user.title}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        # New rights start with a new session: pages and API tokens of the old role stop working.
        user.session_token = new_session_token()
        audit(actor, "staff.assign", user, changes=changes)
    return user


def set_active(actor, user: User, active: bool) -> User:
    if actor is not None and user.id == actor.id and not active:
        raise Invalid(N_("Không thể tự khóa tài khoản của chính mình."))
    if user.active != active:
        user.active = active
        user.session_token = new_session_token()  # a locked account is signed out everywhere at once
        audit(actor, "staff.activate" if active else "staff.deactivate", user)
    return user


def reset_password(actor, user: User) -> str:
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    audit(actor, "staff.reset_password", user)
    return password


def reset_second_factor(actor, user: User) -> User:
    totp.reset(user)
    user.session_token = new_session_token()
    audit(actor, "staff.reset_totp", user)
    return user


def staff_list(unit=None, include_inactive=True) -> list[User]:
    stmt = select(User).where(User.kind == "staff").order_by(User.unit_id, User.role, User.full_name)
    if unit is not None:
        stmt = stmt.where(User.unit_id == unit.id)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return db.session.execute(stmt).scalars().all()

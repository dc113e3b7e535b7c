"""Two-step sign-in (TOTP, RFC 6238) for administrators and leaders, with single-use recovery codes.

The login view (portal/auth/views.py) checks the password, then hands over to the object registered at
`second_factor`, used by the sign-in views and the API token endpoint: `required(user)` says
whether a code is needed, `begin(user, remember, next_url)` parks the half-signed-in person in the session
and sends them to the code page (or, on their first sign-in, to the enrolment page with a QR code). The
session is opened only when the code is right (`portal.auth.accounts.start_session`).

- Secrets are pyotp base32 strings in `User.totp_secret`; recovery codes are kept as argon2 hashes in
  `User.recovery_codes` and removed when used.
- A code is accepted once: the last accepted 30-second step is kept in the `counters` table under
  `totp:<user id>` (RFC 6238 §5.2), so a code seen over a shoulder cannot be replayed in its window.
- The pending sign-in expires after 5 minutes or 5 wrong codes, and is tied to the account's session
  token, so a password change or "log out everywhere" meanwhile voids it.
- Until enrolment is confirmed the new secret lives only in the (signed) session cookie of the person
  who just gave the right password: it is written to the account when they prove they hold it.
"""
from __future__ import annotations

import secrets
import time
import unicodedata

import pyotp
import segno
from flask import redirect, session, url_for

from ..extensions import db
from ..models import Counter, User
from .passwords import hash_password, verify_password
from .permissions import needs_second_factor

ISSUER = "Cổng DVC Vĩnh Phúc"
PENDING_KEY = "dvc_second_factor"
PENDING_SECONDS = 300
MAX_ATTEMPTS = 5
RECOVERY_CODES = 10
STEP = 30


# -- codes -----------------------------------------------------------------------------------------

def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR as inline SVG markup (no image file, no JavaScript)."""
    return segno.make(uri, error="m").svg_inline(scale=5, title="Mã QR đăng ký ứng dụng xác thực")


def _clean(code: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", code or "").split()).replace("-", "").lower()


def _last_step_scope(user: User) -> str:
    return f"totp:{user.id}"


def _accept_totp(user: User, secret: str, code: str, now: float | None = None) -> bool:
    """A 6-digit code of the current step or either neighbour (clock drift), newer than the last one
    accepted for this account."""
    if not (len(code) == 6 and code.isdigit()):
        return False
    totp = pyotp.TOTP(secret)
    current = totp.timecode(_as_datetime(now))
    counter = db.session.get(Counter, _last_step_scope(user))
    last = counter.value if counter is not None else -1
    for step in (current - 1, current, current + 1):
        if step > last and secrets.compare_digest(totp.generate_otp(step), code):
            if counter is None:
                db.session.add(Counter(scope=_last_step_scope(user), value=step))
            else:
                counter.value = step
            return True
    return False


def _as_datetime(now: float | None):
    from datetime import datetime, timezone
    return datetime.fromtimestamp(time.time() if now is None else now, timezone.utc)


def new_recovery_codes() -> list[str]:
    """Ten codes like `k7qm-2xhd`: 40 bits each, easy to copy from paper."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(8))
        codes.append(f"{raw[:4]}-{raw[4:]}")
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    remaining = list(user.recovery_codes or [])
    for index, hashed in enumerate(remaining):
        if verify_password(hashed, code):
            del remaining[index]
            user.recovery_codes = remaining  # a new list: the JSON column sees the change
            return True
    return False


def verify_code(user: User, code: str | None) -> bool:
    """A current TOTP code (once) or an unused recovery code (consumed); the request commits."""
    if not user.totp_secret:
        return False
    cleaned = _clean(code)
    if len(cleaned) == 6:
        return _accept_totp(user, user.totp_secret, cleaned)
    if len(cleaned) == 8:
        return _use_recovery_code(user, f"{cleaned[:4]}-{cleaned[4:]}")
    return False


def enrol(user: User, secret: str, code: str | None) -> list[str] | None:
    """Confirms an enrolment with the first code from the app; returns the recovery codes to show once,
    or None when the code is wrong."""
    if not _accept_totp(user, secret, _clean(code)):
        return None
    user.totp_secret = secret
    codes = new_recovery_codes()
    user.recovery_codes = [hash_password(c) for c in codes]
    return codes


def reset(user: User):
    """An administrator's reset (lost phone): the person enrols again at their next sign-in."""
    user.totp_secret = None
    user.recovery_codes = None
    counter = db.session.get(Counter, _last_step_scope(user))
    if counter is not None:
        db.session.delete(counter)


# -- the pending sign-in --------------------------------------------------------------------------

def pending_user() -> tuple[User | None, dict]:
    """The person who gave the right password and still owes a code, or None when there is none (or it
    expired, or the account changed meanwhile)."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, {}
    if time.time() - pending.get("at", 0) > PENDING_SECONDS or pending.get("attempts", 0) >= MAX_ATTEMPTS:
        session.pop(PENDING_KEY, None)
        return None, {}
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.active or not secrets.compare_digest(user.session_token, pending.get("st",
                                                                                                     "")):
        session.pop(PENDING_KEY, None)
        return None, {}
    return user, pending


def count_failure(pending: dict) -> int:
    pending["attempts"] = pending.get("attempts", 0) + 1
    session[PENDING_KEY] = pending
    return MAX_ATTEMPTS - pending["attempts"]


def enrolment_secret(pending: dict) -> str:
    if not pending.get("secret"):
        pending["secret"] = new_secret()
        session[PENDING_KEY] = pending
    return pending["secret"]


class SecondFactor:
    """The second step the web sign-in and the API token endpoint go through."""

    def required(self, user) -> bool:
        return needs_second_factor(user)

    def begin(self, user, remember: bool, next_url: str | None):
        session[PENDING_KEY] = {"uid": user.id, "st": user.session_token, "remember": bool(remember),
                                "next": next_url, "at": time.time(), "attempts": 0}
        if user.totp_secret:
            return redirect(url_for("two_factor.code"))
        return redirect(url_for("two_factor.enrol"))

    def verify(self, user, code: str | None) -> bool:
        """For the API token endpoint: True when `code` is a valid TOTP or recovery code (the request
        commits its use)."""
        return verify_code(user, code)


second_factor = SecondFactor()

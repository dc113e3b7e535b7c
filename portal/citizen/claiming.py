"""Claiming a counter application: a person who applied at the desk without an account signs up (or in) and
links the application to their account by its code, their identification number and a one-time code sent
by SMS to the phone the desk entered.

The code is six digits, stored only as an HMAC (keyed by the app's secret), valid CLAIM_CODE_MINUTES, used
once. Throttled three ways: codes sent per application per hour (rows in claim_codes: sending commits), and,
in the rate limiter's store (which survives the rollback of a refused request, Redis when configured),
wrong code/identification-number pairs per account and wrong one-time codes per sent code."""
import hashlib
import hmac
import math
import secrets
import time
from datetime import timedelta

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import func, select

from ..i18n import N_
from ..auth.permissions import can_claim
from ..extensions import db
from ..models import Application, AuditLog, ClaimCode
from ..notifications import send_sms
from ..notifications.sms import mask_phone
from ..timeutil import utcnow
from ..operations import Forbidden, Invalid, NotFound, OperationError
from ..operations.counter_intake import clean_national_id
from ..operations.transitions import touch

CLAIM_CODE_MINUTES = 10
SENDS_PER_APPLICATION_HOUR = 3
LOOKUP_FAILURES = parse("10/hour")  # wrong code + identification number pairs, per account
CODE_FAILURES = parse("5/hour")  # wrong one-time codes, per code sent: the fifth wrong try kills the code
EXTENSION = "dvc_claim_throttle"

NOT_FOUND_MESSAGE = N_("Không tìm thấy hồ sơ nộp tại quầy chưa được nhận với mã hồ sơ và số định danh này. "
                       "Vui lòng kiểm tra lại Giấy tiếp nhận hồ sơ.")
WRONG_OTP_MESSAGE = N_("Mã xác nhận không đúng.")
EXPIRED_MESSAGE = N_("Mã xác nhận đã hết hạn, đã được dùng hoặc đã nhập sai quá nhiều lần. Vui lòng yêu cầu mã "
                     "mới.")
TOO_MANY_SENDS_MESSAGE = N_("Đã gửi quá nhiều mã xác nhận cho hồ sơ này. Vui lòng thử lại sau một giờ.")
TOO_MANY_TRIES_MESSAGE = N_("Ông/bà đã nhập sai quá nhiều lần. Vui lòng thử lại sau.")


class TooManyAttempts(OperationError):
    status = 429
    title = "Quá nhiều lần thử"


class _Throttle:
    def __init__(self, storage_uri: str):
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def blocked(self, item, key: str) -> int:
        """0 when `key` may try again, else the seconds to wait."""
        if self.limiter.test(item, "claim", key):
            return 0
        reset_at = self.limiter.get_window_stats(item, "claim", key).reset_time
        return max(math.ceil(reset_at - time.time()), 1)

    def failed(self, item, key: str) -> None:
        self.limiter.hit(item, "claim", key)


def _throttle() -> _Throttle:
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        found = current_app.extensions[EXTENSION] = _Throttle(current_app.config["RATELIMIT_STORAGE_URI"])
    return found


def _digest(claim_scope: str, otp: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"claim:{claim_scope}:{otp}".encode(), hashlib.sha256).hexdigest()


def _claimable(user, code, national_id) -> Application:
    """The unclaimed counter application with this code and identification number; NotFound (the same answer
    whatever was wrong) otherwise, counted against the account."""
    if not can_claim(user):
        raise Forbidden(N_("Chỉ tài khoản công dân mới nhận được hồ sơ."))
    throttle = _throttle()
    if throttle.blocked(LOOKUP_FAILURES, f"lookup:{user.id}"):
        raise TooManyAttempts(TOO_MANY_TRIES_MESSAGE)
    errors = {}
    code = (code or "").strip() if isinstance(code, str) else ""
    if not code:
        errors["code"] = [N_("Vui lòng nhập mã hồ sơ.")]
    nid = clean_national_id(national_id)
    if nid is None:
        errors["national_id"] = [N_("Số định danh cá nhân gồm đúng 12 chữ số, ba chữ số đầu là mã tỉnh (001–096).")]
    if errors:
        raise Invalid(N_("Thông tin chưa hợp lệ."), errors=errors)
    application = db.session.execute(select(Application).where(
        # Counter applications, and those from the national portal for a person with no account here.
        Application.code == code, Application.channel.in_(("counter", "national")),
        Application.applicant_id.is_(None),
        Application.applicant_national_id == nid)).scalar_one_or_none()
    # An account that already carries another identification number cannot take this person's application.
    if application is None or (user.national_id and user.national_id != nid):
        throttle.failed(LOOKUP_FAILURES, f"lookup:{user.id}")
        raise NotFound(NOT_FOUND_MESSAGE, errors={"code": [NOT_FOUND_MESSAGE]})
    return application


def request_code(user, code, national_id) -> tuple[ClaimCode, str]:
    """Sends a one-time code to the phone on record. Returns the code's row and the masked phone."""
    application = _claimable(user, code, national_id)
    since = utcnow() - timedelta(hours=1)
    sent = db.session.execute(select(func.count()).select_from(ClaimCode).where(
        ClaimCode.application_id == application.id, ClaimCode.created_at >= since)).scalar_one()
    if sent >= SENDS_PER_APPLICATION_HOUR:
        raise TooManyAttempts(TOO_MANY_SENDS_MESSAGE)
    otp = f"{secrets.randbelow(10 ** 6):06d}"
    now = utcnow()
    claim = ClaimCode(application=application, requested_by_id=user.id, created_at=now,
                      expires_at=now + timedelta(minutes=CLAIM_CODE_MINUTES), code_hash="")
    db.session.add(claim)
    db.session.flush()
    claim.code_hash = _digest(str(claim.id), otp)
    send_sms(application.applicant_phone, "claim_code", code=application.code, otp=otp,
             minutes=CLAIM_CODE_MINUTES)
    return claim, mask_phone(application.applicant_phone)


def confirm(user, code, national_id, otp) -> Application:
    """Links the application to `user` when `otp` is the latest live code sent for it to this account."""
    application = _claimable(user, code, national_id)
    otp = (otp or "").strip() if isinstance(otp, str) else ""
    if not (len(otp) == 6 and otp.isascii() and otp.isdigit()):
        raise Invalid(N_("Mã xác nhận gồm 6 chữ số."), errors={"otp": [N_("Mã xác nhận gồm 6 chữ số.")]})
    now = utcnow()
    claim = db.session.execute(select(ClaimCode).where(
        ClaimCode.application_id == application.id, ClaimCode.requested_by_id == user.id,
        ClaimCode.used_at.is_(None)).order_by(ClaimCode.id.desc())).scalars().first()
    throttle = _throttle()
    if claim is None or claim.expires_at <= now or throttle.blocked(CODE_FAILURES, f"otp:{claim.id}"):
        raise Invalid(EXPIRED_MESSAGE, errors={"otp": [EXPIRED_MESSAGE]}, code="claim_code_expired")
    if not hmac.compare_digest(claim.code_hash, _digest(str(claim.id), otp)):
        throttle.failed(CODE_FAILURES, f"otp:{claim.id}")
        raise Invalid(WRONG_OTP_MESSAGE, errors={"otp": [WRONG_OTP_MESSAGE]}, code="wrong_claim_code")
    claim.used_at = now
    application.applicant_id = user.id
    touch(application, now)
    db.session.add(AuditLog(actor_id=user.id, action="application.claim", target=f"application:{application.id}",
                            target_user_id=user.id, details={"code": application.code}, created_at=now))
    return application

"""Payments change state here: starting an online payment, the gateway's IPN (the source of truth), the
browser's return, a fee taken at the desk, and reconciliation with the gateway.

Like every operation these never commit; the view or command that calls them commits once. The payment
is marked paid with a conditional UPDATE (… WHERE state = 'pending'), so two deliveries of the same IPN
racing each other cannot both confirm it, and the workflow action `pay` fires at most once per payment.
"""
from __future__ import annotations

import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..i18n import N_
from ..auth.permissions import has_role, owns_application
from ..extensions import db
from ..models import Application, Event, Payment
from ..operations import Conflict, Forbidden, Invalid, NotFound, OperationError
from ..operations.processing import performs
from ..operations.transitions import fire
from ..timeutil import utcnow, vn_now
from . import vnpay
from .provider import GatewayUnavailable, PaymentConfigurationError, get_provider

log = logging.getLogger(__name__)

AWAITING_PAYMENT = "awaiting_payment"
# refund_due: the money arrived when the application no longer waited for it. Only the payment that paid
# the application is `paid`: the database refuses a second one (models.Payment, uq_payments_one_paid).
PENDING, PAID, FAILED, REFUND_DUE = "pending", "paid", "failed", "refund_due"
MONEY_RECEIVED = (PAID, REFUND_DUE)
# Translated where shown (|translated).
STATE_LABELS = {PENDING: N_("Đang chờ xác nhận"), PAID: N_("Đã thanh toán"), FAILED: N_("Không thành công"),
                REFUND_DUE: N_("Đã thu, cần hoàn tiền")}


def new_txn_ref(application, prefix: str = "HS") -> str:
    """Unique, letters and digits only (vnp_TxnRef), and readable: which application, when."""
    return f"{prefix}{application.id}T{vn_now():%y%m%d%H%M%S}{secrets.token_hex(3).upper()}"


def _check_fee_due(application):
    if application.state != AWAITING_PAYMENT:
        raise Invalid(N_("Hồ sơ không ở trạng thái chờ nộp phí, lệ phí."), code="not_awaiting_payment")
    if application.fee_amount <= 0 or application.paid_at is not None:
        raise Invalid(N_("Hồ sơ không có khoản phí, lệ phí nào cần nộp."), code="nothing_to_pay")


# --- online ------------------------------------------------------------------------------------------

def start_online_payment(application, citizen) -> Payment:
    """A new pending payment of the application's fee, with its own txn_ref (flushed, not committed).

    Raises NotFound for anyone but the applicant (a citizen sees only their own applications) and
    Invalid when nothing is to be paid online now."""
    if not owns_application(citizen, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    if application.service_version.online_level != 4:
        raise Invalid(N_("Thủ tục này nộp phí, lệ phí trực tiếp tại Bộ phận một cửa."), code="not_level_4")
    _check_fee_due(application)
    # Whole seconds: vnp_CreateDate carries seconds, and querydr must quote exactly that date back.
    payment = Payment(application=application, provider="vnpay", txn_ref=new_txn_ref(application),
                      amount=application.fee_amount, state=PENDING,
                      created_at=utcnow().replace(microsecond=0))
    db.session.add(payment)
    db.session.flush()
    return payment


def gateway_redirect(payment, *, return_url: str, client_ip: str, locale: str) -> str:
    """Where to send the citizen's browser to pay `payment`."""
    from flask import current_app

    from .provider import ipn_url
    return get_provider().start(payment, return_url, ipn_url(current_app.config), client_ip, locale)


def _find_payment(txn_ref: str) -> Payment | None:
    if not txn_ref:
        return None
    return db.session.scalar(select(Payment).where(Payment.txn_ref == txn_ref, Payment.provider == "vnpay"))


def _settle(payment, state: str, result, paid_at: datetime | None = None) -> bool:
    """pending -> state, once: False when another delivery got there first."""
    values = dict(state=state, response_code=result.response_code, gateway_txn_no=result.gateway_txn_no,
                  bank_code=result.bank_code, raw=result.raw)
    if paid_at is not None:
        values["paid_at"] = paid_at
    settled = db.session.execute(
        update(Payment).where(Payment.id == payment.id, Payment.state == PENDING).values(**values)
        .execution_options(synchronize_session="fetch"))
    return settled.rowcount == 1


def handle_ipn(params) -> dict:
    """The gateway's server-to-server notification: the one place an online payment becomes paid.

    Returns the IPN reply VNPay expects. Checks in the protocol's order: signature (97), payment (01),
    amount (04), already settled (02). A successful payment fires `pay` as the system in the same
    transaction; a failed one is marked failed and leaves the application waiting for payment.
    Raises only what the caller must roll back for (then answer 99, so VNPay calls again)."""
    try:
        result = get_provider().verify_callback(params)
    except PaymentConfigurationError:
        log.error("IPN received but no VNPay merchant secret is configured")
        return vnpay.ipn_reply(vnpay.IPN_UNKNOWN_ERROR)
    if not result.valid:
        log.warning("IPN with an invalid signature for txn_ref %r", result.txn_ref)
        return vnpay.ipn_reply(vnpay.IPN_INVALID_SIGNATURE)
    payment = _find_payment(result.txn_ref)
    if payment is None:
        return vnpay.ipn_reply(vnpay.IPN_ORDER_NOT_FOUND)
    if result.amount != payment.amount:
        log.warning("IPN for %s says %s ₫, the portal asked %s ₫",
                    payment.txn_ref, result.amount, payment.amount)
        return vnpay.ipn_reply(vnpay.IPN_INVALID_AMOUNT)
    if payment.state != PENDING:
        return vnpay.ipn_reply(vnpay.IPN_ALREADY_CONFIRMED)
    if not result.success:
        if not _settle(payment, FAILED, result):
            return vnpay.ipn_reply(vnpay.IPN_ALREADY_CONFIRMED)
        return vnpay.ipn_reply(vnpay.IPN_CONFIRMED)
    paid_at = result.paid_at or utcnow()  # when the money moved, by the gateway's clock
    application = db.session.get(Application, payment.application_id)
    awaited = application.state == AWAITING_PAYMENT and application.paid_at is None
    # Should the desk's payment commit meanwhile, this one's `paid` breaks the unique index: the IPN answers
    # 99, and VNPay's next call finds the application paid and records this payment as refund_due.
    if not _settle(payment, PAID if awaited else REFUND_DUE, result, paid_at):
        return vnpay.ipn_reply(vnpay.IPN_ALREADY_CONFIRMED)
    if awaited:
        application.paid_at = paid_at
        fire(application, "pay", None, note="Thanh toán trực tuyến qua VNPAY",
             inputs={"payment_id": payment.id},
             details={"payment_id": payment.id, "txn_ref": payment.txn_ref, "amount": payment.amount,
                      "provider": payment.provider, "gateway_txn_no": result.gateway_txn_no})
    else:
        # The money has arrived (so it is recorded) but the application no longer waits for it: paid at
        # the desk meanwhile, paid twice online, or withdrawn. Staff must refund; reconcile lists it.
        log.warning("payment %s confirmed for application %s in state %s (already paid: %s): refund due",
                    payment.txn_ref, application.id, application.state, application.paid_at is not None)
    return vnpay.ipn_reply(vnpay.IPN_CONFIRMED)


@dataclass(frozen=True)
class ReturnOutcome:
    """What the citizen is told on coming back from the gateway."""

    status: str  # paid | pending | failed | refund_due | invalid
    message: str
    payment: Payment | None = None
    application: Application | None = None


def handle_return(params, viewer) -> ReturnOutcome:
    """Reads the browser's return. Nothing changes here: the IPN decides. The payment's own state is
    what the citizen sees; the gateway's message only explains a failure the IPN has not reported yet."""
    try:
        result = get_provider().verify_callback(params)
    except PaymentConfigurationError:
        return ReturnOutcome("invalid", N_("Cổng thanh toán chưa được cấu hình."))
    if not result.valid:
        return ReturnOutcome("invalid", N_("Kết quả thanh toán không hợp lệ (sai chữ ký). Nếu tài khoản của "
                                           "bạn đã bị trừ tiền, vui lòng liên hệ Bộ phận một cửa."))
    payment = _find_payment(result.txn_ref)
    if payment is None or not owns_application(viewer, payment.application):
        raise NotFound(N_("Không tìm thấy giao dịch thanh toán."))
    application = payment.application
    if payment.state == PAID:
        return ReturnOutcome(PAID, N_("Thanh toán thành công. Hồ sơ của bạn được chuyển tiếp để giải quyết."),
                             payment, application)
    if payment.state == REFUND_DUE:
        return ReturnOutcome(REFUND_DUE, N_("Cổng thanh toán đã thu tiền, nhưng hồ sơ không còn chờ nộp phí (đã "
                                            "nộp phí tại Bộ phận một cửa hoặc đã rút): khoản tiền này sẽ được "
                                            "hoàn lại."),
                             payment, application)
    if payment.state == FAILED or (result.valid and not result.success):
        return ReturnOutcome(FAILED, result.message if payment.state == PENDING else
                             vnpay.response_message(payment.response_code), payment, application)
    return ReturnOutcome(PENDING, N_("Cổng thanh toán báo giao dịch thành công; hệ thống đang chờ xác nhận "
                                     "chính thức từ cổng thanh toán. Vui lòng tải lại trang sau ít phút."),
                         payment, application)


# --- at the desk -------------------------------------------------------------------------------------

@performs("pay")
def pay_at_desk(application, receiver, *, version: int | None, note: str = "") -> Payment:
    """`pay` fired by a person, from the desk page or the API: the fee was taken at the desk. (The system's
    `pay` comes with the gateway's IPN, `handle_ipn`.)"""
    return record_desk_payment(application, receiver, note=note, expected_version=version)


def record_desk_payment(application, receiver, *, note: str = "",
                        expected_version: int | None = None) -> Payment:
    """The receiver has taken the fee in cash or by card at the desk: a paid payment, then `pay` fired
    as the receiver (the workflow checks role and unit). Flushed, not committed."""
    if not has_role(receiver, "receiver"):
        raise Forbidden(N_("Chỉ cán bộ một cửa ghi nhận việc thu phí tại quầy."), code="wrong_role")
    if receiver.unit_id != application.current_unit_id:
        raise Forbidden(N_("Hồ sơ không nằm tại đơn vị của bạn."), code="wrong_unit")
    _check_fee_due(application)
    now = utcnow()
    payment = Payment(application=application, provider="desk", txn_ref=new_txn_ref(application, "QUAY"),
                      amount=application.fee_amount, state=PAID, paid_at=now, recorded_by_id=receiver.id,
                      created_at=now)
    db.session.add(payment)
    try:
        db.session.flush()
    except IntegrityError:
        # An online payment confirmed meanwhile holds the one `paid` place (uq_payments_one_paid): told, not
        # a 500; the request's rollback undoes the rest. (No savepoint: pysqlite would commit on its release.)
        raise Conflict(N_("Hồ sơ vừa được nộp phí trực tuyến; không ghi nhận thu phí tại quầy."),
                       code="already_paid") from None
    application.paid_at = now
    note = unicodedata.normalize("NFC", (note or "").strip()) or "Đã thu phí, lệ phí tại Bộ phận một cửa"
    fire(application, "pay", receiver, note=note, expected_version=expected_version,
         inputs={"payment_id": payment.id},
         details={"payment_id": payment.id, "txn_ref": payment.txn_ref, "amount": payment.amount,
                  "provider": payment.provider})
    return payment


# --- reconciliation ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    txn_ref: str
    application_code: str
    portal_state: str
    gateway_state: str
    portal_amount: int
    gateway_amount: int | None
    detail: str

    def line(self) -> str:
        return (f"{self.txn_ref}\thồ sơ {self.application_code}\tcổng dịch vụ công: {self.portal_state}"
                f"\tcổng thanh toán: {self.gateway_state}\t{self.detail}")


# portal state -> gateway states that agree with it
_AGREEING = {PAID: {"paid"}, REFUND_DUE: {"paid"}, FAILED: {"failed"}, PENDING: {"pending", "unknown"}}


def reconcile(*, since: datetime | None = None, provider=None) -> list[Difference]:
    """Every online payment (created since `since`, default the last 90 days) whose state or amount at
    the gateway differs from the portal's, found by asking the gateway (querydr); and every confirmed
    online payment the application did not need (paid twice, or after it stopped waiting): money to
    refund. Changes nothing."""
    provider = provider or get_provider()
    since = since or utcnow() - timedelta(days=90)
    payments = db.session.scalars(
        select(Payment).where(Payment.provider == provider.name, Payment.created_at >= since)
        .order_by(Payment.id)).all()
    paying = _paying_payments({p.application_id for p in payments if p.state in MONEY_RECEIVED})
    differences = []
    for payment in payments:
        code = payment.application.code or f"#{payment.application_id}"
        try:
            status = provider.query(payment)
        except (GatewayUnavailable, PaymentConfigurationError) as exc:
            differences.append(Difference(payment.txn_ref, code, payment.state, "không truy vấn được",
                                          payment.amount, None, str(exc)))
            continue
        if status.state not in _AGREEING.get(payment.state, set()):
            differences.append(Difference(
                payment.txn_ref, code, payment.state, status.state, payment.amount, status.amount,
                _explain(payment.state, status.state)))
        elif status.state == "paid" and status.amount != payment.amount:
            differences.append(Difference(
                payment.txn_ref, code, payment.state, status.state, payment.amount, status.amount,
                "Số tiền tại cổng thanh toán khác số tiền của hồ sơ."))
        elif payment.state in MONEY_RECEIVED and payment.application_id not in paying:
            differences.append(Difference(
                payment.txn_ref, code, payment.state, status.state, payment.amount, status.amount,
                "Tiền đã thu khi hồ sơ không còn chờ nộp phí (đã rút?): cần hoàn tiền cho người nộp."))
        elif payment.state in MONEY_RECEIVED and paying[payment.application_id] != payment.id:
            differences.append(Difference(
                payment.txn_ref, code, payment.state, status.state, payment.amount, status.amount,
                "Hồ sơ đã được nộp phí bằng giao dịch khác (thu trùng): cần hoàn tiền cho người nộp."))
    return differences


def _paying_payments(application_ids) -> dict[int, int | None]:
    """application id -> the payment its `pay` action recorded (None when fired without one)."""
    if not application_ids:
        return {}
    rows = db.session.execute(
        select(Event.application_id, Event.details).where(Event.application_id.in_(application_ids),
                                                          Event.action == "pay")
        .order_by(Event.id)).all()
    paying = {}
    for application_id, details in rows:
        paying.setdefault(application_id, (details or {}).get("payment_id"))
    return paying


def _explain(portal_state: str, gateway_state: str) -> str:
    if gateway_state == "paid":
        return "Cổng thanh toán đã thu tiền nhưng cổng dịch vụ công chưa ghi nhận (IPN bị lỡ?)."
    if portal_state == PAID:
        return "Cổng dịch vụ công ghi nhận đã thanh toán nhưng cổng thanh toán không xác nhận."
    return "Trạng thái giao dịch khác nhau giữa hai hệ thống."


def payments_of(application) -> list[Payment]:
    return db.session.scalars(select(Payment).where(Payment.application_id == application.id)
                              .order_by(Payment.id)).all()


__all__ = ["start_online_payment", "gateway_redirect", "handle_ipn", "handle_return", "ReturnOutcome",
           "record_desk_payment", "reconcile", "Difference", "payments_of", "OperationError"]

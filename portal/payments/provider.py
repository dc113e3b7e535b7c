"""Payment providers: what the portal needs from an online payment gateway, and VNPay behind that.

The portal starts a payment (gets a URL to send the citizen to), reads the gateway's signed callbacks
(the browser's return and the server-to-server IPN) and asks the gateway what it knows of a transaction
(reconciliation). Another gateway would be another class with the same three methods.
"""
from __future__ import annotations

import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

from . import vnpay

log = logging.getLogger(__name__)

SANDBOX_PREFIX = "/sandbox/vnpay"
SANDBOX_PAY_PATH = SANDBOX_PREFIX + "/paymentv2/vpcpay.html"
SANDBOX_API_PATH = SANDBOX_PREFIX + "/merchant_webapi/api/transaction"
IPN_PATH = "/payments/vnpay/ipn"


class PaymentConfigurationError(RuntimeError):
    """The gateway cannot be used as configured (no merchant secret for a real gateway, …)."""


class GatewayUnavailable(RuntimeError):
    """The gateway did not answer, or answered something that is not its protocol."""


@dataclass(frozen=True)
class CallbackResult:
    """A gateway callback, read and checked. Only `valid` may be trusted when the signature is bad."""

    valid: bool
    txn_ref: str = ""
    amount: int | None = None  # đồng
    success: bool = False
    response_code: str = ""
    transaction_status: str = ""
    gateway_txn_no: str = ""
    bank_code: str = ""
    paid_at: datetime | None = None
    message: str = ""
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayStatus:
    """What the gateway knows of one transaction: `paid`, `pending`, `failed`, or `unknown` (not found)."""

    state: str
    amount: int | None = None
    gateway_txn_no: str = ""
    detail: str = ""


class PaymentProvider(ABC):
    name: str

    @abstractmethod
    def start(self, payment, return_url: str, ipn_url: str, client_ip: str, locale: str) -> str:
        """The URL to redirect the citizen's browser to, to pay `payment` (flushed: it has created_at)."""

    @abstractmethod
    def verify_callback(self, params) -> CallbackResult:
        """Reads a return or IPN query (a mapping of the query parameters)."""

    @abstractmethod
    def query(self, payment, client_ip: str = "127.0.0.1") -> GatewayStatus:
        """Asks the gateway about `payment`; raises GatewayUnavailable when it cannot tell."""


def order_info_for(payment) -> str:
    application = getattr(payment, "application", None)
    code = getattr(application, "code", None) or f"#{payment.application_id}"
    return f"Thanh toan phi ho so {code}"


class VNPayProvider(PaymentProvider):
    name = "vnpay"

    def __init__(self, tmn_code: str, hash_secret: str, pay_url: str, api_url: str, timeout: float = 15):
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.pay_url = pay_url
        self.api_url = api_url
        self.timeout = timeout

    def _secret(self) -> str:
        if not self.hash_secret:
            raise PaymentConfigurationError("VNPAY_HASH_SECRET is not set")
        return self.hash_secret

    def start(self, payment, return_url, ipn_url, client_ip, locale) -> str:
        # VNPay takes no IPN URL per payment: the merchant registers it with VNPay once (ipn_url is
        # part of the interface for gateways that do take one).
        if payment.created_at is None:
            raise ValueError("the payment must be flushed before it is started (vnp_CreateDate)")
        request = vnpay.PaymentRequest(
            tmn_code=self.tmn_code, amount=payment.amount, txn_ref=payment.txn_ref,
            order_info=order_info_for(payment), return_url=return_url, ip_addr=client_ip or "127.0.0.1",
            created_at=payment.created_at, locale=vnpay.locale_for(locale))
        return vnpay.build_payment_url(self.pay_url, self._secret(), request)

    def verify_callback(self, params) -> CallbackResult:
        result = vnpay.read_result(params, self._secret())
        if result.valid and result.raw.get("vnp_TmnCode") != self.tmn_code:
            # Signed with our secret yet for another terminal: not ours to act on.
            return CallbackResult(valid=False, txn_ref=result.txn_ref, raw=result.raw,
                                  message="Kết quả thanh toán không thuộc mã website (TmnCode) của cổng.")
        return CallbackResult(
            valid=result.valid, txn_ref=result.txn_ref, amount=result.amount, success=result.success,
            response_code=result.response_code, transaction_status=result.transaction_status,
            gateway_txn_no=result.transaction_no, bank_code=result.bank_code, paid_at=result.pay_date,
            message=result.message, raw=result.raw)

    def query(self, payment, client_ip="127.0.0.1") -> GatewayStatus:
        secret = self._secret()
        body = vnpay.query_request(
            tmn_code=self.tmn_code, secret=secret, request_id=secrets.token_hex(16),
            txn_ref=payment.txn_ref, transaction_date=vnpay.format_date(payment.created_at),
            ip_addr=client_ip, created_at=vnpay.now_gmt7())
        request = urllib.request.Request(
            self.api_url, data=json.dumps(body).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"})
        try:
            # The URL is configuration (VNPAY_API_URL), never user input; only http(s) is opened.
            if urllib.parse.urlsplit(self.api_url).scheme not in ("https", "http"):
                raise ValueError(f"VNPAY_API_URL must be an http(s) URL, not {self.api_url!r}")
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 # nosec B310
                answer_body = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise GatewayUnavailable(f"querydr {payment.txn_ref}: {exc}") from exc
        try:
            answer = vnpay.read_query_response(answer_body, secret, tmn_code=self.tmn_code,
                                               txn_ref=payment.txn_ref)
        except vnpay.ProtocolError as exc:
            raise GatewayUnavailable(f"querydr {payment.txn_ref}: {exc}") from exc
        if answer.response_code == "91":
            return GatewayStatus("unknown", detail=vnpay.QUERY_RESPONSE_CODES["91"])
        if not answer.found:
            raise GatewayUnavailable(
                f"querydr {payment.txn_ref}: {answer.response_code} "
                f"{vnpay.QUERY_RESPONSE_CODES.get(answer.response_code, answer.message)}")
        if answer.paid:
            state = "paid"
        elif answer.transaction_status == vnpay.STATUS_PENDING:
            state = "pending"
        else:
            state = "failed"
        return GatewayStatus(state, amount=answer.amount, gateway_txn_no=answer.transaction_no,
                             detail=vnpay.status_message(answer.transaction_status))


def uses_sandbox(config) -> bool:
    return not config.get("VNPAY_URL")


def ipn_url(config) -> str:
    """The merchant IPN URL: what is registered with VNPay (and what the sandbox calls)."""
    return config.get("VNPAY_IPN_URL") or config.get("PUBLIC_URL", "").rstrip("/") + IPN_PATH


def get_provider(app=None) -> VNPayProvider:
    """The configured provider: the real VNPay when VNPAY_URL is set, otherwise the built-in sandbox."""
    from flask import current_app, has_request_context, url_for

    app = app or current_app
    config = app.config
    public = config.get("PUBLIC_URL", "").rstrip("/")
    if uses_sandbox(config):
        if has_request_context():
            # The browser goes to the sandbox on whatever host it reached the portal by.
            pay_url = url_for("vnpay_sandbox.pay", _external=True)
        else:
            pay_url = public + SANDBOX_PAY_PATH
        api_url = config.get("VNPAY_API_URL") or public + SANDBOX_API_PATH
    else:
        pay_url = config["VNPAY_URL"]
        api_url = config.get("VNPAY_API_URL") or ""
        if not api_url:
            log.warning("VNPAY_API_URL is not set: reconciliation cannot query VNPay")
    return VNPayProvider(config.get("VNPAY_TMN_CODE", ""), config.get("VNPAY_HASH_SECRET", ""),
                         pay_url, api_url, timeout=float(config.get("VNPAY_TIMEOUT", 15)))

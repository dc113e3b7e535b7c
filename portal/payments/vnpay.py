"""The VNPay payment protocol, version 2.1.0, as plain functions: no Flask, no database.

Both sides of the protocol live here, because the built-in sandbox gateway must speak exactly what the
merchant side expects:

* the payment URL (`vnp_Command=pay`): parameters sorted by key, each value encoded the way VNPay's
  reference code encodes it (`quote_plus`, space as `+`), joined with `&`; that string is both the query
  and the data signed with HMAC-SHA512 under the merchant secret (`vnp_SecureHash`, lowercase hex);
* the return URL and the IPN call: the gateway signs its `vnp_*` result parameters the same way; the
  merchant recomputes over every `vnp_*` parameter except `vnp_SecureHash` and `vnp_SecureHashType`;
* the IPN reply, a small JSON object `{"RspCode", "Message"}` whose codes VNPay acts on (it retries
  until it gets `00` or `02`);
* `querydr`, the transaction query API (JSON POST) whose checksums are fields joined by `|`.

Amounts travel multiplied by 100 (VNPay's "no decimal part" rule). Dates are `yyyyMMddHHmmss` in GMT+7.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

VERSION = "2.1.0"
PAY_COMMAND = "pay"
QUERY_COMMAND = "querydr"
CURRENCY = "VND"
DEFAULT_ORDER_TYPE = "other"
DEFAULT_EXPIRE_MINUTES = 15
LOCALES = ("vn", "en")
DATE_FORMAT = "%Y%m%d%H%M%S"
GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")  # Vietnam has kept UTC+7 without daylight saving since 1975

SECURE_HASH = "vnp_SecureHash"
SECURE_HASH_TYPE = "vnp_SecureHashType"

# --- response codes -----------------------------------------------------------------------------------

SUCCESS = "00"

# vnp_ResponseCode of a payment (return URL and IPN), from VNPay's code table.
RESPONSE_CODES = {
    "00": "Giao dịch thành công.",
    "07": "Trừ tiền thành công. Giao dịch bị nghi ngờ (liên quan tới lừa đảo, giao dịch bất thường).",
    "09": "Giao dịch không thành công: thẻ/tài khoản chưa đăng ký dịch vụ Internet Banking tại ngân hàng.",
    "10": "Giao dịch không thành công: xác thực thông tin thẻ/tài khoản không đúng quá 3 lần.",
    "11": "Giao dịch không thành công: đã hết hạn chờ thanh toán. Xin vui lòng thực hiện lại giao dịch.",
    "12": "Giao dịch không thành công: thẻ/tài khoản bị khóa.",
    "13": "Giao dịch không thành công: nhập sai mật khẩu xác thực giao dịch (OTP). "
          "Xin vui lòng thực hiện lại giao dịch.",
    "24": "Giao dịch không thành công: khách hàng hủy giao dịch.",
    "51": "Giao dịch không thành công: tài khoản không đủ số dư để thực hiện giao dịch.",
    "65": "Giao dịch không thành công: tài khoản đã vượt quá hạn mức giao dịch trong ngày.",
    "75": "Ngân hàng thanh toán đang bảo trì.",
    "79": "Giao dịch không thành công: nhập sai mật khẩu thanh toán quá số lần quy định. "
          "Xin vui lòng thực hiện lại giao dịch.",
    "99": "Giao dịch không thành công: lỗi khác.",
}

# vnp_TransactionStatus: the state of the transaction at VNPay (also answered by querydr).
TRANSACTION_STATUSES = {
    "00": "Giao dịch thanh toán thành công.",
    "01": "Giao dịch chưa hoàn tất.",
    "02": "Giao dịch bị lỗi.",
    "04": "Giao dịch đảo (khách hàng đã bị trừ tiền tại ngân hàng nhưng giao dịch chưa thành công ở VNPAY).",
    "05": "VNPAY đang xử lý giao dịch này (giao dịch hoàn tiền).",
    "06": "VNPAY đã gửi yêu cầu hoàn tiền sang ngân hàng (giao dịch hoàn tiền).",
    "07": "Giao dịch bị nghi ngờ gian lận.",
    "09": "Giao dịch hoàn trả bị từ chối.",
}
STATUS_PENDING = "01"
STATUS_FAILED = "02"

# vnp_ResponseCode of the querydr API itself (whether the query was answered, not the payment's result).
QUERY_RESPONSE_CODES = {
    "00": "Yêu cầu thành công.",
    "02": "Mã định danh kết nối không hợp lệ (kiểm tra lại TmnCode).",
    "03": "Dữ liệu gửi sang không đúng định dạng.",
    "91": "Không tìm thấy giao dịch yêu cầu.",
    "94": "Yêu cầu bị trùng lặp trong thời gian giới hạn của API.",
    "97": "Checksum không hợp lệ.",
    "99": "Các lỗi khác.",
}

# The IPN reply: VNPay reads RspCode; 00 and 02 stop its retries, anything else makes it call again.
IPN_CONFIRMED = "00"
IPN_ORDER_NOT_FOUND = "01"
IPN_ALREADY_CONFIRMED = "02"
IPN_INVALID_AMOUNT = "04"
IPN_INVALID_SIGNATURE = "97"
IPN_UNKNOWN_ERROR = "99"
IPN_MESSAGES = {
    IPN_CONFIRMED: "Confirm Success",
    IPN_ORDER_NOT_FOUND: "Order not found",
    IPN_ALREADY_CONFIRMED: "Order already confirmed",
    IPN_INVALID_AMOUNT: "Invalid amount",
    IPN_INVALID_SIGNATURE: "Invalid Checksum",
    IPN_UNKNOWN_ERROR: "Unknow error",  # VNPay's own spelling in its reference replies
}


def ipn_reply(code: str) -> dict:
    """The JSON body the merchant answers an IPN call with."""
    return {"RspCode": code, "Message": IPN_MESSAGES[code]}


def response_message(code: str | None) -> str:
    """Vietnamese explanation of a payment's vnp_ResponseCode (unknown codes read as "other error")."""
    return RESPONSE_CODES.get(code or "", f"Giao dịch không thành công (mã lỗi {code or 'không rõ'}).")


def status_message(code: str | None) -> str:
    return TRANSACTION_STATUSES.get(
        code or "", f"Trạng thái giao dịch không xác định (mã {code or 'không rõ'}).")


# --- values -------------------------------------------------------------------------------------------

class ProtocolError(ValueError):
    """A parameter does not have the form the protocol requires."""


def format_date(moment: datetime) -> str:
    """yyyyMMddHHmmss in GMT+7, whatever zone the given aware datetime is in."""
    if moment.tzinfo is None:
        raise ProtocolError("naive datetime: VNPay dates must be converted from a known zone")
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_date(text: str) -> datetime:
    """An aware datetime from a VNPay yyyyMMddHHmmss (GMT+7) value."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{14}", text):
        raise ProtocolError(f"not a yyyyMMddHHmmss date: {text!r}")
    try:
        return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=GMT7)
    except ValueError as exc:
        raise ProtocolError(f"not a valid date: {text!r}") from exc


def amount_to_vnp(amount_vnd: int) -> str:
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise ProtocolError(f"amount must be a positive whole number of đồng: {amount_vnd!r}")
    return str(amount_vnd * 100)


def amount_from_vnp(text: str | None) -> int:
    """Đồng from vnp_Amount; anything that is not a whole number of đồng ×100 is refused."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{1,15}", text):
        raise ProtocolError(f"vnp_Amount is not a number: {text!r}")
    value = int(text)
    if value % 100:
        raise ProtocolError(f"vnp_Amount has a fractional đồng: {text!r}")
    return value // 100


def plain_order_info(text: str, max_length: int = 255) -> str:
    """VNPay asks for vnp_OrderInfo in Vietnamese without diacritics and without special characters."""
    text = text.replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch))
    ascii_text = re.sub(r"[^A-Za-z0-9 .:,_\-/]", " ", ascii_text)
    return re.sub(r"\s+", " ", ascii_text).strip()[:max_length]


def locale_for(language: str | None) -> str:
    """The portal speaks `vi`/`en`; VNPay's page speaks `vn`/`en`."""
    return "en" if (language or "").lower().startswith("en") else "vn"


# --- signing ------------------------------------------------------------------------------------------

def hash_data(params: Mapping[str, str]) -> str:
    """The canonical string: keys sorted, `key=quote_plus(value)` joined with `&` (also the URL's query)."""
    return "&".join(f"{quote_plus(str(key))}={quote_plus(str(params[key]))}" for key in sorted(params))


def hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], secret: str) -> str:
    if not secret:
        raise ProtocolError("no merchant secret configured")
    return hmac_sha512(secret, hash_data(params))


def signed_fields(params: Mapping[str, str]) -> dict[str, str]:
    """The parameters a signature covers: every vnp_* except the signature and its (legacy) type."""
    return {key: value for key, value in params.items()
            if key.startswith("vnp_") and key not in (SECURE_HASH, SECURE_HASH_TYPE)}


def signed_query(params: Mapping[str, str], secret: str) -> str:
    """`params` as a query string with vnp_SecureHash appended."""
    fields = signed_fields(params)
    data = hash_data(fields)
    return f"{data}&{SECURE_HASH}={hmac_sha512(secret, data)}"


def verify(params: Mapping[str, str], secret: str) -> bool:
    """Whether `params` (already URL-decoded, as a web framework hands them over) carry a valid signature."""
    given = params.get(SECURE_HASH)
    if not secret or not isinstance(given, str) or not given:
        return False
    expected = sign(signed_fields(params), secret)
    # Constant time, so the comparison leaks nothing about how much of a forged hash was right.
    return hmac.compare_digest(expected.encode("ascii"), given.strip().lower().encode("ascii", "replace"))


# --- the payment request (merchant -> gateway) --------------------------------------------------------

@dataclass(frozen=True)
class PaymentRequest:
    tmn_code: str
    amount: int  # đồng
    txn_ref: str
    order_info: str
    return_url: str
    ip_addr: str
    created_at: datetime  # aware
    locale: str = "vn"
    order_type: str = DEFAULT_ORDER_TYPE
    expire_minutes: int = DEFAULT_EXPIRE_MINUTES
    bank_code: str | None = None

    def params(self) -> dict[str, str]:
        if not re.fullmatch(r"[A-Za-z0-9]{1,100}", self.txn_ref or ""):
            raise ProtocolError(f"vnp_TxnRef must be 1-100 letters or digits: {self.txn_ref!r}")
        if self.locale not in LOCALES:
            raise ProtocolError(f"vnp_Locale must be one of {LOCALES}: {self.locale!r}")
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": PAY_COMMAND,
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": amount_to_vnp(self.amount),
            "vnp_CurrCode": CURRENCY,
            "vnp_TxnRef": self.txn_ref,
            "vnp_OrderInfo": plain_order_info(self.order_info),
            "vnp_OrderType": self.order_type,
            "vnp_Locale": self.locale,
            "vnp_ReturnUrl": self.return_url,
            "vnp_IpAddr": self.ip_addr,
            "vnp_CreateDate": format_date(self.created_at),
            "vnp_ExpireDate": format_date(self.created_at + timedelta(minutes=self.expire_minutes)),
        }
        if self.bank_code:
            params["vnp_BankCode"] = self.bank_code
        return params


def build_payment_url(gateway_url: str, secret: str, request: PaymentRequest) -> str:
    separator = "&" if "?" in gateway_url else "?"
    return f"{gateway_url}{separator}{signed_query(request.params(), secret)}"


REQUIRED_PAY_FIELDS = ("vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_Amount", "vnp_CurrCode",
                       "vnp_TxnRef", "vnp_OrderInfo", "vnp_OrderType", "vnp_Locale", "vnp_ReturnUrl",
                       "vnp_IpAddr", "vnp_CreateDate")


def check_pay_request(params: Mapping[str, str]) -> list[str]:
    """What is wrong with an incoming payment request besides its signature (the gateway's side)."""
    problems = [f"thiếu tham số {name}" for name in REQUIRED_PAY_FIELDS if not params.get(name)]
    if problems:
        return problems
    if params["vnp_Version"] != VERSION:
        problems.append(f"vnp_Version phải là {VERSION}")
    if params["vnp_Command"] != PAY_COMMAND:
        problems.append("vnp_Command phải là pay")
    if params["vnp_CurrCode"] != CURRENCY:
        problems.append("vnp_CurrCode phải là VND")
    if params["vnp_Locale"] not in LOCALES:
        problems.append("vnp_Locale phải là vn hoặc en")
    try:
        amount_from_vnp(params["vnp_Amount"])
    except ProtocolError:
        problems.append("vnp_Amount không hợp lệ")
    for name in ("vnp_CreateDate", "vnp_ExpireDate"):
        if params.get(name):
            try:
                parse_date(params[name])
            except ProtocolError:
                problems.append(f"{name} không đúng định dạng yyyyMMddHHmmss")
    return problems


# --- the result (gateway -> merchant: return URL and IPN) ---------------------------------------------

@dataclass(frozen=True)
class PaymentResult:
    """A payment outcome as the gateway reports it. `valid` is the signature check; nothing else in here
    may be trusted when it is False."""

    valid: bool
    txn_ref: str = ""
    amount: int | None = None  # đồng; None when vnp_Amount is missing or malformed
    response_code: str = ""
    transaction_status: str = ""
    transaction_no: str = ""
    bank_code: str = ""
    pay_date: datetime | None = None
    raw: dict = field(default_factory=dict)

    @property
    def success(self) -> bool:
        # VNPay: paid only when both the response code and the transaction status say 00.
        return self.valid and self.response_code == SUCCESS and self.transaction_status == SUCCESS

    @property
    def message(self) -> str:
        if not self.valid:
            return "Chữ ký của kết quả thanh toán không hợp lệ."
        return response_message(self.response_code)


def read_result(params: Mapping[str, str], secret: str) -> PaymentResult:
    raw = {key: str(value) for key, value in params.items() if key.startswith("vnp_")}
    if not verify(params, secret):
        return PaymentResult(valid=False, txn_ref=raw.get("vnp_TxnRef", ""), raw=raw)
    try:
        amount = amount_from_vnp(raw.get("vnp_Amount"))
    except ProtocolError:
        amount = None
    try:
        pay_date = parse_date(raw["vnp_PayDate"]) if raw.get("vnp_PayDate") else None
    except ProtocolError:
        pay_date = None
    return PaymentResult(
        valid=True, txn_ref=raw.get("vnp_TxnRef", ""), amount=amount,
        response_code=raw.get("vnp_ResponseCode", ""),
        # Some gateways' older result pages omit vnp_TransactionStatus; the response code then stands alone.
        transaction_status=raw.get("vnp_TransactionStatus", raw.get("vnp_ResponseCode", "")),
        transaction_no=raw.get("vnp_TransactionNo", ""), bank_code=raw.get("vnp_BankCode", ""),
        pay_date=pay_date, raw=raw)


def result_params(request: Mapping[str, str], *, response_code: str, transaction_status: str,
                  transaction_no: str, bank_code: str, pay_date: datetime, card_type: str = "ATM",
                  bank_tran_no: str = "") -> dict[str, str]:
    """The unsigned result parameters a gateway sends back for a payment request (sandbox side)."""
    params = {
        "vnp_Amount": request["vnp_Amount"],
        "vnp_BankCode": bank_code,
        "vnp_CardType": card_type,
        "vnp_OrderInfo": request["vnp_OrderInfo"],
        "vnp_PayDate": format_date(pay_date),
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": request["vnp_TmnCode"],
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": transaction_status,
        "vnp_TxnRef": request["vnp_TxnRef"],
    }
    if bank_tran_no:
        params["vnp_BankTranNo"] = bank_tran_no
    return params


# --- querydr ------------------------------------------------------------------------------------------

QUERY_REQUEST_CHECKSUM_FIELDS = ("vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
                                 "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo")
QUERY_RESPONSE_CHECKSUM_FIELDS = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message",
                                  "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate",
                                  "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus",
                                  "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount")
PAYMENT_TRANSACTION_TYPE = "01"


def pipe_checksum(body: Mapping, fields: tuple[str, ...], secret: str) -> str:
    """querydr checksums: the listed fields' values in that order joined by `|` (absent ones empty)."""
    data = "|".join("" if body.get(name) is None else str(body.get(name)) for name in fields)
    return hmac_sha512(secret, data)


def _pipe_verify(body: Mapping, fields: tuple[str, ...], secret: str) -> bool:
    given = body.get(SECURE_HASH)
    if not secret or not isinstance(given, str) or not given:
        return False
    expected = pipe_checksum(body, fields, secret)
    return hmac.compare_digest(expected.encode("ascii"), given.strip().lower().encode("ascii", "replace"))


def query_request(*, tmn_code: str, secret: str, request_id: str, txn_ref: str, transaction_date: str,
                  ip_addr: str, created_at: datetime, order_info: str = "") -> dict[str, str]:
    """The signed JSON body of a querydr call (merchant side)."""
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": QUERY_COMMAND,
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": plain_order_info(order_info or f"Truy van giao dich {txn_ref}"),
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateDate": format_date(created_at),
        "vnp_IpAddr": ip_addr,
    }
    body[SECURE_HASH] = pipe_checksum(body, QUERY_REQUEST_CHECKSUM_FIELDS, secret)
    return body


def verify_query_request(body: Mapping, secret: str) -> bool:
    return _pipe_verify(body, QUERY_REQUEST_CHECKSUM_FIELDS, secret)


def sign_query_response(body: dict, secret: str) -> dict:
    """Adds vnp_SecureHash to a querydr answer (gateway side); returns the same dict."""
    body[SECURE_HASH] = pipe_checksum(body, QUERY_RESPONSE_CHECKSUM_FIELDS, secret)
    return body


def verify_query_response(body: Mapping, secret: str) -> bool:
    return _pipe_verify(body, QUERY_RESPONSE_CHECKSUM_FIELDS, secret)


@dataclass(frozen=True)
class QueryAnswer:
    """What the gateway says about one transaction."""

    response_code: str  # of the query itself: 00 answered, 91 not found, 97 bad checksum, …
    transaction_status: str = ""  # of the payment: 00 paid, 01 unfinished, 02 failed, …
    amount: int | None = None
    transaction_no: str = ""
    message: str = ""
    raw: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.response_code == SUCCESS

    @property
    def paid(self) -> bool:
        return self.found and self.transaction_status == SUCCESS


def read_query_response(body: Mapping, secret: str, *, tmn_code: str, txn_ref: str) -> QueryAnswer:
    """Checks a querydr answer's signature and that it is about the transaction asked for."""
    if not verify_query_response(body, secret):
        raise ProtocolError("querydr answer has an invalid checksum")
    if body.get("vnp_TmnCode") != tmn_code:
        raise ProtocolError("querydr answer is for another merchant")
    code = str(body.get("vnp_ResponseCode", ""))
    if code == SUCCESS and body.get("vnp_TxnRef") != txn_ref:
        raise ProtocolError("querydr answer is about another transaction")
    amount = None
    if code == SUCCESS:
        try:
            amount = amount_from_vnp(str(body.get("vnp_Amount", "")))
        except ProtocolError:
            amount = None
    return QueryAnswer(response_code=code, transaction_status=str(body.get("vnp_TransactionStatus") or ""),
                       amount=amount, transaction_no=str(body.get("vnp_TransactionNo") or ""),
                       message=str(body.get("vnp_Message") or ""), raw=dict(body))


def now_gmt7() -> datetime:
    return datetime.now(timezone.utc).astimezone(GMT7)

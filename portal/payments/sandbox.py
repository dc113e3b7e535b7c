"""A VNPay gateway for development and tests, speaking exactly the VNPay 2.1.0 protocol.

It stands in for https://sandbox.vnpayment.vn: `/sandbox/vnpay/paymentv2/vpcpay.html` takes the signed
payment URL the portal builds, shows a page clearly labelled as a sandbox, and on the tester's choice
calls the merchant's IPN URL server to server and then sends the browser to vnp_ReturnUrl, both with
signed result parameters; `/sandbox/vnpay/merchant_webapi/api/transaction` answers `querydr`.

It is active only while VNPAY_URL is empty (the default). Its merchant secret is VNPAY_HASH_SECRET; when
that is empty too, a secret is generated once into the instance folder (see ensure_sandbox_secret).
Transactions are kept in a small JSON file in the instance folder so that a restart of `flask run` does
not forget what reconciliation may ask about.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request

from ..extensions import csrf
from ..security_headers import csp_nonce
from . import vnpay
from .provider import SANDBOX_PREFIX, ipn_url

log = logging.getLogger(__name__)

bp = Blueprint("vnpay_sandbox", __name__, url_prefix=SANDBOX_PREFIX)
# Its page styles itself inline, with the nonce the portal's Content-Security-Policy allows; the global is
# registered here too so that the gateway also runs as an app of its own.
bp.add_app_template_global(csp_nonce, "csp_nonce")

SECRET_FILE = "vnpay_sandbox_secret"
STORE_FILE = "vnpay_sandbox.json"
IPN_TIMEOUT = 10

# The tester's buttons: (vnp_ResponseCode, vnp_TransactionStatus).
CHOICES = {
    "success": (vnpay.SUCCESS, vnpay.SUCCESS),
    "cancel": ("24", vnpay.STATUS_FAILED),
    "insufficient": ("51", vnpay.STATUS_FAILED),
}
SANDBOX_BANK = "NCB"


# --- set-up -------------------------------------------------------------------------------------------

def ensure_sandbox_secret(app) -> str:
    """Gives the sandbox (and the portal, its merchant) a shared secret when none is configured.

    Runs when the blueprint is registered. With VNPAY_URL set (the real gateway) nothing is generated:
    a real merchant secret comes only from the environment."""
    if app.config.get("VNPAY_URL") or app.config.get("VNPAY_HASH_SECRET"):
        return app.config.get("VNPAY_HASH_SECRET", "")
    path = Path(app.instance_path) / SECRET_FILE
    try:
        secret = path.read_text().strip()
    except FileNotFoundError:
        secret = ""
    if not secret:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race: use its secret
            secret = path.read_text().strip()
        else:
            secret = secrets.token_hex(32)
            with os.fdopen(fd, "w") as fh:
                fh.write(secret)
    app.config["VNPAY_HASH_SECRET"] = secret
    return secret


@bp.record_once
def _on_register(state):
    ensure_sandbox_secret(state.app)


@bp.before_request
def _only_without_real_gateway():
    # Registered with every app, but a portal talking to the real VNPay must not also answer as one.
    if current_app.config.get("VNPAY_URL"):
        abort(404)


# --- transactions -------------------------------------------------------------------------------------

class SandboxStore:
    """The sandbox's transactions in a JSON file; one lock per process, atomic replace on write."""

    _lock = threading.Lock()

    def __init__(self, path: Path):
        self.path = path

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        data.setdefault("next_no", 14000001)
        data.setdefault("transactions", {})
        data.setdefault("query_ids", {})
        return data

    def _write(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def find(self, tmn_code: str, txn_ref: str) -> dict | None:
        with self._lock:
            return self._find(self._read(), tmn_code, txn_ref)

    @staticmethod
    def _find(data, tmn_code, txn_ref):
        for record in data["transactions"].values():
            if record["tmn_code"] == tmn_code and record["txn_ref"] == txn_ref:
                return record
        return None

    def get(self, transaction_no: str) -> dict | None:
        with self._lock:
            return self._read()["transactions"].get(transaction_no)

    def open_transaction(self, request_params: dict) -> tuple[dict | None, str]:
        """The pending transaction for a payment request, new or the same one reloaded; or an error."""
        with self._lock:
            data = self._read()
            existing = self._find(data, request_params["vnp_TmnCode"], request_params["vnp_TxnRef"])
            if existing is not None:
                if existing["status"] != vnpay.STATUS_PENDING:
                    return None, "Mã giao dịch (vnp_TxnRef) này đã được xử lý trước đó."
                if existing["request"] != request_params:
                    return None, "Mã giao dịch (vnp_TxnRef) đã tồn tại với thông tin khác."
                return existing, ""
            number = str(data["next_no"])
            data["next_no"] += 1
            record = {
                "transaction_no": number,
                "tmn_code": request_params["vnp_TmnCode"],
                "txn_ref": request_params["vnp_TxnRef"],
                "create_date": request_params["vnp_CreateDate"],
                "request": request_params,
                "status": vnpay.STATUS_PENDING,
                "response_code": "",
                "result": None,
                "ipn": None,
            }
            data["transactions"][number] = record
            self._write(data)
            return record, ""

    def complete(self, transaction_no: str, choice: str) -> tuple[dict, bool]:
        """Settles a pending transaction once; returns (record, whether this call settled it)."""
        with self._lock:
            data = self._read()
            record = data["transactions"][transaction_no]
            if record["status"] != vnpay.STATUS_PENDING:
                return record, False
            response_code, status = CHOICES[choice]
            paid = response_code == vnpay.SUCCESS
            params = vnpay.result_params(
                record["request"], response_code=response_code, transaction_status=status,
                transaction_no=transaction_no, bank_code=SANDBOX_BANK, pay_date=vnpay.now_gmt7(),
                bank_tran_no=f"VNP{transaction_no}" if paid else "")
            record.update(status=status, response_code=response_code, result=params)
            self._write(data)
            return record, True

    def record_ipn(self, transaction_no: str, outcome: dict) -> None:
        with self._lock:
            data = self._read()
            data["transactions"][transaction_no]["ipn"] = outcome
            self._write(data)

    def set_status(self, transaction_no: str, status: str) -> None:
        """Lets a test or a developer make the gateway disagree with the portal (reconciliation)."""
        with self._lock:
            data = self._read()
            data["transactions"][transaction_no]["status"] = status
            self._write(data)

    def note_query(self, request_id: str, today: str) -> bool:
        """Remembers a querydr request id; False when it was already used today (VNPay's code 94)."""
        with self._lock:
            data = self._read()
            ids = {key: day for key, day in data["query_ids"].items() if day == today}
            if request_id in ids:
                return False
            ids[request_id] = today
            data["query_ids"] = ids
            self._write(data)
            return True


def get_store(app=None) -> SandboxStore:
    app = app or current_app
    path = app.config.get("VNPAY_SANDBOX_STORE") or os.path.join(app.instance_path, STORE_FILE)
    return SandboxStore(Path(path))


def _secret() -> str:
    return current_app.config.get("VNPAY_HASH_SECRET", "")


def _tmn_code() -> str:
    return current_app.config.get("VNPAY_TMN_CODE", "")


# --- the payment page ---------------------------------------------------------------------------------

def _error(message: str, status: int = 400):
    return render_template("sandbox/vnpay_error.html", message=message), status


def _vnd(amount: int) -> str:
    # The gateway is another site: it formats money itself rather than borrowing the portal's filters.
    return f"{amount:,}".replace(",", ".") + " ₫"


def _single_values(args) -> dict | None:
    """Query parameters, refusing a repeated vnp_* key (which of the values would the signature mean?)."""
    values = {}
    for key in args:
        items = args.getlist(key)
        if key.startswith("vnp_") and len(items) > 1:
            return None
        values[key] = items[0]
    return values


@bp.get("/paymentv2/vpcpay.html")
def pay():
    params = _single_values(request.args)
    if params is None:
        return _error("Yêu cầu thanh toán có tham số bị lặp lại.")
    if not vnpay.verify(params, _secret()):
        return _error("Sai chữ ký (vnp_SecureHash): yêu cầu thanh toán không do website đã đăng ký tạo ra "
                      "hoặc đã bị sửa đổi. Giao dịch bị từ chối.")
    request_params = vnpay.signed_fields(params)
    problems = vnpay.check_pay_request(request_params)
    if request_params.get("vnp_TmnCode") != _tmn_code():
        problems.append("Mã website (vnp_TmnCode) không tồn tại trên cổng thanh toán.")
    if not request_params.get("vnp_ReturnUrl", "").startswith(("http://", "https://")):
        problems.append("vnp_ReturnUrl phải là địa chỉ http(s).")
    if not problems and request_params.get("vnp_ExpireDate"):
        if vnpay.parse_date(request_params["vnp_ExpireDate"]) < vnpay.now_gmt7():
            problems.append("Giao dịch đã quá thời gian chờ thanh toán (vnp_ExpireDate).")
    if problems:
        return _error("Yêu cầu thanh toán không hợp lệ: " + "; ".join(problems))
    record, problem = get_store().open_transaction(request_params)
    if record is None:
        return _error(problem)
    return render_template(
        "sandbox/vnpay_pay.html", record=record, request_params=request_params,
        amount_text=_vnd(vnpay.amount_from_vnp(request_params["vnp_Amount"])),
        created=vnpay.parse_date(request_params["vnp_CreateDate"]),
        expires=vnpay.parse_date(request_params["vnp_ExpireDate"]) if request_params.get("vnp_ExpireDate")
        else None)


@bp.post("/paymentv2/vpcpay.html")
def decide():
    transaction_no = request.form.get("transaction_no", "")
    choice = request.form.get("choice", "")
    store = get_store()
    if choice not in CHOICES or store.get(transaction_no) is None:
        return _error("Không tìm thấy giao dịch hoặc lựa chọn không hợp lệ.", 404)
    record, settled_now = store.complete(transaction_no, choice)
    if record["result"] is None:  # settled elsewhere by set_status, without a result to report
        return _error("Giao dịch đã được xử lý.", 409)
    secret = _secret()
    query = vnpay.signed_query(record["result"], secret)
    if settled_now:
        store.record_ipn(transaction_no, call_ipn(ipn_url(current_app.config), query))
    return_url = record["request"]["vnp_ReturnUrl"]
    separator = "&" if "?" in return_url else "?"
    return redirect(f"{return_url}{separator}{query}", code=302)


def call_ipn(url: str, query: str) -> dict:
    """Calls the merchant's IPN URL as VNPay does (HTTP GET, signed result in the query)."""
    separator = "&" if "?" in url else "?"
    try:
        target = f"{url}{separator}{query}"
        if urllib.parse.urlsplit(url).scheme not in ("https", "http"):  # the configured IPN URL, never user input
            raise urllib.error.URLError(f"VNPAY_IPN_URL must be an http(s) URL, not {url!r}")
        with urllib.request.urlopen(target, timeout=IPN_TIMEOUT) as response:  # noqa: S310 # nosec B310
            body = response.read().decode("utf-8")
            status = response.status
    except urllib.error.HTTPError as exc:
        log.warning("sandbox IPN to %s answered HTTP %s", url, exc.code)
        return {"url": url, "http_status": exc.code, "error": f"HTTP {exc.code}"}
    except (urllib.error.URLError, OSError) as exc:
        # The citizen still returns to the portal; the portal then shows the payment as not yet confirmed.
        log.warning("sandbox IPN to %s failed: %s", url, exc)
        return {"url": url, "error": str(exc)}
    try:
        reply = json.loads(body)
    except ValueError:
        reply = None
    if not isinstance(reply, dict) or "RspCode" not in reply:
        log.warning("sandbox IPN to %s answered something that is not an IPN reply: %.200s", url, body)
        return {"url": url, "http_status": status, "error": "not an IPN reply"}
    return {"url": url, "http_status": status, "reply": reply}


# --- querydr ------------------------------------------------------------------------------------------

def _query_answer(code: str, request_body: dict, record: dict | None = None) -> dict:
    answer = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": vnpay.QUERY_COMMAND,
        "vnp_ResponseCode": code,
        "vnp_Message": vnpay.QUERY_RESPONSE_CODES[code],
        "vnp_TmnCode": _tmn_code(),
        "vnp_TxnRef": str(request_body.get("vnp_TxnRef", "")),
    }
    if record is not None:
        result = record["result"] or {}
        answer.update({
            "vnp_Amount": record["request"]["vnp_Amount"],
            "vnp_BankCode": result.get("vnp_BankCode", ""),
            "vnp_PayDate": result.get("vnp_PayDate", ""),
            "vnp_TransactionNo": record["transaction_no"] if result else "",
            "vnp_TransactionType": vnpay.PAYMENT_TRANSACTION_TYPE,
            "vnp_TransactionStatus": record["status"],
            "vnp_OrderInfo": record["request"]["vnp_OrderInfo"],
            "vnp_PromotionCode": "",
            "vnp_PromotionAmount": "",
        })
    return vnpay.sign_query_response(answer, _secret())


@bp.post("/merchant_webapi/api/transaction")
@csrf.exempt
def transaction_api():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(_query_answer("03", {}))
    if any(not isinstance(body.get(name), str) or not body.get(name)
           for name in vnpay.QUERY_REQUEST_CHECKSUM_FIELDS if name != "vnp_OrderInfo"):
        return jsonify(_query_answer("03", body))
    if body["vnp_Command"] != vnpay.QUERY_COMMAND or body["vnp_Version"] != vnpay.VERSION:
        return jsonify(_query_answer("03", body))
    if not vnpay.verify_query_request(body, _secret()):
        return jsonify(_query_answer("97", body))
    if body["vnp_TmnCode"] != _tmn_code():
        return jsonify(_query_answer("02", body))
    store = get_store()
    if not store.note_query(body["vnp_RequestId"], vnpay.now_gmt7().date().isoformat()):
        return jsonify(_query_answer("94", body))
    record = store.find(body["vnp_TmnCode"], body["vnp_TxnRef"])
    if record is None or record["create_date"] != body["vnp_TransactionDate"]:
        return jsonify(_query_answer("91", body))
    return jsonify(_query_answer("00", body, record))

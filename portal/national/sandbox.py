"""A national portal (Cổng DVCQG) for development and tests: the status side of its integration API.

It stands in for the national portal's adapter while DVCQG_URL is empty (or names a sandbox), and speaks
what portal/national/status.py sends:

- `POST /sandbox/dvcqg/oauth/token` (client credentials: DVCQG_CLIENT_ID and the client secret) gives a session
  token, sent as `Authorization: Bearer` on every call;
- `POST /sandbox/dvcqg/api` `{"service": "DongBoHoSoMC", "madonvi", "isUpdating", "data": [record]}` checks
  each dossier record as the national portal does (required fields, code formats, TrangThaiHoSo 1–10, dates
  `yyyyMMddHHmmss`, a procedure code of its catalogue, a status that may follow the one it holds) and keeps
  it once per `Idempotency-Key`; `{"service": "TraCuuHoSo", "mahoso"}` answers what it holds for a code;
- `GET /sandbox/dvcqg/messages?code=` lists the status messages received for an application (DESIGN.md §7);
- `GET /sandbox/dvcqg/` is a page, labelled as a test environment, of what it received;
- `POST /sandbox/dvcqg/control` (signed in) makes it answer 500, time out, refuse or reject the session on
  the next calls, or forget a dossier: the failure tests and reconciliation use it (`arm_fault`, `forget`).

What it received lives in two tables of its own (migration 0011): a restart of `flask run` forgets nothing."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import threading
import time
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from ..extensions import csrf, db
from ..models import ServiceVersion
from ..security_headers import csp_nonce
from ..timeutil import utcnow
from .mapping import CODE_PATTERN
from .models import SandboxDossier, SandboxMessage
from .status import (DATE_FORMAT, LOOKUP_SERVICE, SANDBOX_PATH, SYNC_SERVICE, TERMINAL, client_secret,
                     sandbox_mode)

log = logging.getLogger(__name__)

bp = Blueprint("dvcqg_sandbox", __name__, url_prefix=SANDBOX_PATH)
bp.add_app_template_global(csp_nonce, "csp_nonce")

TOKEN_TTL = 3600
MAX_RECORDS = 50
PAGE_SIZE = 200
FAULTS = ("500", "timeout", "refuse", "unauthorized")
# Circular 01/2018 art. 19: <unit code V1V2V3.Z1Z2.Y1Y2.MX1X2>-<YYMMDD>-<4-digit sequence>.
CODE_OF_APPLICATION = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-([0-9]{6})-[0-9]{4}")
# The codes this national portal gives the applications submitted on it (portal/national/sandbox_submit.py).
NATIONAL_ISSUED = re.compile(r"QG-([0-9]{6})-[0-9A-F]{8}")
DATE_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "ThoiDiemXuLy")
REQUIRED = ("MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "MaDonViTiepNhan", "KenhThucHien", "NgayNopHoSo",
            "TrangThaiHoSo", "ThoiDiemXuLy")
# Statuses reached only once the desk received the application: they carry its receipt and due date.
RECEIVED_STATUSES = frozenset({2, 4, 6, 8, 9, 10})
STATUS_NAMES = {1: "Mới đăng ký", 2: "Được tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang xử lý",
                5: "Yêu cầu bổ sung giấy tờ", 6: "Yêu cầu thực hiện nghĩa vụ tài chính",
                7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý", 9: "Đã xử lý xong", 10: "Đã trả kết quả"}


@bp.before_request
def _only_as_a_sandbox():
    # Registered with every app; a portal talking to the real national portal must not also answer as one.
    if not sandbox_mode():
        abort(404)


# -- faults on demand ----------------------------------------------------------------------------------

_faults_lock = threading.Lock()


def _faults(app) -> list:
    return app.extensions.setdefault("dvcqg_sandbox_faults", [])


def arm_fault(app, mode: str, times: int = 1, delay: float | None = None) -> None:
    """The next `times` API calls answer with `mode`: "500", "timeout" (waits `delay` seconds, by default
    DVCQG_TIMEOUT + 1, then answers normally, as a slow receiver that still did the work), "refuse" (400),
    "unauthorized" (401: the session is rejected)."""
    if mode not in FAULTS:
        raise ValueError(f"unknown sandbox fault {mode!r}")
    with _faults_lock:
        _faults(app).append({"mode": mode, "remaining": max(1, int(times)),
                             "delay": float(delay) if delay is not None else None})


def clear_faults(app) -> None:
    with _faults_lock:
        _faults(app).clear()


def _next_fault(app) -> dict | None:
    with _faults_lock:
        faults = _faults(app)
        if not faults:
            return None
        fault = faults[0]
        fault["remaining"] -= 1
        if fault["remaining"] <= 0:
            faults.pop(0)
        return dict(fault)


def forget(code: str) -> bool:
    """The sandbox loses what it holds for `code` (its messages stay in the log): reconciliation's test."""
    dossier = db.session.get(SandboxDossier, code)
    if dossier is None:
        return False
    db.session.delete(dossier)
    db.session.flush()
    return True


# -- sessions ------------------------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"dvcqg-sandbox-session", hashlib.sha256).hexdigest()
    return URLSafeTimedSerializer(key, salt="dvcqg-sandbox-token")


def _answer(body: dict, status: int = 200) -> Response:
    # Vietnamese as it is, not \u escapes: the refusal is what an administrator reads on the outbox page.
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def _error(status: int, code: str, message: str, **extra):
    return _answer({"error_code": code, "message": message, **extra}, status)


def _client_from_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        data = _serializer().loads(token.strip(), max_age=TOKEN_TTL)
    except (SignatureExpired, BadSignature):
        return None
    return data.get("cid") if isinstance(data, dict) else None


def _credentials():
    body = request.get_json(silent=True) if request.is_json else None
    source = body if isinstance(body, dict) else request.form
    client_id, secret = source.get("client_id"), source.get("client_secret")
    if request.authorization is not None and request.authorization.type == "basic":
        client_id, secret = request.authorization.username, request.authorization.password
    grant = source.get("grant_type") or "client_credentials"
    return grant, client_id, secret


@bp.post("/oauth/token")
@csrf.exempt
def token():
    grant, client_id, secret = _credentials()
    if grant != "client_credentials":
        return jsonify({"error": "unsupported_grant_type"}), 400
    expected_id = current_app.config.get("DVCQG_CLIENT_ID", "")
    expected_secret = client_secret()
    if (not isinstance(client_id, str) or not isinstance(secret, str) or not expected_secret
            or not hmac.compare_digest(client_id.encode(), expected_id.encode())
            or not hmac.compare_digest(secret.encode(), expected_secret.encode())):
        log.warning("dvcqg sandbox: refused a session for client %r (wrong client id or secret)", client_id)
        return jsonify({"error": "invalid_client", "error_description": "Sai mã hoặc khóa bí mật của hệ thống"}), 401
    return jsonify({"access_token": _serializer().dumps({"cid": client_id}), "token_type": "Bearer",
                    "expires_in": TOKEN_TTL})


# -- checking a record ----------------------------------------------------------------------------------

def _date(value) -> datetime | None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{14}", value):
        return None
    try:
        return datetime.strptime(value, DATE_FORMAT)
    except ValueError:
        return None


def _number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,2}", value.strip()):
        return int(value)
    return None


def catalogue() -> set[str]:
    """The procedure codes this national portal knows: the catalogue's (every version's code) and those
    listed in DVCQG_SANDBOX_CATALOGUE (comma-separated)."""
    codes = set(db.session.execute(select(ServiceVersion.code).distinct()).scalars())
    extra = current_app.config.get("DVCQG_SANDBOX_CATALOGUE", "") or ""
    codes.update(code.strip() for code in extra.split(",") if code.strip())
    return codes


def _known_procedure(code: str, known: set[str]) -> bool:
    # A province's local variant (1.004873.000.00.00.H62) belongs to the national procedure it varies.
    return code in known or code.split(".000.", 1)[0] in known


def check_record(record, known: set[str]) -> list[dict]:
    """What the national portal would refuse in one dossier record (empty: acceptable)."""
    if not isinstance(record, dict):
        return [{"field": "data", "message": "Mỗi phần tử của data phải là một đối tượng hồ sơ."}]
    errors = []

    def fail(field, message):
        errors.append({"MaHoSo": record.get("MaHoSo") if isinstance(record.get("MaHoSo"), str) else None,
                       "field": field, "message": message})

    for name in REQUIRED:
        value = record.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            fail(name, f"Thiếu trường bắt buộc {name}.")
    for name, patterns in (("MaHoSo", (CODE_OF_APPLICATION, NATIONAL_ISSUED)),
                           ("MaHoSoDonVi", (CODE_OF_APPLICATION,))):
        code = record.get(name)
        if code is None or (name == "MaHoSo" and code == ""):
            continue
        match = next((m for m in (p.fullmatch(code) for p in patterns) if m), None) if isinstance(code, str) else None
        if match is None or _date(f"20{match.group(1)}000000") is None:
            fail(name, "Mã hồ sơ không đúng cấu trúc <mã đơn vị>-<yyMMdd>-<số thứ tự 4 chữ số> "
                       "(Thông tư 01/2018/TT-VPCP).")
    procedure = record.get("MaTTHC")
    if isinstance(procedure, str) and procedure:
        if not CODE_PATTERN.fullmatch(procedure):
            fail("MaTTHC", "Mã thủ tục hành chính không đúng định dạng của Cơ sở dữ liệu quốc gia về TTHC.")
        elif not _known_procedure(procedure, known):
            fail("MaTTHC", f"Mã thủ tục hành chính {procedure} không có trong Cơ sở dữ liệu quốc gia về TTHC.")
    elif procedure is not None and not isinstance(procedure, str):
        fail("MaTTHC", "Mã thủ tục hành chính phải là chuỗi ký tự.")
    status = _number(record.get("TrangThaiHoSo"))
    if record.get("TrangThaiHoSo") not in (None, "") and (status is None or not 1 <= status <= 10):
        fail("TrangThaiHoSo", "TrangThaiHoSo phải là một mã từ 1 đến 10.")
    channel = _number(record.get("KenhThucHien"))
    if record.get("KenhThucHien") not in (None, "") and channel not in (1, 2, 3):
        fail("KenhThucHien", "KenhThucHien phải là 1 (trực tiếp), 2 (trực tuyến) hoặc 3 (bưu chính).")
    dates = {}
    for name in DATE_FIELDS:
        value = record.get(name)
        if value in (None, ""):
            continue
        dates[name] = _date(value)
        if dates[name] is None:
            fail(name, f"{name} phải là ngày giờ dạng yyyyMMddHHmmss.")
    if status in RECEIVED_STATUSES:
        for name in ("NgayTiepNhan", "NgayHenTra"):
            if record.get(name) in (None, ""):
                fail(name, f"Hồ sơ ở trạng thái {status} phải có {name}.")
    if status == 10 and record.get("NgayTra") in (None, ""):
        fail("NgayTra", "Hồ sơ đã trả kết quả phải có NgayTra.")
    received, due = dates.get("NgayTiepNhan"), dates.get("NgayHenTra")
    if received and due and due.date() < received.date():
        fail("NgayHenTra", "NgayHenTra không được trước NgayTiepNhan.")
    for name in ("DanhSachHoSoBoSung", "DanhSachGiaHan", "DanhSachGiayToKetQua"):
        value = record.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            fail(name, f"{name} phải là một danh sách.")
    for item in record.get("DanhSachGiayToKetQua") or []:
        if isinstance(item, dict) and not (item.get("GiayToId") and item.get("TenGiayTo")):
            fail("DanhSachGiayToKetQua", "Mỗi giấy tờ kết quả phải có GiayToId và TenGiayTo.")
    return errors


def check_follows(record: dict, held: SandboxDossier | None) -> list[dict]:
    """A status must make sense after the one held: nothing new after the end, nothing older than what is held."""
    if held is None:
        return []
    status, before = _number(record.get("TrangThaiHoSo")), held.trang_thai
    code = record.get("MaHoSo")
    if before in TERMINAL and status != before:
        return [{"MaHoSo": code, "field": "TrangThaiHoSo",
                 "message": f"Hồ sơ đã kết thúc ({before} — {STATUS_NAMES[before]}): không nhận trạng thái {status}."}]
    if before == 9 and status not in (9, 10):
        return [{"MaHoSo": code, "field": "TrangThaiHoSo",
                 "message": f"Hồ sơ đã xử lý xong (9): chỉ nhận trạng thái 10, không nhận {status}."}]
    new_time, held_time = _date(record.get("ThoiDiemXuLy")), _date((held.record or {}).get("ThoiDiemXuLy"))
    if new_time and held_time and new_time < held_time:
        return [{"MaHoSo": code, "field": "ThoiDiemXuLy",
                 "message": "Thông tin cũ hơn thông tin đã đồng bộ cho hồ sơ này."}]
    return []


# -- the API ----------------------------------------------------------------------------------------------

def _record_key(base: str, index: int, count: int) -> str:
    return base if count == 1 else f"{base}#{index}"


def _sync(body: dict, client_id: str):
    data = body.get("data")
    if not isinstance(body.get("madonvi"), str) or not body["madonvi"].strip():
        return _error(400, "-1", "Thiếu mã đơn vị (madonvi).")
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_RECORDS:
        return _error(400, "-1", f"data phải là danh sách từ 1 đến {MAX_RECORDS} hồ sơ.")
    base_key = (request.headers.get("Idempotency-Key") or "").strip()[:180]
    if not base_key:
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        base_key = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    known = catalogue()
    errors, plan = [], []
    for index, record in enumerate(data):
        key = _record_key(base_key, index, len(data))
        problems = check_record(record, known)
        if problems:
            errors += problems
            continue
        if db.session.execute(select(SandboxMessage.id).where(SandboxMessage.idempotency_key == key)).first():
            plan.append((key, record, "duplicate"))
            continue
        held = db.session.get(SandboxDossier, record["MaHoSo"])
        problems = check_follows(record, held)
        if problems:
            errors += problems
            continue
        plan.append((key, record, "updated" if held is not None else "created"))
    if errors:
        log.warning("dvcqg sandbox refused %s from %s: %s", SYNC_SERVICE, client_id,
                    "; ".join(f"{e.get('MaHoSo')} {e['field']}: {e['message']}" for e in errors))
        return _error(400, "-1", "Dữ liệu hồ sơ không hợp lệ.", errors=errors)
    results = []
    for key, record, outcome in plan:
        if outcome != "duplicate":
            _keep(key, record, client_id)
        results.append({"MaHoSo": record["MaHoSo"], "result": outcome})
    return _answer({"error_code": "0", "message": "Thành công", "result": results})


def _keep(key: str, record: dict, client_id: str) -> None:
    now = utcnow()
    status = _number(record["TrangThaiHoSo"])
    message = SandboxMessage(idempotency_key=key, client_id=client_id, ma_ho_so=record["MaHoSo"],
                             ma_ho_so_don_vi=record.get("MaHoSoDonVi") or None,
                             ma_tthc=record["MaTTHC"], trang_thai=status, record=record, received_at=now)
    db.session.add(message)
    db.session.flush()
    dossier = db.session.get(SandboxDossier, record["MaHoSo"])
    if dossier is None:
        dossier = SandboxDossier(ma_ho_so=record["MaHoSo"], created_at=now)
        db.session.add(dossier)
    dossier.trang_thai, dossier.record, dossier.last_message_id, dossier.updated_at = status, record, message.id, now
    db.session.flush()


def _lookup(body: dict):
    code = body.get("mahoso")
    if not isinstance(code, str) or not code.strip():
        return _error(400, "-1", "Thiếu mã hồ sơ (mahoso).")
    dossier = db.session.get(SandboxDossier, code.strip())
    if dossier is None:
        return _answer({"error_code": "0", "message": "Không tìm thấy hồ sơ", "result": []})
    held = dict(dossier.record or {}, TrangThaiHoSo=str(dossier.trang_thai),
                NgayCapNhat=dossier.updated_at.strftime(DATE_FORMAT))
    return _answer({"error_code": "0", "message": "Thành công", "result": [held]})


@bp.post("/api")
@csrf.exempt
def api():
    app = current_app._get_current_object()
    client_id = _client_from_token()
    if client_id is None:
        return _error(401, "-401", "Phiên làm việc không hợp lệ hoặc đã hết hạn.")
    fault = _next_fault(app)
    if fault is not None:
        log.warning("dvcqg sandbox: answering with the fault %s, as asked", fault["mode"])
        if fault["mode"] == "500":
            return _error(500, "-500", "Lỗi hệ thống (thử nghiệm).")
        if fault["mode"] == "refuse":
            return _error(400, "-1", "Hệ thống từ chối tiếp nhận (thử nghiệm).")
        if fault["mode"] == "unauthorized":
            return _error(401, "-401", "Phiên làm việc không hợp lệ hoặc đã hết hạn.")
        delay = fault["delay"] if fault["delay"] is not None else app.config.get("DVCQG_TIMEOUT", 10) + 1
        time.sleep(delay)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "-1", "Yêu cầu phải là một đối tượng JSON.")
    service = body.get("service")
    if service == SYNC_SERVICE:
        return _sync(body, client_id)
    if service == LOOKUP_SERVICE:
        return _lookup(body)
    return _error(400, "-1", f"Dịch vụ {service!r} không được hỗ trợ.")


@bp.post("/control")
@csrf.exempt
def control():
    if _client_from_token() is None:
        return _error(401, "-401", "Phiên làm việc không hợp lệ hoặc đã hết hạn.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "-1", "Yêu cầu phải là một đối tượng JSON.")
    app = current_app._get_current_object()
    if body.get("clear"):
        clear_faults(app)
    if body.get("fault") is not None:
        times, delay = body.get("times", 1), body.get("delay")
        if (body["fault"] not in FAULTS or not isinstance(times, int) or isinstance(times, bool)
                or not 1 <= times <= 1000 or (delay is not None and not isinstance(delay, (int, float)))
                or (delay is not None and not 0 <= delay <= 120)):
            return _error(400, "-1", f"fault phải là một trong {', '.join(FAULTS)}; times 1–1000; delay 0–120 giây.")
        arm_fault(app, body["fault"], times, delay)
    forgotten = None
    if body.get("forget") is not None:
        if not isinstance(body["forget"], str):
            return _error(400, "-1", "forget phải là một mã hồ sơ.")
        forgotten = forget(body["forget"])
    return jsonify({"error_code": "0", "faults": list(_faults(app)), "forgotten": forgotten})


# -- what it received -------------------------------------------------------------------------------------

def _listed(message: SandboxMessage) -> dict:
    return {"MaHoSo": message.ma_ho_so, "MaHoSoDonVi": message.ma_ho_so_don_vi,
            "TrangThaiHoSo": message.trang_thai, "MaTTHC": message.ma_tthc,
            "ThoiDiemXuLy": (message.record or {}).get("ThoiDiemXuLy", ""),
            "time": message.received_at.isoformat(), "key": message.idempotency_key}


@bp.get("/messages")
def messages():
    code = (request.args.get("code") or "").strip()
    if not code:
        return _error(400, "-1", "Thiếu tham số code (mã hồ sơ).")
    # By the national portal's code, or by the province's for the applications it knows by another one.
    rows = db.session.execute(select(SandboxMessage).where(
        or_(SandboxMessage.ma_ho_so == code, SandboxMessage.ma_ho_so_don_vi == code))
        .order_by(SandboxMessage.received_at, SandboxMessage.id)).scalars()
    return jsonify({"code": code, "messages": [_listed(row) for row in rows]})


@bp.get("/")
def index():
    code = (request.args.get("code") or "").strip()[:60]
    stmt = select(SandboxMessage).order_by(SandboxMessage.id.desc()).limit(PAGE_SIZE)
    if code:
        stmt = stmt.where(or_(SandboxMessage.ma_ho_so == code, SandboxMessage.ma_ho_so_don_vi == code))
    rows = db.session.execute(stmt).scalars().all()
    total = db.session.scalar(select(func.count()).select_from(SandboxMessage))
    held = db.session.scalar(select(func.count()).select_from(SandboxDossier))
    return render_template("sandbox/dvcqg_messages.html", rows=rows, code=code, total=total, held=held,
                           names=STATUS_NAMES, page_size=PAGE_SIZE)

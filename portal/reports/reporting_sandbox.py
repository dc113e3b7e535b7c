"""A reporting system for development and tests, under /sandbox/reporting/ while REPORTING_URL is empty.

It stands in for the province's reporting information system and answers what a strict real one would:
- `POST /sandbox/reporting/reports` (Authorization: Bearer <REPORTING_TOKEN>, or the token derived from
  SECRET_KEY, see sending.reporting_token): 401 without the token; 400 when the body is not a JSON object;
  422 with errors by field when the shape is wrong (schema, unit, period, indicators missing, unknown,
  repeated or of the wrong type, totals that do not add up, a content hash that does not match); 409 when
  the version is not the previous one + 1, or when a version it holds comes again with other figures.
  201 with a receipt when kept; 200 with the same receipt when the same version comes again (a resend
  of the outbox is harmless).
- `GET /sandbox/reporting/reports?unit=&period=`: what it holds, every version, oldest first (JSON);
  `GET /sandbox/reporting/`: the same as a page labelled as a test environment.

Versions are only ever appended to a JSON file in the instance folder (REPORTING_SANDBOX_STORE), under a
file lock so that the portal's processes can share it.
"""
from __future__ import annotations

import fcntl
import hmac
import json
import math
import os
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from ..api.errors import TITLES
from ..extensions import csrf
from ..operations import Invalid
from ..security_headers import csp_nonce
from ..timeutil import utcnow, vn_today
from .indicators import BY_CODE, COUNT, INDICATORS, RATE
from .periods import parse_report_period
from .sending import SCHEMA, content_hash, reporting_token

bp = Blueprint("reporting_sandbox", __name__, url_prefix="/sandbox/reporting")
bp.add_app_template_global(csp_nonce, "csp_nonce")
csrf.exempt(bp)  # server to server, authenticated by its bearer token

STORE_FILE = "reporting_sandbox.json"
_UNIT_CODE = re.compile(r"[A-Za-z0-9._-]{1,40}")


@bp.before_request
def _only_without_real_receiver():
    # Registered with every app, but a portal sending to the real system must not also answer as one.
    if current_app.config.get("REPORTING_URL"):
        abort(404)


# -- the store -------------------------------------------------------------------------------------------

def store_path() -> Path:
    configured = current_app.config.get("REPORTING_SANDBOX_STORE")
    return Path(configured) if configured else Path(current_app.instance_path) / STORE_FILE


@contextmanager
def _locked():
    """The store's reports under an exclusive lock (across processes); written back atomically."""
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield _read(path), lambda reports: _write(path, reports)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("reports", [])
    except FileNotFoundError:
        return []


def _write(path: Path, reports: list[dict]) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"reports": reports}, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def held(unit: str | None = None, period: str | None = None) -> list[dict]:
    with _locked() as (reports, _):
        return [r for r in reports
                if (not unit or unit in (r["unit"]["code"], r["unit"].get("slug")))
                and (not period or r["period"]["code"] == period.upper())]


# -- checking a report -----------------------------------------------------------------------------------

def problem(status: int, detail: str, errors: dict | None = None, code: str | None = None):
    """RFC 9457 problem details, in readable UTF-8: the sender keeps the reason for an administrator."""
    body = {"type": "about:blank", "status": status, "title": TITLES.get(status, "Lỗi"), "detail": detail}
    body.update({key: value for key, value in (("errors", errors), ("code", code)) if value})
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status,
                                          mimetype="application/problem+json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="reporting-sandbox"'
    return response


def _authorised() -> bool:
    expected = reporting_token(current_app.config)
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_value(indicator, value) -> str | None:
    if indicator.kind == COUNT:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return "phải là số nguyên không âm"
    elif value is not None and (not _is_number(value) or value < 0 or (indicator.kind == RATE and value > 1)):
        return "phải là tỷ lệ từ 0 đến 1 hoặc null" if indicator.kind == RATE else \
            "phải là số ngày không âm hoặc null"
    return None


def _check_indicators(items, errors: dict) -> dict:
    if not isinstance(items, list) or not items:
        errors["indicators"] = ["Thiếu danh sách chỉ tiêu."]
        return {}
    values, problems = {}, []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or "value" not in item:
            problems.append("Mỗi chỉ tiêu gồm code và value.")
            continue
        code = item["code"]
        indicator = BY_CODE.get(code)
        if indicator is None:
            problems.append(f"Mã chỉ tiêu không có trong danh mục: {code[:40]}.")
        elif code in values:
            problems.append(f"Chỉ tiêu {code} gửi hai lần.")
        else:
            wrong = _check_value(indicator, item["value"])
            if wrong:
                problems.append(f"Chỉ tiêu {code} {wrong}.")
            values[code] = item["value"]
    missing = [i.code for i in INDICATORS if i.code not in values]
    if missing:
        problems.append("Thiếu chỉ tiêu: " + ", ".join(missing) + ".")
    if not problems:
        problems.extend(_check_totals(values))
    if problems:
        errors["indicators"] = problems
    return values


def _check_totals(values: dict) -> list[str]:
    by_field = {i.field: i.code for i in INDICATORS}
    wrong = []
    for indicator in INDICATORS:
        if "+" in indicator.field:
            parts = sum(values[by_field[path]] for path in indicator.field.split("+"))
            if values[indicator.code] != parts:
                wrong.append(f"Chỉ tiêu {indicator.code} ({values[indicator.code]}) khác tổng các thành phần "
                             f"({parts}).")
    return wrong


def _check_period(given, errors: dict, today: date):
    if not isinstance(given, dict) or not isinstance(given.get("code"), str):
        errors["period"] = ["Thiếu kỳ báo cáo."]
        return None
    try:
        period = parse_report_period(given["code"])
    except Invalid:
        errors["period"] = ["Kỳ báo cáo không hợp lệ (năm-tháng hoặc năm-Qsố)."]
        return None
    span = period.period
    if period.code != given["code"] or given.get("kind") != period.kind \
            or given.get("from") != span.first.isoformat() or given.get("to") != span.last.isoformat():
        errors["period"] = ["Kỳ báo cáo không khớp với ngày bắt đầu, ngày kết thúc hoặc loại kỳ."]
    elif not period.closed(today):
        errors["period"] = ["Kỳ báo cáo chưa kết thúc."]
    return period


def check_report(body, today: date | None = None) -> dict:
    """The errors by field of a report body ({} when it is acceptable)."""
    errors: dict = {}
    if body.get("schema") != SCHEMA:
        errors["schema"] = [f"Định dạng báo cáo phải là {SCHEMA}."]
    unit = body.get("unit")
    if not isinstance(unit, dict) or not isinstance(unit.get("code"), str) or not _UNIT_CODE.fullmatch(unit["code"]):
        errors["unit"] = ["Thiếu hoặc sai mã đơn vị báo cáo."]
    _check_period(body.get("period"), errors, today or vn_today())
    version, previous = body.get("version"), body.get("previous_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors["version"] = ["Phiên bản là số nguyên từ 1."]
    elif previous != (version - 1 if version > 1 else None):
        errors["previous_version"] = ["Phiên bản trước phải là phiên bản hiện tại trừ 1 (null cho phiên bản 1)."]
    _check_indicators(body.get("indicators"), errors)
    if not errors and body.get("content_hash") != content_hash(
            unit["code"], body["period"]["code"], body["indicators"]):
        errors["content_hash"] = ["Mã băm nội dung không khớp với đơn vị, kỳ và các chỉ tiêu."]
    return errors


# -- the endpoints ---------------------------------------------------------------------------------------

@bp.route("/reports", methods=["POST"])
def receive():
    if not _authorised():
        return problem(401, "Thiếu hoặc sai mã xác thực của hệ thống gửi báo cáo.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return problem(400, "Nội dung phải là một đối tượng JSON.")
    errors = check_report(body)
    if errors:
        current_app.logger.warning("reporting sandbox refused a report: %s", sorted(errors))
        return problem(422, "Báo cáo không đúng định dạng.", errors=errors)
    unit_code, period_code, version = body["unit"]["code"], body["period"]["code"], body["version"]
    with _locked() as (reports, write):
        versions = [r for r in reports if r["unit"]["code"] == unit_code and r["period"]["code"] == period_code]
        same = next((r for r in versions if r["version"] == version), None)
        if same is not None:
            if same["content_hash"] == body["content_hash"]:
                return jsonify(_receipt(same)), 200
            detail = (f"Phiên bản {version} của kỳ {period_code} đã nhận với số liệu khác; "
                      "gửi số liệu đính chính bằng phiên bản mới.")
            return problem(409, detail, code="version_exists")
        expected = max((r["version"] for r in versions), default=0) + 1
        if version != expected:
            return problem(409, f"Phiên bản phải là {expected} (phiên bản trước cộng 1).",
                           code="version_out_of_order")
        kept = ("unit", "period", "version", "previous_version", "content_hash", "generated_at", "indicators")
        record = {"receipt": f"BC-{unit_code}-{period_code}-V{version}",
                  "received_at": utcnow().isoformat(timespec="seconds"),
                  "idempotency_key": request.headers.get("Idempotency-Key"),
                  **{key: body[key] for key in kept if key in body}}
        reports.append(record)
        write(reports)
    return jsonify(_receipt(record)), 201


def _receipt(record: dict) -> dict:
    return {"receipt": record["receipt"], "version": record["version"], "received_at": record["received_at"]}


@bp.route("/reports", methods=["GET"])
def listing():
    return jsonify({"environment": "sandbox", "reports": held(request.args.get("unit"), request.args.get("period"))})


@bp.route("/")
def page():
    unit, period = request.args.get("unit", "").strip(), request.args.get("period", "").strip()
    reports = held(unit or None, period or None)
    labels = {i.code: i.meaning for i in INDICATORS}
    return render_template("sandbox/reporting.html", reports=list(reversed(reports)), labels=labels,
                           unit=unit, period=period)

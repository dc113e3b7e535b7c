"""The sandbox national portal's "submit an application" pages (/sandbox/dvcqg/nop-ho-so/): a tester picks any
shipped service, fills the person, the service's fields and its files, and the sandbox does what the national
portal does with a dossier for a province: gives it a national code, keeps the files where the province can
download them (/sandbox/dvcqg/nop-ho-so/tep/<token>), signs the message and POSTs it to the portal's receiving
endpoint (portal/national/inbound_api.py), then shows what the portal answered.

Only while DVCQG_URL is empty (the sandbox stands in for the real portal). The sandbox is another site: it
keeps nothing in the portal's tables, only its files (and the messages it sent, so one can be sent again to
see the portal answer the same) in the instance folder."""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for
from sqlalchemy import select

from services.forms import build_form_class

from ..extensions import db
from ..models import Service
from ..operations.catalogue import definition_of, intake_units
from ..outbox.errors import Transient
from ..security_headers import csp_nonce
from ..timeutil import vn_now
from .inbound_http import exchange
from .inbound_signing import signed_headers
from .mapping import national_code as mapped_code

log = logging.getLogger("portal.national.sandbox")

PREFIX = "/sandbox/dvcqg/nop-ho-so"
RECEIVING_PATH = "/api/v1/national/applications"
STORE_DIR = "dvcqg_sandbox_submissions"
_TOKEN = re.compile(r"[0-9a-f]{32}")
_CODE = re.compile(r"QG-[0-9]{6}-[0-9A-F]{8}")

bp = Blueprint("dvcqg_submit", __name__, url_prefix=PREFIX)
bp.add_app_template_global(csp_nonce, "csp_nonce")

PERSON_FIELDS = (("ChuHoSo", "Họ và tên người nộp", "text"), ("SoDinhDanh", "Số định danh cá nhân", "text"),
                 ("SoDienThoai", "Số điện thoại di động", "tel"), ("Email", "Thư điện tử", "email"),
                 ("DiaChi", "Địa chỉ", "text"))


@bp.before_request
def _only_as_a_sandbox():
    if current_app.config.get("DVCQG_URL"):
        abort(404)


def _store() -> Path:
    path = Path(current_app.instance_path) / STORE_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_file(data: bytes) -> str:
    """Keeps an uploaded file as the national portal keeps a citizen's files; returns its download URL."""
    token = secrets.token_hex(16)
    fd = os.open(_store() / f"{token}.bin", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return current_app.config["PUBLIC_URL"] + url_for("dvcqg_submit.file", token=token)


def _receiving_url() -> str:
    return current_app.config["PUBLIC_URL"] + RECEIVING_PATH


def send(message: dict):
    """Signs and POSTs `message` as the national portal would; returns (HTTP status, JSON answer or None)."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", **signed_headers(body)}
    try:
        response = exchange("POST", _receiving_url(), body, headers, timeout=30)
    except Transient as failure:
        log.warning("sandbox DVCQG: the portal could not be reached: %s", failure)
        return None, None
    try:
        reply = response.json()
    except ValueError:
        reply = None
    return response.status_code, reply if isinstance(reply, dict) else None


def _services():
    rows = db.session.execute(select(Service).where(Service.active.is_(True)).order_by(Service.slug)).scalars()
    return [s for s in rows if s.current is not None]


def _service(slug: str) -> Service:
    service = db.session.execute(select(Service).where(Service.slug == slug, Service.active.is_(True))) \
        .scalar_one_or_none()
    if service is None or service.current is None:
        abort(404)
    return service


def _national_code() -> str:
    return f"QG-{vn_now():%y%m%d}-{secrets.token_hex(4).upper()}"


@bp.get("")
def services():
    listed = [(s, mapped_code(s, None, s.current.code)) for s in _services()]
    return render_template("sandbox/dvcqg_submit_list.html", services=listed)


@bp.route("/<slug>", methods=["GET", "POST"])
def submit(slug):
    service = _service(slug)
    version = service.current
    definition = definition_of(version)
    units = intake_units(version)
    form = build_form_class(definition)(formdata=request.form if request.method == "POST" else None)
    values = {name: request.form.get(name, "") for name, _label, _type in PERSON_FIELDS}
    values["MaDonVi"] = request.form.get("MaDonVi", "")
    if request.method == "GET":
        return render_template("sandbox/dvcqg_submit_form.html", service=service, definition=definition,
                               units=units, form=form, values=values, person_fields=PERSON_FIELDS)
    unit = next((u for u in units if u.code == values["MaDonVi"]), units[0] if units else None)
    message = {
        "MaHoSo": _national_code(),
        "MaTTHC": mapped_code(service, unit, version.code),
        "TenTTHC": version.name,
        "MaDonVi": values["MaDonVi"],
        **{name: values[name] for name, _label, _type in PERSON_FIELDS},
        "NgayNopHoSo": vn_now().strftime("%Y%m%d%H%M%S"),
        "KenhThucHien": 2,
        "DuLieuBieuMau": _form_values(definition),
        "TaiLieuNop": _files(definition),
    }
    _keep_message(message)
    status, reply = send(message)
    return _result(message, status, reply, again=False)


@bp.post("/gui-lai/<code>")
def send_again(code):
    """Sends a message the sandbox sent before, unchanged: the portal must answer as it did."""
    if not _CODE.fullmatch(code):
        abort(404)
    try:
        message = json.loads((_store() / f"{code}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        abort(404)
    status, reply = send(message)
    return _result(message, status, reply, again=True)


@bp.get("/tep/<token>")
def file(token):
    if not _TOKEN.fullmatch(token):
        abort(404)
    path = _store() / f"{token}.bin"
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/octet-stream", as_attachment=True, download_name=f"{token}.bin")


def _result(message: dict, status, reply, *, again: bool):
    return render_template("sandbox/dvcqg_submit_result.html", message=message, status=status, reply=reply,
                           again=again, message_json=json.dumps(message, ensure_ascii=False, indent=1))


def _form_values(definition) -> dict:
    """The service's fields as the national portal's e-form sends them: text as typed, ticked boxes true."""
    data = {}
    for spec in definition.fields:
        if spec.type == "checkbox":
            if request.form.get(spec.name):
                data[spec.name] = True
            continue
        value = request.form.get(spec.name, "").strip()
        if value:
            data[spec.name] = value
    return data


def _files(definition) -> list:
    listed = []
    for index, document in enumerate(definition.documents, start=1):
        upload = request.files.get(f"doc_{document.key}")
        if upload is None or not upload.filename:
            continue
        listed.append({"TepDinhKemId": str(index), "TenTepDinhKem": upload.filename,
                       "MaThanhPhanHoSo": document.key, "DuongDanTaiTepTin": keep_file(upload.read())})
    return listed


def _keep_message(message: dict) -> None:
    (_store() / f"{message['MaHoSo']}.json").write_text(json.dumps(message, ensure_ascii=False), encoding="utf-8")

"""Applications submitted on the national portal (Cổng DVCQG) and sent to the province: channel `national`.

The message is the national portal's dossier record as it pushes it to a province (field names of the
DVCQG dossier synchronisation, DongBoHoSoMC; attachments listed in TaiLieuNop, each with the URL the province
downloads it from, DuongDanTaiTepTin): see README "Hồ sơ từ Cổng DVCQG" for the shape.

What happens to one message, in the request's one transaction:
1. the national code (MaHoSo) already known: the same message gets the same answer, nothing is written; the
   same code with other content is refused (409), never taken for the first;
2. the envelope is checked (national code, procedure code MaTTHC mapped to a service received at the unit
   MaDonVi, the person as at the counter: portal/operations/counter_intake.py `check_person`, the form values
   as a draft's), then every file is fetched and checked by content like an upload (portal/storage.py)
   before anything is written;
3. the application is created for the person, linked to the citizen account with the same identification
   number if one exists (else claimable: portal/citizen/claiming.py), its files stored, and submitted as
   every submission is (`prepare_submission`: complete data and documents, fee, code), the `submit` taken
   for the person by the system (`fire(..., for_applicant=True)`), so the status message flows like any
   other transition's.
A refusal raises before the commit: the unit of work rolls back, which also deletes the files written."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import storage
from ..extensions import db
from ..models import Application, Service, Unit
from ..operations import Conflict, Invalid, OperationError
from ..operations import applications as ops
from ..operations.calendar import current_calendar
from ..operations.catalogue import definition_of, intake_units
from ..operations.counter_intake import account_of, check_person
from ..operations.routing import workflow_for
from ..operations.transitions import fire
from ..outbox.errors import Transient
from ..savepoints import savepoint
from ..timeutil import VN, to_vn
from ..workflows_registry import pin_workflow, workflow_of
from .inbound_http import exchange, is_allowed_file_url
from .inbound_models import NationalSubmission
from .mapping import national_code as mapped_code

log = logging.getLogger("portal.national.inbound")

# The national portal's dossier codes: letters, digits, dots and dashes ("G22.99-261203-000123").
NATIONAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_]{5,59}")
DATE_FORMAT = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss, Vietnam time, as the national portal writes dates
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
ADDRESS_MAX = 300
MAX_FILES = 30
FILE_TIMEOUT = 15


@dataclass(frozen=True)
class Envelope:
    national_code: str
    service: Service
    unit: Unit
    person: object  # counter_intake.Person
    email: str
    address: str
    submitted_at: datetime | None
    data: dict


def digest_of(message: dict) -> str:
    """The message's meaning, whatever its key order and spacing: what "the same message" means."""
    canonical = json.dumps(message, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def receive(message) -> tuple[Application, bool]:
    """The application for this message, and whether this call created it (False: the same message again)."""
    if not isinstance(message, dict):
        raise Invalid("Nội dung thông điệp phải là một đối tượng JSON.", code="not_object")
    digest = digest_of(message)
    code = _national_code(message.get("MaHoSo"))
    known = _known(code, digest)
    if known is not None:
        return known, False
    envelope = _envelope(message, code)
    files = _fetched_files(message.get("TaiLieuNop"), definition_of(envelope.service.current))
    try:
        with savepoint(db.session):
            application = _create(envelope)
    except IntegrityError:
        # Another request took this national code between our look-up and our insert (the same message
        # delivered twice at once): its application is the answer.
        log.info("national inbound %s: created concurrently by another request", code)
        known = _known(code, digest)
        if known is None:
            raise
        return known, False
    for document_key, checked in files:
        ops.add_checked_attachment(application, document_key, checked, None)
    # Written before the submission, whose notices and status record already need the person's e-mail.
    db.session.add(NationalSubmission(
        application=application, digest=digest, applicant_email=envelope.email,
        applicant_address=envelope.address, submitted_nationally_at=envelope.submitted_at))
    db.session.flush()
    ops.prepare_submission(application)
    fire(application, "submit", None, for_applicant=True, details={
        "received_from": "dvcqg", "national_code": code,
        "on_behalf_of": {"user_id": application.applicant_id, "name": application.applicant_name,
                         "national_id": application.applicant_national_id}})
    db.session.flush()
    log.info("national inbound %s: application %s created (%s, %d files)", code, application.code,
             envelope.service.slug, len(files))
    return application, True


def answer(application: Application) -> dict:
    """What the portal answers the national portal, the same for the same message: our code beside theirs,
    the national status now, and the date of return as counted from the message's arrival (the desk's
    acceptance then sets the legal one, which the status messages carry)."""
    submission = db.session.get(NationalSubmission, application.id)
    received = submission.received_at if submission is not None else application.submitted_at
    version = application.service_version
    due = application.due_date or current_calendar().due_date(received, version.processing_days)
    return {
        "MaHoSo": application.national_code,
        "MaHoSoDonVi": application.code,
        "MaDonVi": application.unit.code,
        "TenDonVi": application.unit.name,
        "TrangThaiHoSo": workflow_of(application).state(application.state).portal_status,
        "NgayNhan": to_vn(received).strftime(DATE_FORMAT),
        "NgayHenTra": due.strftime("%Y%m%d") + "170000",
    }


# -- the message --------------------------------------------------------------------------------------

def _national_code(value) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if not NATIONAL_CODE.fullmatch(value):
        message = "Mã hồ sơ trên Cổng DVCQG (MaHoSo) không hợp lệ."
        raise Invalid(message, errors={"MaHoSo": [message]}, code="bad_national_code")
    return value


def _known(code: str, digest: str) -> Application | None:
    application = db.session.execute(select(Application).where(Application.national_code == code)) \
        .scalar_one_or_none()
    if application is None:
        return None
    submission = db.session.get(NationalSubmission, application.id)
    if submission is None or submission.digest != digest:
        log.warning("national inbound %s refused: the code is known with other content", code)
        raise Conflict("Mã hồ sơ này đã được gửi trước đó với nội dung khác.", code="national_code_reused",
                       errors={"MaHoSo": ["Mã hồ sơ này đã được gửi trước đó với nội dung khác."]})
    log.info("national inbound %s: the same message again, answered as before", code)
    return application


def _text(message, key) -> str:
    value = message.get(key)
    return unicodedata.normalize("NFC", " ".join(value.split())) if isinstance(value, str) else ""


def _envelope(message: dict, code: str) -> Envelope:
    unit = db.session.execute(select(Unit).where(Unit.code == _text(message, "MaDonVi"), Unit.active.is_(True))) \
        .scalar_one_or_none()
    if unit is None:
        message_text = "Không có đơn vị tiếp nhận với mã này (MaDonVi)."
        raise Invalid(message_text, errors={"MaDonVi": [message_text]}, code="unknown_unit")
    service = _service_for(_text(message, "MaTTHC"), unit)
    errors = {}
    try:
        person = check_person({"full_name": message.get("ChuHoSo"), "national_id": message.get("SoDinhDanh"),
                               "phone": message.get("SoDienThoai")})
    except Invalid as refusal:
        names = {"full_name": "ChuHoSo", "national_id": "SoDinhDanh", "phone": "SoDienThoai"}
        errors.update({names[k]: v for k, v in refusal.errors.items()})
        person = None
    email = _text(message, "Email")
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        errors["Email"] = ["Địa chỉ thư điện tử không hợp lệ."]
    address = _text(message, "DiaChi")
    if len(address) > ADDRESS_MAX:
        errors["DiaChi"] = [f"Địa chỉ không được dài quá {ADDRESS_MAX} ký tự."]
    submitted_at = _date(message.get("NgayNopHoSo"), errors)
    form_values = message.get("DuLieuBieuMau") or {}
    if not isinstance(form_values, dict):
        errors["DuLieuBieuMau"] = ["Dữ liệu biểu mẫu phải là một đối tượng JSON."]
        form_values = {}
    if errors:
        raise Invalid("Thông tin hồ sơ chưa hợp lệ.", errors=errors)
    data = ops.clean_draft_data(definition_of(service.current), form_values)
    return Envelope(national_code=code, service=service, unit=unit, person=person, email=email,
                    address=address, submitted_at=submitted_at, data=data)


def _service_for(procedure_code: str, unit: Unit) -> Service:
    """The service received at `unit` that the national portal knows by this code (the administrators'
    mapping, portal/national/mapping.py, else the service's own code)."""
    for service in db.session.execute(select(Service).where(Service.active.is_(True))
                                      .order_by(Service.id)).scalars():
        version = service.current
        if version is None or not procedure_code:
            continue
        if mapped_code(service, unit, version.code) == procedure_code and unit in intake_units(version):
            return service
    log.warning("national inbound refused: no service with procedure code %r at %s", procedure_code[:40],
                unit.code)
    message = "Thủ tục (MaTTHC) không được tiếp nhận tại đơn vị này."
    raise Invalid(message, errors={"MaTTHC": [message]}, code="unknown_service")


def _date(value, errors) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.strptime(str(value), DATE_FORMAT).replace(tzinfo=VN)
    except ValueError:
        errors["NgayNopHoSo"] = ["Ngày nộp hồ sơ phải theo định dạng yyyyMMddHHmmss."]
        return None


# -- the files -----------------------------------------------------------------------------------------

def _fetched_files(items, definition) -> list[tuple[str, storage.CheckedUpload]]:
    """Every listed file downloaded and checked by content, before anything is written: a message with one
    bad file leaves no row and no file."""
    if items in (None, ""):
        items = []
    if not isinstance(items, list) or len(items) > MAX_FILES:
        raise Invalid(f"Danh sách tài liệu nộp (TaiLieuNop) phải là một danh sách tối đa {MAX_FILES} tệp.",
                      errors={"TaiLieuNop": ["Danh sách không hợp lệ."]})
    keys = {d.key for d in definition.documents}
    files = []
    for index, item in enumerate(items):
        field = f"TaiLieuNop.{index}"
        if not isinstance(item, dict):
            raise Invalid("Tài liệu nộp không hợp lệ.", errors={field: ["Phải là một đối tượng JSON."]})
        if str(item.get("IsDeleted", "")).lower() in ("1", "true"):
            continue
        key = item.get("MaThanhPhanHoSo")
        if key not in keys:
            message = "Thành phần hồ sơ (MaThanhPhanHoSo) không có trong danh mục giấy tờ của thủ tục."
            raise Invalid(message, errors={field: [message]}, code="unknown_document")
        files.append((key, _checked_file(item, field)))
    return files


def _checked_file(item: dict, field: str) -> storage.CheckedUpload:
    url = item.get("DuongDanTaiTepTin")
    name = item.get("TenTepDinhKem") if isinstance(item.get("TenTepDinhKem"), str) else None
    if not isinstance(url, str) or not is_allowed_file_url(url, current_app.config):
        log.warning("national inbound refused: file URL not on an allowed origin: %.200r", url)
        message = "Đường dẫn tải tệp (DuongDanTaiTepTin) không thuộc Cổng DVCQG."
        raise Invalid(message, errors={field: [message]}, code="file_origin")
    try:
        response = exchange("GET", url, timeout=FILE_TIMEOUT)
    except Transient as failure:
        log.warning("national inbound: fetching %s failed: %s", url, failure)
        raise Invalid("Không tải được tệp đính kèm từ Cổng DVCQG.", errors={field: [str(failure)[:200]]},
                      code="file_unreachable") from None
    if response.status_code != 200:
        log.warning("national inbound: fetching %s answered HTTP %s", url, response.status_code)
        message = f"Không tải được tệp đính kèm từ Cổng DVCQG (HTTP {response.status_code})."
        raise Invalid(message, errors={field: [message]}, code="file_unreachable")
    try:
        return storage.check_upload(io.BytesIO(response.content), name)
    except OperationError as refusal:  # Invalid, UnsupportedMedia (415), TooLarge (413): statuses kept
        log.warning("national inbound refused: file %s: %s", url, refusal.message)
        refusal.errors = {field: [refusal.message]}
        raise


# -- the application -----------------------------------------------------------------------------------

def _create(envelope: Envelope) -> Application:
    person = envelope.person
    version = envelope.service.current
    application = Application(
        service=envelope.service, service_version=version, applicant=account_of(person.national_id),
        applicant_national_id=person.national_id, applicant_name=person.full_name,
        applicant_phone=person.phone, unit=envelope.unit, current_unit=envelope.unit,
        workflow=workflow_for(version, envelope.unit), state="draft", channel="national",
        national_code=envelope.national_code, data=envelope.data)
    pin_workflow(application)
    db.session.add(application)
    db.session.flush()  # the national code's unique index decides here between two deliveries at once
    return application

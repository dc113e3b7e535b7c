"""Digitised results (số hóa kết quả, Circular 01/2023/TT-VPCP): a result issued on paper, or by another
system, scanned at the unit holding the application and kept as the application's result with the number and
the date printed on it.

It is a `Document` of kind `result` with `source = "scan"`: listed with the application's documents, in the
citizen's store (portal/operations/digitised.py), downloadable by the applicant like any result, and shown by
the verification page as "bản số hóa" — a copy the portal did not sign (`signed` False; the page says who
digitised it and when). Scans are stored as PDF: a PDF as it came; a JPEG or PNG as a one-page PDF of the
image (the original's sha256 and type are kept in `details`)."""
from __future__ import annotations

import hashlib
import io
import unicodedata
from datetime import date

from PIL import Image
from sqlalchemy import select

from ..i18n import N_, pattern
from .. import storage
from ..auth.permissions import can_digitise_result, can_view_application
from ..extensions import db
from ..models import Document, Event
from ..operations import Forbidden, Invalid, NotFound, OperationError
from ..operations.transitions import touch
from ..timeutil import utcnow, vn_today
from .issue import new_verification_code, result_template

# Decided in the portal and waiting for (or past) delivery; or decided outside it while the portal still
# shows it in processing, which the person digitising must say (`decided_outside`).
RESULT_STATES = ("result_ready", "completed")
OUTSIDE_STATES = ("processing", "forwarded", "awaiting_approval", "awaiting_payment")
NUMBER_MAX = 40
IMAGE_DPI = 200.0

NUMBER_MESSAGE = N_("Vui lòng nhập số văn bản (số, ký hiệu in trên kết quả).")
NUMBER_LONG_MESSAGE = pattern(N_("Số văn bản không được dài quá %(max)s ký tự.")) % {"max": NUMBER_MAX}
DATE_MESSAGE = N_("Vui lòng nhập ngày ban hành in trên kết quả (dạng YYYY-MM-DD).")
DATE_FUTURE_MESSAGE = N_("Ngày ban hành không được sau ngày hôm nay.")
FILE_MESSAGE = "Vui lòng chọn bản quét kết quả (PDF, JPEG hoặc PNG)."
STATE_MESSAGE = (N_("Chỉ số hóa kết quả khi hồ sơ đã có kết quả (chờ trả hoặc đã trả), hoặc khi hồ sơ đã được "
                 "giải quyết ngoài Cổng (đánh dấu “Kết quả được giải quyết ngoài Cổng”)."))


def clean_number(value) -> tuple[str, str | None]:
    number = unicodedata.normalize("NFC", " ".join(value.split())) if isinstance(value, str) else ""
    if not number:
        return "", NUMBER_MESSAGE
    if len(number) > NUMBER_MAX:
        return number, NUMBER_LONG_MESSAGE
    return number, None


def clean_date(value) -> tuple[date | None, str | None]:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return None, DATE_MESSAGE
    if not isinstance(value, date):
        return None, DATE_MESSAGE
    if value > vn_today():
        return None, DATE_FUTURE_MESSAGE
    return value, None


def as_pdf(data: bytes, content_type: str) -> bytes:
    """The scan as a PDF: a PDF unchanged, an image as one page at its own resolution (200 dpi if unknown)."""
    if content_type == "application/pdf":
        return data
    with Image.open(io.BytesIO(data)) as image:
        dpi = image.info.get("dpi") or (IMAGE_DPI, IMAGE_DPI)
        page = image.convert("RGB")
    out = io.BytesIO()
    page.save(out, "PDF", resolution=float(dpi[0]) or IMAGE_DPI)
    return out.getvalue()


def check_allowed(actor, application, decided_outside: bool) -> None:
    if not can_view_application(actor, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    if not can_digitise_result(actor, application):
        raise Forbidden(N_("Chỉ cán bộ một cửa hoặc chuyên viên của đơn vị đang giữ hồ sơ được số hóa kết quả."))
    if application.state in RESULT_STATES or (decided_outside and application.state in OUTSIDE_STATES):
        return
    raise Invalid(STATE_MESSAGE, code="wrong_state")


def digitise_result(application, actor, stream, filename: str | None, number, document_date,
                    decided_outside: bool = False) -> Document:
    """Stores the scan as the application's digitised result. Every wrong input is named by its field
    (`file`, `number`, `date`) in one refusal, and nothing is written; the caller commits."""
    check_allowed(actor, application, decided_outside)
    errors = {}
    number, problem = clean_number(number)
    if problem:
        errors["number"] = [problem]
    day, problem = clean_date(document_date)
    if problem:
        errors["date"] = [problem]
    upload, refusal = None, None
    if stream is None:
        errors["file"] = [FILE_MESSAGE]
    else:
        try:
            upload = storage.check_upload(stream, filename)
        except OperationError as exc:  # not a PDF or image, empty, too large: beside the file input
            refusal = exc
            errors["file"] = [exc.message]
    if errors:
        if refusal is not None and len(errors) == 1:
            raise type(refusal)(refusal.message, errors=errors, code=refusal.code)  # keeps 413 / 415
        raise Invalid(N_("Thông tin kết quả số hóa chưa hợp lệ."), errors=errors)
    return _store(application, actor, upload, number, day, decided_outside)


def _store(application, actor, upload, number, day, decided_outside) -> Document:
    pdf = as_pdf(upload.data, upload.content_type)
    stored_name = storage.save("documents", pdf, ".pdf")
    now = utcnow()
    code = new_verification_code()
    while db.session.execute(select(Document.id).where(Document.code == code)).first() is not None:
        code = new_verification_code()
    earlier_scans = [d for d in application.documents if d.kind == "result" and d.source == "scan"
                     and d.revoked_at is None and d.superseded_by_id is None]
    document = Document(
        code=code, kind="result", number=number, title=result_template(application)[1],
        application=application, unit_id=actor.unit_id, holder_name=application.applicant_full_name,
        signer_name="", signer_title="", stored_name=stored_name, sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf), signed=False, issued_at=now, issued_by_id=actor.id, revoked_reason="",
        source="scan", document_date=day, digitised_by_id=actor.id, digitised_at=now,
        details={"original": {"filename": upload.filename, "content_type": upload.content_type,
                              "sha256": upload.sha256, "size": len(upload.data)},
                 "decided_outside": bool(decided_outside)})
    db.session.add(document)
    db.session.flush()
    for old in earlier_scans:  # a new scan of the result replaces the previous scan
        old.superseded_by_id = document.id
    touch(application, now)
    db.session.add(Event(
        application=application, action="digitise_result", actor_id=actor.id, role=actor.role,
        unit_id=actor.unit_id, from_state=application.state, to_state=application.state, created_at=now,
        note="", details={"document": code, "number": number, "date": day.isoformat(),
                          "decided_outside": bool(decided_outside)}))
    return document


def digitised_results(application) -> list[Document]:
    return [d for d in application.documents if d.kind == "result" and d.source == "scan"]

"""The person's electronic store of digitised documents and results (Decree 45/2020, "kho dữ liệu điện tử"),
and reusing one of them for a new application instead of scanning the paper again.

Who the person is:
- a citizen's own store holds the applications of their account (`applicant_id`), nothing found by the
  identification number alone: a counter application entered with their number but not yet claimed is not
  theirs until they claim it with the code sent to its phone (portal/citizen/claiming.py);
- at the desk the person shows their identity card, so staff find the store by the personal identification
  number: applications entered with it (`applicant_national_id`) or made by the account holding it.

What the store holds: digitised attachments (scanned at a desk, or copies of such scans) of the person's
applications that still count (not superseded), one per file content (sha256), and the live results issued
to them (signed by the portal, or digitised results: `Document.source == "scan"`).

Reusing copies the bytes under a new stored name (same sha256): the new attachment stays whole even if the
old application's draft, and its files, are deleted; the link (`reused_from_attachment_id` /
`reused_from_document_id`) then reads NULL."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import event, or_, select, update

from ..i18n import N_
from .. import storage
from ..auth.permissions import can_fill_application, has_role, is_citizen, owns_application, staff_can_see
from ..extensions import db
from ..models import Application, Attachment, Document, User
from . import Invalid, NotFound
from .catalogue import definition_of

ATTACHMENT, RESULT = "attachment", "result"
EDITABLE_STATES = ("draft", "supplement_requested")
NOT_IN_STORE = N_("Không tìm thấy giấy tờ này trong kho dữ liệu của người nộp.")
FILE_MISSING = N_("Tệp gốc của giấy tờ này không còn đọc được, vui lòng quét lại.")


@dataclass(frozen=True)
class StoreItem:
    """One reusable file: a digitised attachment or a result."""

    kind: str  # ATTACHMENT | RESULT
    row: Attachment | Document
    application: Application

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.row.id}"

    @property
    def document_key(self) -> str | None:
        return self.row.document_key if self.kind == ATTACHMENT else None

    @property
    def label(self) -> str:
        if self.kind == RESULT:
            return self.row.title
        definition = definition_of(self.application.service_version)
        spec = next((d for d in definition.documents if d.key == self.row.document_key), None)
        return spec.label if spec is not None else self.row.document_key

    @property
    def filename(self) -> str:
        if self.kind == RESULT:
            return f"ket-qua-{self.row.number.replace('/', '-')}.pdf"
        return self.row.filename

    @property
    def content_type(self) -> str:
        return self.row.content_type if self.kind == ATTACHMENT else "application/pdf"

    @property
    def digitised(self) -> bool:
        if self.kind == RESULT:
            return self.row.source == "scan"
        return self.row.digitised_at is not None

    @property
    def moment(self) -> datetime | None:
        """When it entered the store: digitised, or issued."""
        if self.kind == RESULT:
            return self.row.digitised_at or self.row.issued_at
        return self.row.digitised_at

    @property
    def number(self) -> str | None:
        return self.row.number if self.kind == RESULT else None

    @property
    def document_date(self) -> date | None:
        if self.kind != RESULT:
            return None
        return self.row.document_date or (self.row.issued_at.date() if self.row.issued_at else None)

    def as_dict(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "document": self.document_key, "label": self.label,
            "filename": self.filename, "content_type": self.content_type, "size": self.row.size,
            "sha256": self.row.sha256, "digitised": self.digitised,
            "digitised_at": self.moment.isoformat() if self.moment else None,
            "checked_against_original": (self.row.checked_against_original if self.kind == ATTACHMENT else None),
            "number": self.number,
            "date": self.document_date.isoformat() if self.document_date else None,
            "source": self.row.source if self.kind == RESULT else None,
            "application": {"id": self.application.id, "code": self.application.code,
                            "service": self.application.service_version.name},
        }


# -- whose applications ----------------------------------------------------------------------------------

def _applications_of_account(user) -> list[Application]:
    return list(db.session.execute(
        select(Application).where(Application.applicant_id == user.id).order_by(Application.id)).scalars())


def _applications_of_national_id(national_id: str) -> list[Application]:
    if not national_id:
        return []
    accounts = select(User.id).where(User.national_id == national_id)
    return list(db.session.execute(select(Application).where(or_(
        Application.applicant_national_id == national_id, Application.applicant_id.in_(accounts)))
        .order_by(Application.id)).scalars())


def items_of(applications, *, excluding: Application | None = None) -> list[StoreItem]:
    """Digitised attachments (one per content) and live results of these applications, newest first."""
    items, seen = [], set()
    for application in applications:
        if excluding is not None and application.id == excluding.id:
            continue
        for attachment in application.attachments:
            if attachment.digitised_at is None or attachment.superseded or attachment.sha256 in seen:
                continue
            seen.add(attachment.sha256)
            items.append(StoreItem(ATTACHMENT, attachment, application))
        for document in application.documents:
            if document.kind == "result" and document.revoked_at is None and document.superseded_by_id is None:
                items.append(StoreItem(RESULT, document, application))
    return sorted(items, key=lambda item: (item.moment is not None, item.moment), reverse=True)


def citizen_store(citizen) -> list[StoreItem]:
    """The citizen's own store (their account's applications)."""
    return items_of(_applications_of_account(citizen))


def person_store(staff, national_id: str) -> list[StoreItem]:
    """The store of the person with this identification number, for staff of a unit where the person
    applied (received there, held there, or handled there); anyone else: 404, as if there were none."""
    applications = _applications_of_national_id(national_id)
    if not any(staff_can_see(staff, application) for application in applications):
        raise NotFound(N_("Không tìm thấy người nộp hồ sơ."))
    return items_of(applications)


def store_for_application(user, application: Application) -> list[StoreItem]:
    """What may be reused in `application`: its applicant's store (the account's applications for a
    citizen applying online; found by identification number at the counter desk)."""
    if owns_application(user, application):
        return items_of(_applications_of_account(user), excluding=application)
    if can_fill_application(user, application):  # the desk entering it for the person
        applications = _applications_of_national_id(application.applicant_nid)
        if application.applicant is not None:
            known = {a.id for a in applications}
            applications += [a for a in _applications_of_account(application.applicant) if a.id not in known]
        return items_of(applications, excluding=application)
    raise NotFound(N_("Không tìm thấy hồ sơ."))


def store_for_new_application(user, national_id: str | None = None) -> list[StoreItem]:
    """Before the application exists (the apply page, the counter intake form): the citizen's own store, or
    at the desk the store of the identification number typed in (only what the desk can reuse: the person
    stands there with their card, as when a receiver scans the paper)."""
    if is_citizen(user):
        return citizen_store(user)
    if has_role(user, "receiver") and national_id:
        return items_of(_applications_of_national_id(national_id))
    return []


def find_item(items, item_id) -> StoreItem | None:
    return next((item for item in items if item.id == str(item_id)), None)


# -- reusing one -----------------------------------------------------------------------------------------

def reuse(application: Application, user, document_key: str, item_id,
          items: list[StoreItem] | None = None) -> Attachment:
    """Attaches a copy of a store item for the listed document `document_key`; an earlier upload for the
    same document no longer counts. Refusals name the field (`document`, `reuse`); nothing is written."""
    if not can_fill_application(user, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    if application.state not in EDITABLE_STATES:
        raise Invalid(N_("Chỉ đính kèm được khi hồ sơ đang soạn hoặc đang chờ bổ sung."), code="not_editable")
    definition = definition_of(application.service_version)
    errors = {}
    if document_key not in {d.key for d in definition.documents}:
        errors["document"] = [N_("Giấy tờ này không có trong danh mục của thủ tục.")]
    items = store_for_application(user, application) if items is None else items
    item = find_item(items, item_id)
    if item is None:
        errors["reuse"] = [NOT_IN_STORE]
    if errors:
        raise Invalid(N_("Không dùng lại được giấy tờ đã số hóa."), errors=errors)
    data = _original_bytes(item)
    stored = storage.save("uploads", data, storage.ALLOWED_UPLOADS.get(item.content_type, ".pdf"))
    for previous in application.attachments:
        if previous.document_key == document_key and not previous.superseded:
            previous.superseded = True
    source = item.row
    attachment = Attachment(
        application=application, document_key=document_key, filename=item.filename, stored_name=stored,
        content_type=item.content_type, size=len(data), sha256=source.sha256, uploaded_by_id=user.id)
    if item.kind == ATTACHMENT:
        # A copy of a digitised scan is that digitised document: who scanned it, when, and how it was checked.
        attachment.reused_from_attachment_id = source.id
        attachment.digitised_by_id = source.digitised_by_id
        attachment.digitised_at = source.digitised_at
        attachment.checked_against_original = source.checked_against_original
    else:
        attachment.reused_from_document_id = source.id
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _original_bytes(item: StoreItem) -> bytes:
    """The stored bytes, checked against the sha256 recorded when they were stored."""
    kind = "uploads" if item.kind == ATTACHMENT else "documents"
    try:
        data = storage.read(kind, item.row.stored_name)
    except OSError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != item.row.sha256:
        raise Invalid(FILE_MISSING, errors={"reuse": [FILE_MISSING]}, code="file_missing")
    return data


def reused_source(attachment: Attachment) -> dict | None:
    """What an attachment was copied from, for the pages and the API."""
    if attachment.reused_from_attachment_id:
        return {"kind": ATTACHMENT, "id": attachment.reused_from_attachment_id}
    if attachment.reused_from_document_id:
        return {"kind": RESULT, "id": attachment.reused_from_document_id}
    return None


@event.listens_for(Attachment, "before_delete")
def _unlink_copies(_mapper, connection, target):
    """The copies of a deleted attachment keep their own file; their link to it goes. The foreign key says
    ON DELETE SET NULL too, but SQLite applies it only when foreign keys are switched on for the connection."""
    connection.execute(update(Attachment.__table__).where(
        Attachment.__table__.c.reused_from_attachment_id == target.id).values(reused_from_attachment_id=None))

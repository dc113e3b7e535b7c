"""Correcting an issued result (đính chính): the leader of the issuing unit fixes what was recorded wrong,
says why, and a new signed result replaces the old one, which stays verifiable as superseded."""
import unicodedata

from sqlalchemy import select

from services.forms import validate_data

from ..i18n import N_
from ..auth.permissions import can_revoke_document
from ..extensions import db
from ..models import AuditLog, Event
from ..operations import Forbidden, Invalid
from ..operations.catalogue import definition_of
from ..operations.transitions import touch
from ..timeutil import utcnow
from .issue import issue_document

CORRECTABLE = ("result",)


def correctable(document) -> bool:
    return (document.kind in CORRECTABLE and document.application is not None
            and document.source != "scan"  # a scanned paper result is corrected on paper, then scanned again
            and document.revoked_at is None and document.superseded_by_id is None)


def correct_result(document, actor, changes: dict, reason: str):
    """Applies `changes` (field name -> new value) to the application's data, records why, and issues the
    corrected result. Returns the new document; the caller commits."""
    if not can_revoke_document(actor, document):
        raise Forbidden(N_("Chỉ lãnh đạo đơn vị đã cấp văn bản được đính chính."))
    if not correctable(document):
        raise Invalid(N_("Chỉ đính chính được kết quả đang có hiệu lực."), code="not_correctable")
    reason = unicodedata.normalize("NFC", (reason or "").strip())
    if not reason:
        message = "Vui lòng nêu lý do đính chính."
        raise Invalid(message, errors={"reason": [message]})
    application = document.application
    definition = definition_of(application.service_version)
    known = {field.name for field in definition.fields}
    merged = dict(application.data or {})
    merged.update({name: value for name, value in (changes or {}).items() if name in known})
    clean, errors = validate_data(definition, merged)
    if errors:
        raise Invalid(N_("Thông tin đính chính chưa hợp lệ."), errors=errors)
    changed = {name: [application.data.get(name), clean.get(name)] for name in known
               if (application.data or {}).get(name) != clean.get(name)}
    if not changed:
        message = "Chưa có thông tin nào được sửa."
        raise Invalid(message, errors={"reason": [message]}, code="nothing_changed")
    application.data = clean
    touch(application)
    db.session.add(Event(
        application=application, action="correct", actor_id=actor.id, role=actor.role, unit_id=actor.unit_id,
        from_state=application.state, to_state=application.state, note=reason, created_at=utcnow(),
        details={"changed": changed, "replaces": document.code}))
    approval = db.session.execute(
        select(Event.note).where(Event.application_id == application.id, Event.action == "approve")
        .order_by(Event.id.desc())).scalars().first()
    corrected = issue_document(application, "result", actor=actor,
                               template=(document.details or {}).get("template"), title=document.title,
                               extra={"decision": {"text": "", "note": approval or ""}})
    db.session.add(AuditLog(actor_id=actor.id, action="document.correct", target=f"document:{document.id}",
                            details={"replaced_by": corrected.code, "reason": reason,
                                     "fields": sorted(changed)}))
    _tell_the_citizen(application, document, corrected, reason)
    return corrected


def _tell_the_citizen(application, old, new, reason):
    from ..notifications import send_email
    from ..notifications.effects import _application_url
    applicant = application.applicant
    if applicant is None or not applicant.email:  # None: a walk-in applicant without an account
        return
    send_email(applicant.email, f"Hồ sơ {application.code}: đính chính kết quả", "result_corrected",
               applicant_name=application.applicant_full_name, code=application.code,
               service_name=application.service_version.name, unit_name=application.unit.name,
               unit_phone=application.unit.phone, application_url=_application_url(application),
               online_level=application.service_version.online_level, reason=reason,
               old_number=old.number, new_number=new.number, new_code=new.code)

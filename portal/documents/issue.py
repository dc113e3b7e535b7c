"""Issuing a document: number it, render it once, sign it, store the bytes. Downloads always return those
bytes; nothing is rendered again for an issued document."""
from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
from datetime import date

from flask import current_app
from sqlalchemy import select

from ..i18n import N_
from .. import storage
from ..extensions import db
from ..models import AuditLog, Document
from ..operations import Invalid
from ..operations.counters import current_value, next_value
from ..timeutil import to_vn, utcnow
from . import contexts
from .keys import signer_store
from .pki import PkiError
from .render import render_pdf, template_exists
from .signing import sign_pdf
from .kinds import TITLES

log = logging.getLogger(__name__)

KINDS = ("receipt", "supplement_request", "refusal", "apology", "stop_notice", "control_sheet", "register",
         "result", "denial", "payment_receipt")
# Abbreviations in the number "12/2026/TNHS" (Decree 30/2020: number / year / kind abbreviation).
NUMBER_SUFFIX = {
    "receipt": "TNHS", "supplement_request": "YCBS", "refusal": "TCHS", "apology": "XLHS", "stop_notice": "TB-DGQ",
    "control_sheet": "KSHS", "register": "STD", "result": "KQ", "denial": "TB-KGQ", "payment_receipt": "BL",
}
DESK_KINDS = ("receipt", "supplement_request", "refusal", "payment_receipt")
# No 0/O or 1/I/L: people type the code from paper. 16 symbols of 30 = 78 bits, not guessable.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def normalize_code(code: str) -> str:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))


def verification_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{code}"


def result_template(application) -> tuple[str, str]:
    """The service version's result template, or the generic result when no template of that name ships."""
    definition = (application.service_version.definition or {}) if application.service_version else {}
    result = definition.get("result") or {}
    name = result.get("template") or ""
    title = result.get("title") or TITLES["result"]
    return (name if template_exists(name) else "generic_result"), title


def _issuing_unit(application, actor, unit):
    if unit is not None:
        return unit
    # The one who signs issues it: after `approve` at the district the application is about to go back to
    # the commune desk, but the district decided.
    if actor is not None and getattr(actor, "kind", None) == "staff" and actor.unit is not None:
        return actor.unit
    return application.current_unit


def number_scope(unit, kind: str, day: date) -> str:
    """The counter of one unit's documents of one kind in one year."""
    return f"doc:{unit.id}:{kind}:{day.year}"


def format_number(value: int, kind: str, day: date) -> str:
    return f"{value:02d}/{day.year}/{NUMBER_SUFFIX.get(kind, kind.upper())}"


def sign_for_unit(pdf: bytes, unit, *, reason: str) -> tuple[bytes, bool]:
    """Signs with the unit's key. Without one the document is issued unsigned (and says so on the
    verification page) unless DOCUMENTS_REQUIRE_SIGNATURE is set, as it should be in production."""
    try:
        signer = signer_store().signer_for(unit.slug)
    except PkiError:
        if current_app.config.get("DOCUMENTS_REQUIRE_SIGNATURE"):
            raise
        log.warning("no signing key for unit %s: document issued unsigned", unit.slug)
        return pdf, False
    return sign_pdf(pdf, signer, reason=reason, location=unit.short_name or unit.name), True


def issue_document(application, kind: str, *, actor, template: str | None = None, extra: dict | None = None,
                   unit=None, title: str | None = None) -> Document:
    """Numbers, renders, signs and stores one document of `kind` for `application`; supersedes the
    application's earlier live document of the same kind. Adds the row (flushed, not committed)."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    template = template or kind
    if not template_exists(template):
        raise LookupError(f"no document template named {template!r}")
    unit = _issuing_unit(application, actor, unit)
    now = utcnow()
    today = to_vn(now).date()
    title = title or TITLES[kind]
    code = new_verification_code()
    while db.session.execute(select(Document.id).where(Document.code == code)).first() is not None:
        code = new_verification_code()  # practically never: 78 random bits
    # A letter of the agency may be signed by someone other than who acted (form 05: the head of the agency).
    signer = (extra or {}).get("signer") or contexts.signer_context(actor)
    context = {
        "title": title,
        "date": today,
        "unit": contexts.unit_context(unit, desk=kind in DESK_KINDS),
        "signer": signer,
        "verification": {"code": code, "url": verification_url(code)},
        "application": contexts.application_context(application),
        "decision": {"text": "", "note": ""},
    }
    context.update(extra or {})
    number, pdf, signed = _numbered_pdf(template, context, unit, kind, today)
    stored_name = storage.save("documents", pdf, ".pdf")
    previous = [d for d in application.documents
                if d.kind == kind and d.revoked_at is None and d.superseded_by_id is None]
    document = Document(
        code=code, kind=kind, number=number, title=title, application=application, unit_id=unit.id,
        holder_name=context["application"]["applicant"]["name"], signer_name=signer["name"],
        signer_title=signer["title"], stored_name=stored_name, sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf), signed=signed, issued_at=now, issued_by_id=actor.id if actor is not None else None,
        revoked_reason="", details={"template": template})
    db.session.add(document)
    db.session.flush()
    for old in previous:
        old.superseded_by_id = document.id
    return document


def _numbered_pdf(template, context, unit, kind, day) -> tuple[str, bytes, bool]:
    """The number, the signed PDF that prints it, and whether it is signed.

    Rendering and signing take most of the time of an issue, and the counter's row lock, once taken, is held
    until the transaction ends: every other issue of that unit, kind and year waits for it. So the PDF is
    made first with the number the counter will most likely give, then the number is taken; only when a
    concurrent issue took that one meanwhile is the PDF made again, with the number actually given."""
    scope = number_scope(unit, kind, day)
    expected = current_value(scope) + 1
    pdf, signed = _signed_pdf(template, {**context, "number": format_number(expected, kind, day)}, unit)
    value = next_value(scope)
    number = format_number(value, kind, day)
    if value != expected:
        pdf, signed = _signed_pdf(template, {**context, "number": number}, unit)
    return number, pdf, signed


def _signed_pdf(template, context, unit) -> tuple[bytes, bool]:
    return sign_for_unit(render_pdf(template, context), unit, reason=context["title"])


def read_document(document: Document) -> bytes:
    """The stored bytes, exactly as issued."""
    return storage.read("documents", document.stored_name)


def revoke_document(document: Document, actor, reason: str) -> Document:
    """Marks the document revoked (it stays verifiable, as revoked). The caller checks the permission and
    commits."""
    reason = unicodedata.normalize("NFC", (reason or "").strip())
    if not reason:
        message = "Vui lòng nhập lý do thu hồi văn bản."
        raise Invalid(message, errors={"reason": [message]})
    if len(reason) > 2000:
        message = "Lý do thu hồi không quá 2000 ký tự."
        raise Invalid(message, errors={"reason": [message]})
    if document.revoked_at is not None:
        raise Invalid(N_("Văn bản này đã bị thu hồi."), code="already_revoked")
    document.revoked_at = utcnow()
    document.revoked_reason = reason
    document.revoked_by_id = actor.id
    db.session.add(AuditLog(actor_id=actor.id, action="document.revoke", target=f"document:{document.id}",
                            details={"code": document.code, "number": document.number, "reason": reason}))
    db.session.flush()
    return document

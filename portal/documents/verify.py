"""Public verification of an issued document by its code: what it is, who issued it, whether the stored
file is the one issued and its signature holds, and whether it has been revoked or superseded."""
from __future__ import annotations

import hashlib
import threading
import time

from sqlalchemy import select

from ..extensions import db
from ..models import Document
from ..formatting import vn_datetime
from ..timeutil import to_vn
from .issue import TITLES, normalize_code, read_document
from .keys import trust_roots
from .signing import INVALID, SignatureCheck, validate_pdf

KIND_LABELS = dict(TITLES, result="Kết quả giải quyết thủ tục hành chính")
_CACHE_SECONDS = 300
_cache: dict[tuple[int, str], tuple[float, SignatureCheck]] = {}
_cache_lock = threading.Lock()


def mask_name(name: str) -> str:
    """"Nguyễn Văn An" -> "Nguyễn V** A*": enough to recognise one's own paper, not to learn a stranger's."""
    words = (name or "").split()
    if not words:
        return ""
    return " ".join([words[0], *(w[0] + "*" * (len(w) - 1) for w in words[1:])])


def find_by_code(code: str) -> Document | None:
    normalized = normalize_code(code)
    if not normalized or len(normalized) > 40:
        return None
    return db.session.execute(select(Document).where(Document.code == normalized)).scalar_one_or_none()


def signature_check(document: Document) -> SignatureCheck:
    """The stored file against the SHA-256 recorded at issue, then its signature against the trust roots.
    Validation costs tens of milliseconds, so a result is reused for a few minutes."""
    key = (document.id, document.sha256)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    try:
        pdf = read_document(document)
    except OSError:
        return SignatureCheck(INVALID, detail="stored file missing")
    if hashlib.sha256(pdf).hexdigest() != document.sha256:
        check = SignatureCheck(INVALID, detail="stored file differs from the issued one")
    else:
        check = validate_pdf(pdf, trust_roots())
    with _cache_lock:
        if len(_cache) > 2048:
            _cache.clear()
        _cache[key] = (now, check)
    return check


def verification(document: Document) -> dict:
    """What the page and the API show. The holder's name is masked; nothing else personal is shown."""
    check = signature_check(document)
    successor = db.session.get(Document, document.superseded_by_id) if document.superseded_by_id else None
    if document.revoked_at is not None:
        state = "revoked"
    elif successor is not None:
        state = "superseded"
    else:
        state = "active"
    return {
        "code": document.code,
        "kind": document.kind,
        "kind_label": document.title or KIND_LABELS.get(document.kind, document.kind),
        "number": document.number,
        "unit": document.unit.name if document.unit else "",
        "issued_at": to_vn(document.issued_at).isoformat() if document.issued_at else None,
        "issued_date": document.document_date or (to_vn(document.issued_at).date() if document.issued_at else None),
        "holder": mask_name(document.holder_name),
        "sha256": document.sha256,
        "size": document.size,
        "signature": dict(check.as_dict(), signed_at_local=vn_datetime(check.signed_at)),
        "state": state,
        "revoked": document.revoked_at is not None,
        "revoked_at": to_vn(document.revoked_at).isoformat() if document.revoked_at else None,
        "revoked_reason": document.revoked_reason if document.revoked_at is not None else "",
        "superseded": successor is not None,
        # "scan": a digitised copy of a result issued on paper or by another system, not signed by the portal.
        "source": document.source,
        "digitised": document.source == "scan",
        "document_date": document.document_date.isoformat() if document.document_date else None,
        "digitised_at": to_vn(document.digitised_at).isoformat() if document.digitised_at else None,
        "superseded_by": ({"code": successor.code, "number": successor.number}
                          if successor is not None else None),
    }

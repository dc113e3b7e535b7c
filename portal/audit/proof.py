"""A signed proof of one application's history: the chain of its events as JSON, signed with the key of
the unit that holds the application (the key that signs its documents, portal/documents/pki.py).

Anyone holding the proof and the trust roots can check, without the database, that the unit vouched for
exactly these events in this order (`verify_proof`): the signature over the canonical JSON of the payload,
the certificate against the roots, and every event's hash and link."""
from __future__ import annotations

import base64
import json

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import Encoding
import sqlalchemy as sa

from ..i18n import N_
from ..documents.keys import signer_store, trust_roots
from ..documents.pki import PkiError
from ..extensions import db
from ..models import Event, Unit
from ..operations import Conflict
from ..timeutil import utcnow
from .chain import EVENT_FIELDS, GENESIS, plain, canonical, event_hash

FORMAT = "dvc-portal/history-proof/1"


def _event_out(row) -> dict:
    item = {"id": row.id, "chain_seq": row.chain_seq, "prev_hash": row.prev_hash, "row_hash": row.row_hash}
    item.update({name: plain(getattr(row, name)) for name in EVENT_FIELDS})
    return item


def build_proof(application) -> dict:
    """The signed proof; Conflict when the unit has no signing key."""
    unit = db.session.get(Unit, application.current_unit_id)
    try:
        signer = signer_store().signer_for(unit.slug)
    except PkiError:
        raise Conflict(N_("Đơn vị đang giữ hồ sơ chưa có khóa ký số: chưa xuất được bằng chứng lịch sử."),
                       code="no_signing_key") from None
    rows = db.session.execute(sa.select(Event.__table__).where(Event.application_id == application.id)
                              .order_by(Event.id)).all()
    payload = {"format": FORMAT, "application": {"id": application.id, "code": application.code},
               "unit": {"slug": unit.slug, "name": unit.name}, "issued_at": plain(utcnow()),
               "events": [_event_out(row) for row in rows]}
    cert = signer.signing_cert
    signature = signer.sign_raw(canonical(payload), "sha256")
    return {"payload": payload, "signature": {
        "algorithm": f"sha256-{cert.public_key.algorithm}",
        "value": base64.b64encode(signature).decode(),
        "certificate": _pem(cert.dump()),
        "chain": [_pem(extra.dump()) for extra in signer.cert_registry if extra.dump() != cert.dump()]}}


def _pem(der: bytes) -> str:
    return x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM).decode()


# -- checking a proof ---------------------------------------------------------------------------------------

def verify_proof(proof: dict, roots=None) -> list[str]:
    """What is wrong with the proof; empty when the signature, the certificate and the chain all hold.
    `roots`: cryptography certificates (default: the portal's trust roots)."""
    try:
        payload, signature = proof["payload"], proof["signature"]
        cert = x509.load_pem_x509_certificate(signature["certificate"].encode())
        chain = [x509.load_pem_x509_certificate(pem.encode()) for pem in signature.get("chain", [])]
        value = base64.b64decode(signature["value"], validate=True)
    except (KeyError, TypeError, ValueError) as error:
        return [f"not a history proof: {error}"]
    problems = []
    if not _signature_holds(cert, value, canonical(payload)):
        problems.append("the signature does not match the content (the proof was changed after signing)")
    if roots is None:
        roots = [x509.load_der_x509_certificate(root.dump()) for root in trust_roots()]
    if not _issued_by_a_root(cert, chain, roots):
        problems.append("the certificate is not issued by a trusted root")
    problems.extend(_chain_problems(payload.get("events", [])))
    return problems


def _signature_holds(cert, value: bytes, data: bytes) -> bool:
    key = cert.public_key()
    try:
        if isinstance(key, EllipticCurvePublicKey):
            key.verify(value, data, ECDSA(hashes.SHA256()))
        else:
            key.verify(value, data, PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _issued_by_a_root(cert, chain, roots, depth: int = 0) -> bool:
    for root in roots:
        if cert == root:
            return True
        try:
            cert.verify_directly_issued_by(root)
            return True
        except (ValueError, TypeError, InvalidSignature):
            continue
    if depth >= 3:
        return False
    for issuer in chain:
        try:
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            continue
        if _issued_by_a_root(issuer, chain, roots, depth + 1):
            return True
    return False


def _chain_problems(events: list[dict]) -> list[str]:
    problems, previous = [], GENESIS
    for place, item in enumerate(events, start=1):
        if item.get("chain_seq") != place or item.get("prev_hash") != previous:
            problems.append(f"event {item.get('id')}: not linked to the event before it")
        if event_hash(item) != item.get("row_hash"):
            problems.append(f"event {item.get('id')}: content does not match its hash")
        previous = item.get("row_hash")
    return problems


def dumps(proof: dict) -> str:
    return json.dumps(proof, ensure_ascii=False, indent=1, sort_keys=True)

"""PAdES signatures on issued PDFs (Decree 45/2020: an electronic result carries the issuing unit's
digital signature), and checking them against the configured trust roots."""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ..i18n import N_

log = logging.getLogger(__name__)

FIELD_NAME = "ChuKySo"
VALID, INVALID, UNTRUSTED, UNSIGNED = "valid", "invalid", "untrusted", "unsigned"
# Translated where shown (public/verify.html |translated); the API keeps the Vietnamese label.
STATUS_LABELS = {
    VALID: N_("Chữ ký số hợp lệ"),
    INVALID: N_("Chữ ký số không hợp lệ: văn bản đã bị thay đổi sau khi ký"),
    UNTRUSTED: N_("Chữ ký số đúng nhưng chứng thư số không thuộc tổ chức được tin cậy"),
    UNSIGNED: N_("Văn bản không có chữ ký số"),
}


class UnitSigner(signers.SimpleSigner):
    """A SimpleSigner that parses its private key once.

    pyHanko's SimpleSigner decodes the key from DER on every signature, and sizes the signature container by
    signing a dummy first; for RSA the key check alone costs tens of milliseconds. Keeping the parsed key
    and a fixed container size makes a signature cost one RSA operation and the PDF write."""

    def __init__(self, signing_cert, signing_key, cert_registry, **kwargs):
        super().__init__(signing_cert, signing_key, cert_registry, **kwargs)
        self._private_key = serialization.load_der_private_key(signing_key.dump(), password=None)
        certs = [signing_cert, *cert_registry]
        # The CMS container holds the certificates, the signature and the signed attributes; pyHanko's own
        # estimate adds half again as margin, so do we.
        estimate = sum(len(cert.dump()) for cert in certs) + 2 * self._private_key_size() + 2048
        self.bytes_reserved = ((estimate * 3 // 2) // 1024 + 1) * 1024

    @classmethod
    def wrap(cls, signer: signers.SimpleSigner) -> "UnitSigner":
        return cls(signer.signing_cert, signer.signing_key, signer.cert_registry)

    def _private_key_size(self) -> int:
        return (getattr(self._private_key, "key_size", 4096) + 7) // 8

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._private_key, RSAPrivateKey):
            return self._private_key.sign(data, PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(self._private_key, EllipticCurvePrivateKey):
            return self._private_key.sign(data, ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)


def sign_pdf(pdf: bytes, signer: signers.Signer, *, reason: str = "", location: str = "",
             name: str | None = None) -> bytes:
    """The PDF with one PAdES B-B signature appended as an incremental update (the rendered bytes stay as
    they are, so the signature covers exactly what was rendered)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason or None, location=location or None, name=name)

    def sign():
        return signers.PdfSigner(meta, signer=signer).sign_pdf(
            writer, output=BytesIO(), bytes_reserved=getattr(signer, "bytes_reserved", None)).getvalue()
    return _outside_event_loop(sign)


def _outside_event_loop(func):
    """pyHanko's synchronous API starts an event loop of its own, which fails in a thread that already runs
    one (an async server, a browser-test driver): there it runs in a short-lived worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func).result()


@dataclass(frozen=True)
class SignatureCheck:
    status: str  # valid | invalid | untrusted | unsigned
    signer: str = ""  # common name of the signing certificate
    signed_at: datetime | None = None
    detail: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict:
        return {"status": self.status, "label": self.label, "signer": self.signer,
                "signed_at": self.signed_at.isoformat() if self.signed_at else None}


def _common_name(cert) -> str:
    try:
        return cert.subject.native.get("common_name", "") or cert.subject.human_friendly
    except Exception:  # an odd subject must not stop the verification page
        return ""


def validate_pdf(pdf: bytes, trust_roots) -> SignatureCheck:
    """Checks the last signature of `pdf`: intact and covering the whole file (valid), intact but chaining
    to no configured root (untrusted), or broken, changed after signing or unreadable (invalid)."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:  # a damaged file is a failed check, not an error page
        return SignatureCheck(INVALID, detail=f"unreadable PDF: {exc.__class__.__name__}")
    if not embedded:
        return SignatureCheck(UNSIGNED)
    sig = embedded[-1]
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(sig, context))
    except Exception as exc:
        log.info("signature validation failed: %s", exc)
        return SignatureCheck(INVALID, detail=f"{exc.__class__.__name__}: {exc}")
    signer = _common_name(status.signing_cert) if status.signing_cert is not None else ""
    signed_at = status.signer_reported_dt
    if not (status.intact and status.valid):
        return SignatureCheck(INVALID, signer, signed_at, "digest or signature mismatch")
    # Anything appended after the signature (a changed page, a new annotation) is not covered by it.
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureCheck(INVALID, signer, signed_at, f"coverage {status.coverage.name}")
    if not status.trusted:
        return SignatureCheck(UNTRUSTED, signer, signed_at, str(status.trust_problem_indic or ""))
    return SignatureCheck(VALID, signer, signed_at)

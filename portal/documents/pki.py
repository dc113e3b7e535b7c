"""Keys and certificates that sign issued documents, one per unit, and the roots their signatures are checked
against.

Development: `flask --app portal pki init-dev` makes a local CA and a certificate per unit under PKI_DIR
(outside the repository). Production: one PKCS#12 file per unit, `PKI_P12_PATHS="unit-slug=/path.p12;…"`
with `PKI_P12_PASSWORD`, and the roots in `PKI_TRUST_ROOTS` (PEM or DER files separated by ";").
Parsing a key costs more than signing a document, so signers are kept per unit once loaded.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.sign.signers import SimpleSigner

from .signing import UnitSigner

CA_NAME = "DVC Portal Development CA"
DEV_ORG = "Cổng dịch vụ công (môi trường phát triển)"


class PkiError(RuntimeError):
    """No usable key or certificate for a unit, or a bad PKI setting."""


@dataclass(frozen=True)
class UnitIdentity:
    slug: str
    name: str  # printed as the signer in the certificate's common name


def parse_p12_paths(setting: str) -> dict[str, Path]:
    """"tam-hong=/etc/dvc/tam-hong.p12;yen-lac=/etc/dvc/yen-lac.p12" -> {slug: path}."""
    result = {}
    for item in (setting or "").split(";"):
        item = item.strip()
        if not item:
            continue
        slug, sep, path = item.partition("=")
        if not sep or not slug.strip() or not path.strip():
            raise PkiError(f"PKI_P12_PATHS: expected 'unit-slug=/path.p12', got {item!r}")
        result[slug.strip()] = Path(path.strip())
    return result


def _write_private(path: Path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORG),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def dev_paths(pki_dir) -> dict[str, Path]:
    base = Path(pki_dir)
    return {"ca_cert": base / "ca.pem", "ca_key": base / "ca.key.pem", "units": base / "units"}


def init_dev(pki_dir, units: list[UnitIdentity], *, years: int = 10) -> dict:
    """Creates the development CA (once) and a signing certificate for every unit that has none.

    Returns {"ca": path, "created": [slugs], "kept": [slugs]}. Running it again changes nothing that exists,
    so documents already signed stay valid."""
    paths = dev_paths(pki_dir)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    if paths["ca_cert"].exists() and paths["ca_key"].exists():
        ca_key = serialization.load_pem_private_key(paths["ca_key"].read_bytes(), password=None)
        ca_cert = x509.load_pem_x509_certificate(paths["ca_cert"].read_bytes())
    else:
        ca_key = _new_key()
        ca_name = _name(CA_NAME)
        ca_cert = (
            x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
            .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=365 * (years + 5)))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         key_cert_sign=True, crl_sign=True, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        _write_private(paths["ca_key"], _key_pem(ca_key))
        paths["ca_cert"].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))

    created, kept = [], []
    for unit in units:
        cert_path, key_path = paths["units"] / f"{unit.slug}.pem", paths["units"] / f"{unit.slug}.key.pem"
        if cert_path.exists() and key_path.exists():
            kept.append(unit.slug)
            continue
        key = _new_key()
        cert = (
            x509.CertificateBuilder().subject_name(_name(unit.name)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         key_cert_sign=False, crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        _write_private(key_path, _key_pem(key))
        cert_path.parent.mkdir(parents=True, exist_ok=True)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        created.append(unit.slug)
    return {"ca": paths["ca_cert"], "created": created, "kept": kept}


def load_trust_roots(setting: str, pki_dir=None) -> list[asn1_x509.Certificate]:
    """The configured roots; without a setting, the development CA if one has been made."""
    files = [Path(p.strip()) for p in (setting or "").split(";") if p.strip()]
    if not files and pki_dir is not None and dev_paths(pki_dir)["ca_cert"].exists():
        files = [dev_paths(pki_dir)["ca_cert"]]
    roots = []
    for path in files:
        if not path.is_file():
            raise PkiError(f"PKI_TRUST_ROOTS: no file {path}")
        roots.extend(load_certs_from_pemder_data(path.read_bytes()))
    return roots


class SignerStore:
    """Signers by unit slug, parsed once. PKCS#12 files win over the development folder."""

    def __init__(self, *, pki_dir=None, p12_paths: str = "", p12_password: str = ""):
        self.pki_dir = Path(pki_dir) if pki_dir else None
        self.p12_paths = parse_p12_paths(p12_paths)
        self.p12_password = p12_password.encode() if p12_password else None
        self._signers: dict[str, UnitSigner] = {}
        self._lock = threading.Lock()

    def signer_for(self, unit_slug: str) -> UnitSigner:
        signer = self._signers.get(unit_slug)
        if signer is None:
            with self._lock:
                signer = self._signers.get(unit_slug) or self._load(unit_slug)
                self._signers[unit_slug] = signer
        return signer

    def has_signer(self, unit_slug: str) -> bool:
        try:
            self.signer_for(unit_slug)
        except PkiError:
            return False
        return True

    def _load(self, slug: str) -> SimpleSigner:
        if slug in self.p12_paths:
            path = self.p12_paths[slug]
            if not path.is_file():
                raise PkiError(f"PKCS#12 file for unit {slug!r} not found: {path}")
            signer = SimpleSigner.load_pkcs12(str(path), passphrase=self.p12_password)
            if signer is None:
                raise PkiError(f"could not open the PKCS#12 file of unit {slug!r} (wrong password?)")
            return UnitSigner.wrap(signer)
        if self.pki_dir is not None:
            paths = dev_paths(self.pki_dir)
            cert, key = paths["units"] / f"{slug}.pem", paths["units"] / f"{slug}.key.pem"
            if cert.exists() and key.exists():
                signer = SimpleSigner.load(str(key), str(cert), ca_chain_files=(str(paths["ca_cert"]),))
                if signer is None:
                    raise PkiError(f"could not load the development key of unit {slug!r}")
                return UnitSigner.wrap(signer)
        raise PkiError(f"no signing key configured for unit {slug!r} "
                       "(run `flask --app portal pki init-dev` or set PKI_P12_PATHS)")

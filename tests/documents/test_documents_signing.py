"""PAdES signatures by the unit's certificate, checked against the trust roots."""
import re
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pypdf import PdfReader

from portal.documents.pki import (PkiError, SignerStore, UnitIdentity, init_dev, load_trust_roots,
                                  parse_p12_paths)
from portal.documents.render import render_pdf
from portal.documents.samples import sample_context
from portal.documents.signing import INVALID, UNSIGNED, UNTRUSTED, VALID, sign_pdf, validate_pdf

from .conftest import pdf_text


@pytest.fixture(scope="module")
def unsigned_pdf():
    return render_pdf("generic_result", sample_context("generic_result"))


@pytest.fixture(scope="module")
def signed(dev_pki, unsigned_pdf):
    signer = SignerStore(pki_dir=dev_pki).signer_for("tam-hong")
    return sign_pdf(unsigned_pdf, signer, reason="Cấp kết quả", location="Tam Hồng")


def test_signature_validates_against_the_development_ca(dev_pki, signed):
    check = validate_pdf(signed, load_trust_roots("", dev_pki))
    assert check.status == VALID
    assert check.signer == "Ủy ban nhân dân xã Tam Hồng"
    assert check.signed_at is not None
    # Signing appends an incremental update: the rendered document is untouched and still reads the same.
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pdf_text(signed)


def test_one_changed_byte_inside_the_signed_range_invalidates(dev_pki, signed):
    start, length = map(int, re.search(rb"/ByteRange \[\s*(\d+)\s+(\d+)", signed).groups())
    producer = signed.index(b"WeasyPrint")
    assert start <= producer < start + length
    tampered = bytearray(signed)
    tampered[producer] = ord("w")
    assert PdfReader(BytesIO(bytes(tampered))).metadata["/Producer"].startswith("weasyPrint")
    check = validate_pdf(bytes(tampered), load_trust_roots("", dev_pki))
    assert check.status == INVALID


def test_appended_content_is_not_covered(dev_pki, signed):
    check = validate_pdf(signed + b"\n% added later\n", load_trust_roots("", dev_pki))
    assert check.status == INVALID


def test_unknown_root_is_untrusted_and_unsigned_is_unsigned(tmp_path, signed, unsigned_pdf):
    other = tmp_path / "other"
    init_dev(other, [])
    assert validate_pdf(signed, load_trust_roots(str(other / "ca.pem"))).status == UNTRUSTED
    assert validate_pdf(signed, []).status == UNTRUSTED
    assert validate_pdf(unsigned_pdf, []).status == UNSIGNED
    assert validate_pdf(b"not a pdf", []).status == INVALID


def test_init_dev_is_idempotent_and_keeps_keys_private(dev_pki):
    before = (dev_pki / "units" / "tam-hong.pem").read_bytes()
    result = init_dev(dev_pki, [UnitIdentity("tam-hong", "x"),
                                UnitIdentity("dong-van", "Ủy ban nhân dân xã Đồng Văn")])
    assert result["kept"] == ["tam-hong"] and result["created"] == ["dong-van"]
    assert (dev_pki / "units" / "tam-hong.pem").read_bytes() == before
    assert (dev_pki / "units" / "dong-van.key.pem").stat().st_mode & 0o077 == 0
    assert (dev_pki / "ca.key.pem").stat().st_mode & 0o077 == 0


def test_signer_is_parsed_once_per_unit(dev_pki):
    store = SignerStore(pki_dir=dev_pki)
    assert store.signer_for("tam-hong") is store.signer_for("tam-hong")
    assert store.has_signer("yen-lac") and not store.has_signer("khong-co")
    with pytest.raises(PkiError):
        store.signer_for("khong-co")


def test_production_pkcs12_per_unit(dev_pki, tmp_path, unsigned_pdf):
    key = serialization.load_pem_private_key((dev_pki / "units" / "yen-lac.key.pem").read_bytes(), None)
    cert = x509.load_pem_x509_certificate((dev_pki / "units" / "yen-lac.pem").read_bytes())
    ca = x509.load_pem_x509_certificate((dev_pki / "ca.pem").read_bytes())
    p12 = tmp_path / "yen-lac.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"yen-lac", key, cert, [ca], serialization.BestAvailableEncryption(b"mat-khau")))
    store = SignerStore(p12_paths=f"yen-lac={p12}", p12_password="mat-khau")
    signed = sign_pdf(unsigned_pdf, store.signer_for("yen-lac"))
    check = validate_pdf(signed, load_trust_roots(str(dev_pki / "ca.pem")))
    assert (check.status, check.signer) == (VALID, "Ủy ban nhân dân huyện Yên Lạc")
    with pytest.raises(PkiError):
        SignerStore(p12_paths=f"yen-lac={p12}", p12_password="sai").signer_for("yen-lac")


def test_p12_paths_setting_is_parsed_strictly(tmp_path):
    assert parse_p12_paths(" a=/x/a.p12; b = /y/b.p12 ;") == {"a": Path("/x/a.p12"), "b": Path("/y/b.p12")}
    with pytest.raises(PkiError):
        parse_p12_paths("tam-hong")
    with pytest.raises(PkiError):
        load_trust_roots(str(tmp_path / "missing.pem"))

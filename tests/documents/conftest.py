"""Helpers of the documents tests: read a PDF back as text (poppler's pdftotext), make a development PKI once."""
import subprocess
import unicodedata

import pytest


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, NFC-normalised, with runs of white space folded (layout may wrap lines)."""
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    text = unicodedata.normalize("NFC", out.stdout.decode("utf-8"))
    return " ".join(text.split())


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory):
    from portal.documents.pki import UnitIdentity, init_dev
    pki_dir = tmp_path_factory.mktemp("pki")
    init_dev(pki_dir, [UnitIdentity("tam-hong", "Ủy ban nhân dân xã Tam Hồng"),
                       UnitIdentity("yen-lac", "Ủy ban nhân dân huyện Yên Lạc")])
    return pki_dir

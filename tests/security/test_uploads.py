"""Uploads: a file is refused when a browser or a PDF reader could run something in it (HTML or SVG markup
anywhere in its bytes, JavaScript, automatic or launch actions and embedded files in a PDF), when it does
not parse, or when it is an image too large to decode safely; file names lose invisible characters; staff
always get attachments as downloads."""
import io
import struct
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from portal.operations import UnsupportedMedia
from portal.storage import check_upload, clean_filename
from tests.factories import api_token, login, make_application, pdf_bytes, png_bytes


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    return writer


def pdf_with_open_action_javascript() -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    return _written(writer)


def pdf_with_document_javascript() -> bytes:
    writer = _blank()
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert(1)")})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): DictionaryObject({
        NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(action)])})})
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _blank()
    writer.add_attachment("run.exe", b"MZ\x90\x00")
    return _written(writer)


def pdf_with_launch_action_on_the_page() -> bytes:
    writer = _blank()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})})
    return _written(writer)


def pdf_with_hex_escaped_javascript() -> bytes:
    """/J#61vaScript is /JavaScript to every PDF reader; a byte search would miss it."""
    return pdf_bytes().replace(b"<< /Type /Catalog /Pages 2 0 R >>",
                               b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (x) >> >>")


def png_of_size(width: int, height: int) -> bytes:
    """A PNG whose header says width × height: a few hundred bytes, nothing decodable behind it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


REFUSED = {
    "open-action-javascript": pdf_with_open_action_javascript,
    "document-javascript": pdf_with_document_javascript,
    "embedded-file": pdf_with_embedded_file,
    "launch-action": pdf_with_launch_action_on_the_page,
    "hex-escaped-javascript": pdf_with_hex_escaped_javascript,
    "pdf-html-polyglot": lambda: pdf_bytes() + b"\n<html><body><script>alert(document.cookie)</script></body></html>",
    "svg-with-pdf-header": lambda: b"%PDF-1.4\n<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
    "png-with-html": lambda: png_bytes() + b"<script>alert(1)</script>",
    "broken-pdf": lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    "20000x20000-png": lambda: png_of_size(20000, 20000),
    "8000x8000-png": lambda: png_of_size(8000, 8000),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_files_are_refused(app, name):
    with app.test_request_context():
        with pytest.raises(UnsupportedMedia) as refused:
            check_upload(io.BytesIO(REFUSED[name]()), f"{name}.pdf")
    assert refused.value.status == 415


@pytest.mark.parametrize("data", [pdf_bytes(), png_bytes(), png_of_size(6000, 8000), _written(_blank())],
                         ids=["pdf", "png", "48-megapixel-png", "pypdf-written-pdf"])
def test_ordinary_files_are_accepted(app, data):
    with app.test_request_context():
        assert check_upload(io.BytesIO(data), "giay-to.pdf").data == data


def test_an_active_pdf_is_refused_through_the_api(client, db, demo):
    application = make_application(db, demo.citizen, submit=False)
    key = application.attachments[0].document_key
    headers = api_token(client, "citizen@demo.vn")
    response = client.post(f"/api/v1/applications/{application.id}/attachments", headers=headers,
                           data={"document": key, "file": (io.BytesIO(pdf_with_open_action_javascript()), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 415 and response.mimetype == "application/problem+json"
    assert "tự chạy" in response.get_json()["detail"]
    assert len(application.attachments) == len(db.session.get(type(application), application.id).attachments)


@pytest.mark.parametrize("sent, kept", [
    ("ho-so\u202efdp.exe", "ho-sofdp.exe"), ("C:\\Users\\x\\giấy\u200b tờ.pdf", "giấy tờ.pdf"),
    ("\u2067bản sao\u2069.pdf", "bản sao.pdf"), ("a\x07b.pdf", "ab.pdf"), ("\u202e\u200b", "tep-dinh-kem")])
def test_file_names_lose_invisible_characters(sent, kept):
    assert clean_filename(sent) == kept


def test_staff_always_download_attachments(client, db, demo):
    application = make_application(db, demo.citizen)
    login(client, "receiver.tam-hong@demo.vn")
    attachment = application.attachments[0]
    with client.get(f"/can-bo/ho-so/{application.id}/tep/{attachment.id}") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"

"""What an uploaded file must not be, beyond its type (portal/storage.py checks the type by its first bytes):

- markup: a file whose bytes contain HTML or SVG ("%PDF-" followed by `<svg onload=…>`, a PDF/HTML polyglot)
  is something a browser may render as a page, whatever its first bytes say;
- an active PDF: JavaScript, actions run on opening or on page events, launching programs, embedded files;
  and a PDF that does not parse at all;
- an image too large to open safely: over MAX_IMAGE_PIXELS pixels (a 20000×20000 PNG is a few kilobytes and
  1.6 GB once decoded). The size is read from the header, nothing is decoded.
"""
import io
import re
import warnings

from flask import current_app
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .i18n import N_
from .operations import UnsupportedMedia

# Tags long enough not to turn up by chance in compressed image or PDF bytes (a 3-byte "<a " would).
MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|style|meta)[\s>/]",
                    re.IGNORECASE)
# Names whose presence anywhere in the document makes it active (ISO 32000-1 §12.6, §7.11.4).
ACTIVE_PDF_NAMES = {"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia",
                    "/XFA", "/SubmitForm", "/ImportData"}
MAX_PDF_OBJECTS = 200_000  # a walk that long is itself a sign of a hostile file

# Vietnamese constants, translated where they are shown (`translated`); the API answers with them as they are.
MARKUP_FOUND = N_("Tệp chứa mã trang web (HTML/SVG), không được chấp nhận.")
ACTIVE_PDF = N_("Tệp PDF chứa nội dung tự chạy (JavaScript, hành động tự động hoặc tệp nhúng), không được chấp "
                "nhận. Vui lòng in ra PDF thường hoặc quét lại tài liệu.")
ENCRYPTED_PDF = N_("Không chấp nhận tệp PDF có mật khẩu.")
BROKEN_PDF = N_("Tệp PDF bị lỗi, không đọc được.")
BROKEN_IMAGE = N_("Không đọc được tệp ảnh.")
IMAGE_TOO_LARGE = N_("Ảnh có quá nhiều điểm ảnh, vui lòng thu nhỏ ảnh (tối đa khoảng 50 triệu điểm ảnh).")


def check_content(data: bytes, mime: str) -> None:
    if MARKUP.search(data):
        raise UnsupportedMedia(MARKUP_FOUND, code="active_content")
    if mime == "application/pdf":
        _check_pdf(data)
    else:
        _check_image(data)


def _check_image(data: bytes) -> None:
    limit = int(current_app.config["MAX_IMAGE_PIXELS"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
        raise UnsupportedMedia(BROKEN_IMAGE, code="bad_image") from exc
    if width * height > limit:
        raise UnsupportedMedia(IMAGE_TOO_LARGE, code="image_too_large")


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnsupportedMedia(ENCRYPTED_PDF, code="encrypted_pdf")
        found = _active_name(reader.trailer) is not None
        len(reader.pages)  # a PDF without a readable page tree is not a document
    except UnsupportedMedia:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise UnsupportedMedia(BROKEN_PDF, code="bad_pdf") from exc
    if found:
        raise UnsupportedMedia(ACTIVE_PDF, code="active_content")


def _active_name(root) -> str | None:
    """The first active name reachable from the trailer (dictionary keys, and name values of /S such as
    /S /JavaScript), walking indirect references once each."""
    seen, stack, walked = set(), [root], 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        walked += 1
        if walked > MAX_PDF_OBJECTS:
            return "/TooManyObjects"
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in ACTIVE_PDF_NAMES:
                    return key
                if key == "/S" and value in ACTIVE_PDF_NAMES:
                    return str(value)
                if key != "/Parent":
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None

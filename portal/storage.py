"""Files people upload and documents the portal issues: stored under generated names in the instance
folder (never under static/), and removed again if the transaction that wrote them rolls back."""
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app

from .i18n import N_, pattern
from .extensions import db
from .input_guard import clean_text
from .upload_checks import check_content
from .operations import Invalid, TooLarge, UnsupportedMedia
from .unit_of_work import track_new_file

ALLOWED_UPLOADS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_DIRS = {"uploads": "UPLOAD_DIR", "documents": "DOCUMENT_DIR"}
TOO_LARGE = pattern(N_("Tệp vượt quá dung lượng cho phép (%(size)s MB)."))


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    content_type: str
    filename: str
    sha256: str


def clean_filename(name: str | None) -> str:
    """Keeps only the last path component of what the browser sent, whatever separators it used, without
    control, bidirectional or zero-width characters (a right-to-left override makes "x\u202efdp.exe" look
    like "xexe.pdf")."""
    name = clean_text((name or "").replace("\\", "/").split("/")[-1])
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "tep-dinh-kem"


def check_upload(stream, filename: str | None) -> CheckedUpload:
    limit = int(float(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(TOO_LARGE % {"size": current_app.config["MAX_UPLOAD_MB"]})
    if not data:
        raise Invalid(N_("Tệp rỗng, vui lòng chọn lại tệp."), code="empty_file")
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime not in ALLOWED_UPLOADS:
        raise UnsupportedMedia(N_("Chỉ chấp nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)."))
    check_content(data, mime)
    return CheckedUpload(data, mime, clean_filename(filename), hashlib.sha256(data).hexdigest())


def directory(kind: str) -> Path:
    path = Path(current_app.config[_DIRS[kind]])
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(kind: str, data: bytes, suffix: str) -> str:
    """Writes the bytes under a fresh random name; returns that name."""
    name = secrets.token_hex(16) + suffix
    path = directory(kind) / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    track_new_file(db.session, path)
    return name


def path_of(kind: str, stored_name: str) -> Path:
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("not a stored name")
    return directory(kind) / stored_name


def read(kind: str, stored_name: str) -> bytes:
    return path_of(kind, stored_name).read_bytes()

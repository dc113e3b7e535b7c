"""Validators and filters shared by the portal's forms. Messages are translated when a field is checked,
so they are in the language of the request (Vietnamese outside one)."""
import re
import unicodedata

from flask_babel import gettext as _
from wtforms.validators import ValidationError

MOBILE = re.compile(r"^(?:0|\+84)(3|5|7|8|9)\d{8}$")


def nfc(value):
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else value


def normalize_mobile(value: str) -> str:
    value = re.sub(r"[\s.\-]", "", value or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    return value


def vietnamese_mobile(form, field):
    if field.data and not MOBILE.match(normalize_mobile(field.data)):
        raise ValidationError(_("Số điện thoại di động không hợp lệ (10 chữ số, bắt đầu bằng 03, 05, 07, 08 "
                                "hoặc 09)."))


def national_id(form, field):
    if field.data and not re.fullmatch(r"\d{12}", field.data.strip()):
        raise ValidationError(_("Số định danh cá nhân gồm đúng 12 chữ số."))


def strong_password(form, field):
    value = field.data or ""
    if len(value) < 8 or not re.search(r"[A-Za-z]", value) or not re.search(r"\d", value):
        raise ValidationError(_("Mật khẩu cần ít nhất 8 ký tự, gồm cả chữ và số."))

"""Validators and filters shared by the portal's forms. Messages are translated when a field is checked,
so they are in the language of the request (Vietnamese outside one)."""
import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

MOBILE = re.compile(r"^(?:0|\+84)(3|5|7|8|9)\d{8}$")


def nfc(value):
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else value


def clean_number(value):
    """An identification number typed in groups ("026 199 001 234", "026.199.001.234") as digits only."""
    return re.sub(r"[\s.\-]", "", value) if isinstance(value, str) else value


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
    # [0-9], not \d: Arabic-Indic and other Unicode digits are not an identification number.
    if field.data and not re.fullmatch(r"[0-9]{12}", field.data.strip()):
        raise ValidationError(_("Số định danh cá nhân gồm đúng 12 chữ số."))


def strong_password(form, field):
    from .auth.passwords import password_problem
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(_(problem))


# Extracted for translation: the reasons portal/auth/passwords.py gives.
_PASSWORD_PROBLEMS = (_l("Mật khẩu cần ít nhất 10 ký tự, gồm cả chữ và số."),
                      _l("Mật khẩu này quá phổ biến hoặc dễ đoán, vui lòng chọn mật khẩu khác."))

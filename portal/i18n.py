"""English as the portal's second language: which language a page is in, the English text a catalogue row
carries beside its Vietnamese one, and the Jinja filters the citizen pages use for both.

Vietnamese is the source language of every message (msgid); `portal/translations/en` holds the English.
Texts that other modules keep as plain Vietnamese constants are marked here with `N_` so that
`make translations` extracts them, and pages translate them with the `translated` filter."""
from datetime import date, datetime

from babel.dates import format_date
from flask_babel import get_locale, gettext

from .formatting import vn_date_long
from .timeutil import to_vn


def N_(text: str) -> str:
    """Marks a text for extraction without translating it (it is translated where it is shown)."""
    return text


# Shown through `|translated`: the portal's name (portal/context.py) and the error page's titles and
# details (portal/api/errors.py TITLES and DETAILS). tests/i18n checks that these stay in step.
EXTERNAL_TEXTS = (
    N_("Cổng Dịch vụ công tỉnh Vĩnh Phúc"),
    N_("Lỗi"),
    N_("Yêu cầu không hợp lệ"), N_("Chưa đăng nhập"), N_("Không được phép"), N_("Không tìm thấy"),
    N_("Phương thức không được hỗ trợ"), N_("Xung đột dữ liệu"), N_("Dữ liệu gửi lên quá lớn"),
    N_("Định dạng không được hỗ trợ"), N_("Dữ liệu không hợp lệ"), N_("Quá nhiều yêu cầu"),
    N_("Lỗi hệ thống"),
    N_("Yêu cầu không đúng định dạng."), N_("Cần đăng nhập (Authorization: Bearer <token>)."),
    N_("Bạn không có quyền thực hiện thao tác này."), N_("Không tìm thấy nội dung yêu cầu."),
    N_("Phương thức không được hỗ trợ."), N_("Dữ liệu đã thay đổi."),
    N_("Dữ liệu gửi lên vượt quá dung lượng cho phép."), N_("Định dạng không được hỗ trợ."),
    N_("Dữ liệu không hợp lệ."), N_("Bạn đã gửi quá nhiều yêu cầu, vui lòng thử lại sau."),
    N_("Đã có lỗi xảy ra. Vui lòng thử lại sau."),
)


def current_language() -> str:
    """"en" or "vi" for this request; "vi" outside a request (e-mails, documents, CLI)."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "vi"


def _value(obj, name: str):
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def localized(obj, attr: str = "name", language: str | None = None) -> str:
    """`obj.<attr>_en` when the page is in English and the row has one, else the Vietnamese `obj.<attr>`.
    Works on model rows, definitions and dicts (a service's `result` table)."""
    vietnamese = _value(obj, attr)
    if (language or current_language()) == "en":
        english = _value(obj, attr + "_en")
        if english:
            return english
    return "" if vietnamese is None else vietnamese


def translated(text) -> str:
    """The translation of a Vietnamese text held in a variable. Unlike Jinja's `_()`, the result is not
    marked safe and not %-formatted, so a text carrying user input stays escaped and intact."""
    if not text:
        return "" if text is None else text
    return gettext(str(text))


def long_date(day: date | datetime | None, language: str | None = None) -> str:
    """"ngày 27 tháng 11 năm 2026" in Vietnamese, "27 November 2026" in English (Vietnam's calendar day)."""
    if day is None:
        return ""
    if (language or current_language()) != "en":
        return vn_date_long(day)
    if isinstance(day, datetime):
        day = to_vn(day).date()
    return format_date(day, "d MMMM y", locale="en")


def register(app) -> None:
    """Adds the filters `localized`, `translated` and `long_date`; calling it twice is harmless."""
    app.jinja_env.filters.update(localized=localized, translated=translated, long_date=long_date)

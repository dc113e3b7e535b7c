"""English as the portal's second language: which language a page is in, the English text a catalogue row
carries beside its Vietnamese one, and the Jinja filters the citizen pages use for both.

Vietnamese is the source language of every message (msgid); `portal/translations/en` holds the English.
Texts that other modules keep as plain Vietnamese constants are marked here with `N_` so that
`make translations` extracts them, and pages translate them with the `translated` filter."""
import functools
import re
from datetime import date, datetime

from babel.dates import format_date
from flask import g
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

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
    # The titles of portal.operations' refusals (OperationError and its subclasses).
    N_("Hồ sơ đã thay đổi"), N_("Định dạng tệp không được chấp nhận"), N_("Tệp quá lớn"),
    N_("Quá nhiều lần thử"),  # portal/citizen/claiming.py
    # portal/api/errors.py: a form or an API call without its CSRF token.
    N_("Thiếu hoặc sai mã bảo vệ CSRF."),
    N_("Phiên làm việc đã hết hạn hoặc biểu mẫu thiếu mã bảo vệ. Vui lòng tải lại trang và gửi lại."),
)


# The official titles of the documents the portal issues (portal/documents/kinds.py TITLES; tests/i18n checks
# they stay in step). The documents themselves stay Vietnamese; pages name them in the page's language.
DOCUMENT_TITLES = (
    N_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), N_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    N_("Phiếu từ chối tiếp nhận giải quyết hồ sơ"), N_("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
    N_("Thông báo dừng giải quyết hồ sơ"), N_("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    N_("Sổ theo dõi hồ sơ"), N_("Kết quả giải quyết thủ tục hành chính"),
    N_("Thông báo về việc không giải quyết hồ sơ"), N_("Biên lai thu phí, lệ phí"),
)


# The workflow engine's refusals (workflows/engine.py, which imports no Flask): the fixed ones word for word,
# the ones naming an action or a state as patterns. tests/i18n checks that these stay in step with the engine.
ENGINE_TEXTS = (
    N_("Thao tác này không có trong quy trình giải quyết hồ sơ."),
    N_("Mỗi cơ quan chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ một lần (Nghị định số 61/2018/NĐ-CP, đã được "
       "sửa đổi, bổ sung): đơn vị của bạn đã yêu cầu bổ sung hồ sơ này."),
    N_("Hồ sơ chưa được tiếp nhận."), N_("Hồ sơ đã được tiếp nhận."),
    N_("Hồ sơ không có khoản phí, lệ phí nào phải nộp."), N_("Hồ sơ còn phí, lệ phí chưa nộp."),
    N_("Dịch vụ này không cung cấp kết quả trực tuyến; vui lòng nhận kết quả tại bộ phận một cửa."),
    N_("Dịch vụ này trả kết quả trực tuyến."), N_("Hồ sơ vẫn còn trong hạn giải quyết."),
    N_("Hồ sơ liên thông phải được cấp trên tiếp nhận trước khi thực hiện thao tác này."),
    N_("Hồ sơ đã được cấp trên tiếp nhận."),
    N_("Không có đề nghị gia hạn nào đang chờ lãnh đạo phê duyệt."),
    N_("Đề nghị gia hạn đang chờ lãnh đạo phê duyệt."),
    N_("Vui lòng chọn ngày hẹn trả mới."),
    N_("Vui lòng nêu căn cứ pháp lý (điều, khoản, văn bản quy định) của việc từ chối."),
)
ENGINE_PATTERNS = (
    N_("Thao tác «%(label)s» chỉ được mỗi cơ quan thực hiện một lần và đơn vị của bạn đã thực hiện."),
    N_("Thao tác «%(label)s» chỉ được thực hiện một lần đối với mỗi hồ sơ và đã được thực hiện."),
    N_("Hồ sơ chưa có ngày hẹn trả nên chưa thể thực hiện «%(label)s»."),
    N_("Chỉ được thực hiện «%(label)s» chậm nhất một ngày làm việc trước ngày hẹn trả; thời hạn này đã qua."),
    N_("Thao tác «%(label)s» chưa được thực hiện lần nào."),
    N_("Hồ sơ chưa đủ điều kiện để thực hiện «%(label)s»."),
    N_("Không thể thực hiện «%(label)s» khi hồ sơ đang ở trạng thái «%(state)s»."),
    N_("Vai trò của bạn không được thực hiện «%(label)s» đối với hồ sơ này."),
    N_("Chỉ người nộp hồ sơ mới được thực hiện «%(label)s»."),
    N_("Hồ sơ hiện không do đơn vị của bạn giải quyết nên bạn không thể thực hiện «%(label)s»."),
    N_("Vui lòng nhập nội dung (lý do) cho thao tác «%(label)s»."),
    N_("Vui lòng nhập đủ thông tin cho thao tác «%(label)s»."),
)

# Refusals that name a value (a unit, a limit, a workflow) are Vietnamese texts with %(name)s placeholders,
# filled in where they are raised. Each module registers its own with `pattern`, so that `translated` can
# recognise the filled-in text and give the English with the same values.
_REGISTERED: list[str] = list(ENGINE_PATTERNS)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def pattern(text: str) -> str:
    """Registers `text`, a Vietnamese message with %(name)s placeholders, and returns it unchanged. Write
    `TOO_LONG = pattern(N_("… %(max)s …"))` (N_ for extraction) and raise `TOO_LONG % {"max": 40}`."""
    if text not in _REGISTERED:
        _REGISTERED.append(text)
        _compiled.cache_clear()
    return text


def registered_patterns() -> tuple[str, ...]:
    return tuple(_REGISTERED)


def _regex(text: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(text)  # literal, name, literal, name, …, literal
    return re.compile("".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
                              for index, part in enumerate(parts)) + r"\Z", re.S)


@functools.cache
def _compiled() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((_regex(text), text) for text in _REGISTERED)


def _workflow_label_en(label: str) -> str:
    """The English label of a workflow action or state given its Vietnamese label (the shipped workflows)."""
    from .workflows_registry import all_workflows
    for workflow in all_workflows().values():
        for transition in workflow.transitions:
            if transition.label == label and transition.label_en:
                return transition.label_en
        for state in workflow.states.values():
            if state.label == label and state.label_en:
                return state.label_en
    return label


def _translated_pattern(text: str) -> str:
    for regex, vietnamese in _compiled():
        found = regex.match(text)
        if found:
            english = gettext(vietnamese)
            if english == vietnamese:
                return text
            # Workflow labels by the workflows' English; other values (a limit, a unit's name, a level)
            # through the catalogue, which leaves a proper name as it is.
            return _PLACEHOLDER.sub(lambda m: _english_value(m.group(1), found.group(m.group(1))), english)
    # A workflow's own label (a state or an action, shown by a page that got it in Vietnamese).
    return _workflow_label_en(text)


def _english_value(name: str, value: str) -> str:
    if not value:
        return value  # gettext("") would be the catalogue's header
    return _workflow_label_en(value) if name in ("label", "state") else gettext(value)


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
    english = gettext(str(text))
    if english == str(text) and current_language() == "en":
        return _translated_pattern(english)
    return english


def long_date(day: date | datetime | None, language: str | None = None) -> str:
    """"ngày 27 tháng 11 năm 2026" in Vietnamese, "27 November 2026" in English (Vietnam's calendar day)."""
    if day is None:
        return ""
    if (language or current_language()) != "en":
        return vn_date_long(day)
    if isinstance(day, datetime):
        day = to_vn(day).date()
    return format_date(day, "d MMMM y", locale="en")


def vi(value):
    """On English pages, Vietnamese content (a proper name, the citizen's answer, a legal text, a service's
    text without an English version) inside `<span lang="vi">`, so that it is read with a Vietnamese voice and
    hyphenated as Vietnamese; on Vietnamese pages the text as it is (the page is lang="vi")."""
    if value is None or value == "":
        return "" if value is None else value
    if current_language() != "en" or not _has_vietnamese_letters(str(value)):
        return value
    return Markup('<span lang="vi">%s</span>') % value


def vi_option() -> dict:
    """`render_kw` of a choice whose label is a Vietnamese name (a unit, a person): marked on English pages
    only, so the Vietnamese pages keep their markup."""
    return {"lang": "vi"} if current_language() == "en" else {}


def _has_vietnamese_letters(text: str) -> bool:
    # Letters beyond ASCII: a Vietnamese name or sentence; an English choice, a number or a date needs no mark.
    return any(ch.isalpha() and ord(ch) > 127 for ch in text)


def vi_names(text, *names):
    """A translated sentence that carries Vietnamese names ("… processed by Ủy ban nhân dân xã Tam Hồng."):
    escaped, with each name marked lang="vi" on English pages."""
    if text is None or text == "":
        return ""
    result = escape(text)
    if current_language() != "en":
        return result
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        result = result.replace(escape(name), vi(name))  # Markup.replace escapes what is not Markup already
    return result


def document_title(document):
    """An issued document's title on a page: the English of its kind's title, or of the service's result
    (`result.title_en`); what has no English stays Vietnamese, marked lang="vi"."""
    title = getattr(document, "title", "") or ""
    if current_language() != "en" or not title:
        return title
    english = gettext(title)
    application = getattr(document, "application", None)
    if english == title and getattr(document, "kind", None) == "result" and application is not None:
        from .operations.catalogue import definition_of
        result = definition_of(application.service_version).result
        if result.get("title") == title and result.get("title_en"):
            english = result["title_en"]
    return vi(english)


def sector_label(sector) -> str:
    """A sector's English name (the services' `sector_en`) on English pages; its Vietnamese name otherwise
    and when no service gives one."""
    if not sector or current_language() != "en":
        return sector or ""
    names = g.get("_dvc_sector_en")
    if names is None:
        from .operations.catalogue import active_services, definition_of
        names = {}
        for version in active_services():
            definition = definition_of(version)
            if definition.sector and definition.sector_en:
                names.setdefault(definition.sector, definition.sector_en)
        g._dvc_sector_en = names
    return names.get(sector, sector)


def register(app) -> None:
    """Adds the filters `localized`, `translated`, `long_date`, `vi` and `sector_label`; calling it twice is
    harmless."""
    app.jinja_env.filters.update(localized=localized, translated=translated, long_date=long_date, vi=vi,
                                 vi_names=vi_names, sector_label=sector_label, document_title=document_title)

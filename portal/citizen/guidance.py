"""What the citizen reads about an application: state and action labels, the deadline in working days, and
what is expected of them now, in plain Vietnamese (English on an English page: msgids are the Vietnamese)."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from services.fees import format_vnd

from ..i18n import current_language
from ..operations.calendar import current_calendar
from ..timeutil import vn_today
from ..workflows_registry import workflow_of
from ..event_labels import extra_action_label

# Lazy: these tables are built at import, and translated each time a page shows them.
LEVEL_LABELS = {"commune": _l("Cấp xã"), "district": _l("Cấp huyện"), "province": _l("Cấp tỉnh")}
ONLINE_LEVELS = {
    3: (_l("Mức độ 3"), _l("Nộp hồ sơ và trao đổi với cơ quan giải quyết trực tuyến; nộp phí, lệ phí "
                           "(nếu có) và nhận kết quả tại Bộ phận Một cửa.")),
    4: (_l("Mức độ 4"), _l("Thực hiện toàn trình trực tuyến: nộp hồ sơ, thanh toán phí, lệ phí (nếu có) "
                           "và nhận kết quả trực tuyến, không phải đến Bộ phận Một cửa.")),
}
ROLE_LABELS = {"citizen": _l("Người nộp hồ sơ"), "receiver": _l("Bộ phận Một cửa"),
               "handler": _l("Chuyên viên xử lý"), "leader": _l("Lãnh đạo"), "system": _l("Hệ thống"),
               "admin": _l("Quản trị hệ thống")}
# Actions whose note is addressed to the citizen (what to add, why it was refused or denied).
NOTE_FOR_CITIZEN = {"supplement_requested": "request_supplement", "refused": "refuse", "denied": "deny"}


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


def processing_time(days: int) -> str:
    """A service's processing time: a same-day service (0 days) says so, with the 15:00 cut-off
    (workflows/calendar.py), rather than "0 working days"."""
    if days == 0:
        return _("Trong ngày (hồ sơ nhận sau 15 giờ: trả trong ngày làm việc tiếp theo)")
    return ngettext("%(num)s ngày làm việc", "%(num)s ngày làm việc", days)


def state_label(application, state: str | None = None) -> str:
    """The workflow's label of the state (its English label on an English page)."""
    name = state or application.state
    try:
        found = workflow_of(application).state(name)
    except KeyError:
        return name
    return found.label_en if current_language() == "en" and found.label_en else found.label


def action_label(application, action: str) -> str:
    extra = extra_action_label(action)
    if extra:
        return extra
    try:
        workflow = workflow_of(application)
    except KeyError:
        return action
    if current_language() == "en":
        english = next((t.label_en for t in workflow.transitions if t.action == action and t.label_en), None)
        if english:
            return english
    return workflow.action_label(action)


def is_terminal(application) -> bool:
    try:
        return workflow_of(application).state(application.state).terminal
    except KeyError:
        return False


@dataclass(frozen=True)
class Deadline:
    due_date: date
    text: str  # "còn 3 ngày làm việc", "quá hạn 2 ngày làm việc", …
    tone: str  # a Bootstrap colour: success, warning, danger, secondary


def deadline(application, today: date | None = None) -> Deadline | None:
    """The due date and how far away it is, in working days; None before the application is received."""
    if application.due_date is None:
        return None
    due = application.due_date
    if is_terminal(application) or application.state == "result_ready":
        return Deadline(due, "", "secondary")
    if application.paused_at is not None:
        return Deadline(due, _("tạm dừng tính thời hạn trong khi chờ ông/bà"), "secondary")
    left = current_calendar().working_days_left(today or vn_today(), due)
    if left > 0:
        return Deadline(due, ngettext("còn %(num)d ngày làm việc", "còn %(num)d ngày làm việc", left),
                        "success" if left > 1 else "warning")
    if left == 0:
        return Deadline(due, _("đến hạn hôm nay"), "warning")
    return Deadline(due, ngettext("quá hạn %(num)d ngày làm việc", "quá hạn %(num)d ngày làm việc", -left),
                    "danger")


@dataclass(frozen=True)
class NextStep:
    title: str
    text: str
    tone: str  # a Bootstrap alert colour
    note: str = ""  # the officer's words to the citizen (what to add, the reason of a refusal)


def officer_note(application) -> str:
    """The note of the latest event that put the application in its current state, when it speaks to the
    citizen."""
    action = NOTE_FOR_CITIZEN.get(application.state)
    if action is None:
        return ""
    for event in reversed(application.events):
        if event.action == action:
            return event.note or ""
    return ""


def next_step(application) -> NextStep:
    state = application.state
    unit = application.current_unit.name if application.current_unit else _("cơ quan giải quyết")
    level4 = application.service_version.online_level == 4
    note = officer_note(application)
    if state == "draft":
        return NextStep(_("Hồ sơ chưa được nộp"), _(
            "Vui lòng hoàn thiện thông tin, đính kèm đủ giấy tờ và bấm “Nộp hồ sơ”. "
            "Hồ sơ nháp chỉ ông/bà xem được."), "secondary")
    if state == "submitted":
        return NextStep(_("Chờ tiếp nhận"), _(
            "Hồ sơ đang chờ Bộ phận Một cửa (%(unit)s) kiểm tra. Nếu hồ sơ đầy đủ, hợp lệ, cán bộ sẽ "
            "tiếp nhận và hẹn ngày trả kết quả; nếu cần bổ sung, ông/bà sẽ được thông báo qua thư điện "
            "tử và trên trang này. Ông/bà chưa cần làm gì thêm.", unit=unit), "info")
    if state == "supplement_requested":
        return NextStep(_("Cần bổ sung hồ sơ"), _(
            "Bộ phận Một cửa đề nghị ông/bà bổ sung, hoàn thiện hồ sơ theo nội dung dưới đây. Vui lòng "
            "sửa các thông tin, đính kèm giấy tờ còn thiếu trong biểu mẫu “Bổ sung hồ sơ” và bấm “Nộp "
            "bổ sung”. Thời hạn giải quyết tạm dừng cho đến khi ông/bà nộp bổ sung."), "warning", note)
    if state == "processing":
        return NextStep(_("Đang giải quyết"), _(
            "Hồ sơ đã được tiếp nhận và đang được %(unit)s giải quyết. Ông/bà chưa cần làm gì thêm; kết "
            "quả sẽ được trả đúng ngày hẹn.", unit=unit), "info")
    if state == "forwarded":
        # Two whole sentences rather than a sentence with a tail glued on: a translation may reorder them.
        if level4:
            text = _("Hồ sơ đã được chuyển đến %(unit)s để giải quyết theo thẩm quyền (liên thông). "
                     "Ông/bà chưa cần làm gì thêm; kết quả được trả qua nơi ông/bà đã nộp hồ sơ hoặc "
                     "trực tuyến.", unit=unit)
        else:
            text = _("Hồ sơ đã được chuyển đến %(unit)s để giải quyết theo thẩm quyền (liên thông). "
                     "Ông/bà chưa cần làm gì thêm; kết quả được trả qua nơi ông/bà đã nộp hồ sơ.", unit=unit)
        return NextStep(_("Đã chuyển cấp giải quyết"), text, "info")
    if state == "awaiting_approval":
        return NextStep(_("Chờ lãnh đạo phê duyệt"), _(
            "Hồ sơ đã được thẩm định và đang chờ lãnh đạo %(unit)s xem xét, ký duyệt. Ông/bà chưa cần "
            "làm gì thêm.", unit=unit), "info")
    if state == "awaiting_payment":
        fee = format_vnd(application.fee_amount or 0, current_language())
        if level4:
            text = _("Hồ sơ đã được tiếp nhận. Vui lòng nộp phí, lệ phí %(fee)s trực tuyến bằng nút "
                     "“Thanh toán trực tuyến” hoặc tại Bộ phận Một cửa (%(unit)s). Thời hạn giải quyết "
                     "tạm dừng cho đến khi ông/bà nộp phí.", fee=fee, unit=unit)
        else:
            text = _("Hồ sơ đã được tiếp nhận. Vui lòng nộp phí, lệ phí %(fee)s tại Bộ phận Một cửa "
                     "(%(unit)s). Thời hạn giải quyết tạm dừng cho đến khi ông/bà nộp phí.",
                     fee=fee, unit=unit)
        return NextStep(_("Chờ nộp phí, lệ phí"), text, "warning")
    if state == "result_ready":
        if level4:
            return NextStep(_("Đã có kết quả"), _(
                "Kết quả đã được ký số. Khi ông/bà tải kết quả (bản điện tử) ở mục văn bản của hồ sơ trên "
                "trang này, hồ sơ được hoàn thành. Ông/bà cũng có thể nhận bản giấy tại Bộ phận Một cửa "
                "(%(unit)s).", unit=unit), "success")
        return NextStep(_("Đã có kết quả"), _(
            "Mời ông/bà đến Bộ phận Một cửa (%(unit)s) để nhận kết quả; mang theo giấy tờ tùy thân và "
            "mã hồ sơ.", unit=unit), "success")
    if state == "completed":
        return NextStep(_("Đã hoàn thành"), _(
            "Hồ sơ đã được giải quyết và trả kết quả. Cảm ơn ông/bà đã sử dụng dịch vụ công trực "
            "tuyến."), "success")
    if state == "refused":
        return NextStep(_("Hồ sơ bị từ chối tiếp nhận"), _(
            "Bộ phận Một cửa từ chối tiếp nhận hồ sơ với lý do dưới đây. Ông/bà có thể nộp hồ sơ mới sau "
            "khi khắc phục."), "danger", note)
    if state == "denied":
        return NextStep(_("Không được chấp thuận"), _(
            "Cơ quan có thẩm quyền không chấp thuận yêu cầu với lý do dưới đây. Văn bản trả lời được gửi "
            "kèm hồ sơ."), "danger", note)
    if state == "withdrawn":
        return NextStep(_("Đã rút hồ sơ"), _(
            "Ông/bà đã rút hồ sơ này; hồ sơ không tiếp tục được giải quyết."), "secondary")
    return NextStep(state_label(application), "", "info")

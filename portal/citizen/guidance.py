"""What the citizen reads about an application: state and action labels, the deadline in working days, and
what is expected of them now, in plain Vietnamese."""
from dataclasses import dataclass
from datetime import date

from services.fees import format_vnd

from ..operations.calendar import current_calendar
from ..timeutil import vn_today
from ..workflows_registry import get_workflow

LEVEL_LABELS = {"commune": "Cấp xã", "district": "Cấp huyện", "province": "Cấp tỉnh"}
ONLINE_LEVELS = {
    3: ("Mức độ 3", "Nộp hồ sơ và trao đổi với cơ quan giải quyết trực tuyến; nộp phí, lệ phí (nếu có) "
                    "và nhận kết quả tại Bộ phận Một cửa."),
    4: ("Mức độ 4", "Thực hiện toàn trình trực tuyến: nộp hồ sơ, thanh toán phí, lệ phí (nếu có) và nhận "
                    "kết quả trực tuyến, không phải đến Bộ phận Một cửa."),
}
ROLE_LABELS = {"citizen": "Người nộp hồ sơ", "receiver": "Bộ phận Một cửa", "handler": "Chuyên viên xử lý",
               "leader": "Lãnh đạo", "system": "Hệ thống", "admin": "Quản trị hệ thống"}
# Actions whose note is addressed to the citizen (what to add, why it was refused or denied).
NOTE_FOR_CITIZEN = {"supplement_requested": "request_supplement", "refused": "refuse", "denied": "deny"}


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


def state_label(application, state: str | None = None) -> str:
    try:
        return get_workflow(application.workflow).state(state or application.state).label
    except KeyError:
        return state or application.state


def action_label(application, action: str) -> str:
    try:
        return get_workflow(application.workflow).action_label(action)
    except KeyError:
        return action


def is_terminal(application) -> bool:
    try:
        return get_workflow(application.workflow).state(application.state).terminal
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
        return Deadline(due, "tạm dừng tính thời hạn trong khi chờ ông/bà", "secondary")
    left = current_calendar().working_days_left(today or vn_today(), due)
    if left > 0:
        return Deadline(due, f"còn {left} ngày làm việc", "success" if left > 1 else "warning")
    if left == 0:
        return Deadline(due, "đến hạn hôm nay", "warning")
    return Deadline(due, f"quá hạn {-left} ngày làm việc", "danger")


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
    unit = application.current_unit.name if application.current_unit else "cơ quan giải quyết"
    level4 = application.service_version.online_level == 4
    note = officer_note(application)
    if state == "draft":
        return NextStep("Hồ sơ chưa được nộp", "Vui lòng hoàn thiện thông tin, đính kèm đủ giấy tờ và bấm "
                        "“Nộp hồ sơ”. Hồ sơ nháp chỉ ông/bà xem được.", "secondary")
    if state == "submitted":
        return NextStep("Chờ tiếp nhận", f"Hồ sơ đang chờ Bộ phận Một cửa ({unit}) kiểm tra. Nếu hồ sơ đầy "
                        "đủ, hợp lệ, cán bộ sẽ tiếp nhận và hẹn ngày trả kết quả; nếu cần bổ sung, ông/bà sẽ "
                        "được thông báo qua thư điện tử và trên trang này. Ông/bà chưa cần làm gì thêm.",
                        "info")
    if state == "supplement_requested":
        return NextStep("Cần bổ sung hồ sơ", "Bộ phận Một cửa đề nghị ông/bà bổ sung, hoàn thiện hồ sơ "
                        "theo nội dung dưới đây. Vui lòng sửa các thông tin, đính kèm giấy tờ còn thiếu "
                        "trong biểu mẫu “Bổ sung hồ sơ” và bấm “Nộp bổ sung”. Thời hạn giải quyết tạm dừng "
                        "cho đến khi ông/bà nộp bổ sung.", "warning", note)
    if state == "processing":
        return NextStep("Đang giải quyết", f"Hồ sơ đã được tiếp nhận và đang được {unit} giải quyết. Ông/bà "
                        "chưa cần làm gì thêm; kết quả sẽ được trả đúng ngày hẹn.", "info")
    if state == "forwarded":
        return NextStep("Đã chuyển cấp giải quyết", f"Hồ sơ đã được chuyển đến {unit} để giải quyết theo "
                        "thẩm quyền (liên thông). Ông/bà chưa cần làm gì thêm; kết quả được trả qua nơi "
                        "ông/bà đã nộp hồ sơ" + (" hoặc trực tuyến." if level4 else "."), "info")
    if state == "awaiting_approval":
        return NextStep("Chờ lãnh đạo phê duyệt", f"Hồ sơ đã được thẩm định và đang chờ lãnh đạo {unit} "
                        "xem xét, ký duyệt. Ông/bà chưa cần làm gì thêm.", "info")
    if state == "awaiting_payment":
        fee = format_vnd(application.fee_amount or 0)
        where = ("trực tuyến bằng nút “Thanh toán trực tuyến” hoặc tại Bộ phận Một cửa" if level4
                 else "tại Bộ phận Một cửa")
        return NextStep("Chờ nộp phí, lệ phí", f"Hồ sơ đã được tiếp nhận. Vui lòng nộp phí, lệ phí {fee} "
                        f"{where} ({unit}). Thời hạn giải quyết tạm dừng cho đến khi ông/bà nộp phí.",
                        "warning")
    if state == "result_ready":
        if level4:
            return NextStep("Đã có kết quả", "Kết quả đã được ký số. Ông/bà tải kết quả (bản điện tử) "
                            "ở mục văn bản của hồ sơ trên trang này, sau đó bấm “Đã nhận kết quả” để hoàn "
                            "thành hồ sơ. Ông/bà cũng có thể nhận bản giấy tại Bộ phận Một cửa "
                            f"({unit}).", "success")
        return NextStep("Đã có kết quả", f"Mời ông/bà đến Bộ phận Một cửa ({unit}) để nhận kết quả; mang "
                        "theo giấy tờ tùy thân và mã hồ sơ.", "success")
    if state == "completed":
        return NextStep("Đã hoàn thành", "Hồ sơ đã được giải quyết và trả kết quả. Cảm ơn ông/bà đã sử dụng "
                        "dịch vụ công trực tuyến.", "success")
    if state == "refused":
        return NextStep("Hồ sơ bị từ chối tiếp nhận", "Bộ phận Một cửa từ chối tiếp nhận hồ sơ với lý do "
                        "dưới đây. Ông/bà có thể nộp hồ sơ mới sau khi khắc phục.", "danger", note)
    if state == "denied":
        return NextStep("Không được chấp thuận", "Cơ quan có thẩm quyền không chấp thuận yêu cầu với lý do "
                        "dưới đây. Văn bản trả lời được gửi kèm hồ sơ.", "danger", note)
    if state == "withdrawn":
        return NextStep("Đã rút hồ sơ", "Ông/bà đã rút hồ sơ này; hồ sơ không tiếp tục được giải quyết.",
                        "secondary")
    return NextStep(state_label(application), "", "info")

"""The indicators of a periodic report on administrative procedure results, as sent to the reporting system.

Decree 09/2019/NĐ-CP sets the periodic reporting regime and the Government's reporting information system
receives the reports; the indicator codes of that system's forms were not available to us, so these codes
are the portal's own (documented in docs/architecture.md, "Reports to the reporting system"). Each
indicator is one figure of GET /api/v1/reports/summary (DESIGN.md §7), named by its path there; the totals
are sums the receiver checks.
"""
from __future__ import annotations

from dataclasses import dataclass

COUNT, RATE, DAYS = "count", "rate", "days"


@dataclass(frozen=True)
class Indicator:
    code: str
    meaning: str  # Vietnamese, as the receiver labels it
    field: str  # path in the summary ("received.online"), or "+"-joined paths for a total
    kind: str = COUNT


INDICATORS = (
    Indicator("TTHC_TN_TONG", "Tổng số hồ sơ tiếp nhận (kỳ trước chuyển qua và mới tiếp nhận)",
              "received.carried_over+received.online+received.counter"),
    Indicator("TTHC_TN_KYTRUOC", "Số hồ sơ từ kỳ trước chuyển qua", "received.carried_over"),
    Indicator("TTHC_TN_TRUCTUYEN", "Số hồ sơ mới tiếp nhận trực tuyến", "received.online"),
    Indicator("TTHC_TN_TRUCTIEP", "Số hồ sơ mới tiếp nhận trực tiếp tại bộ phận một cửa", "received.counter"),
    Indicator("TTHC_GQ_TONG", "Tổng số hồ sơ đã giải quyết", "resolved.early+resolved.on_time+resolved.late"),
    Indicator("TTHC_GQ_TRUOCHAN", "Số hồ sơ giải quyết trước hạn", "resolved.early"),
    Indicator("TTHC_GQ_DUNGHAN", "Số hồ sơ giải quyết đúng hạn", "resolved.on_time"),
    Indicator("TTHC_GQ_QUAHAN", "Số hồ sơ giải quyết quá hạn", "resolved.late"),
    Indicator("TTHC_DGQ_TONG", "Tổng số hồ sơ đang giải quyết cuối kỳ", "in_progress.on_time+in_progress.overdue"),
    Indicator("TTHC_DGQ_TRONGHAN", "Số hồ sơ đang giải quyết trong hạn", "in_progress.on_time"),
    Indicator("TTHC_DGQ_QUAHAN", "Số hồ sơ đang giải quyết quá hạn", "in_progress.overdue"),
    Indicator("TTHC_CHO_CONGDAN", "Số hồ sơ chờ công dân bổ sung hoặc thực hiện nghĩa vụ tài chính",
              "waiting_citizen"),
    Indicator("TTHC_TUCHOI", "Số hồ sơ không được tiếp nhận hoặc bị từ chối", "refused"),
    Indicator("TTHC_RUT", "Số hồ sơ công dân rút", "withdrawn"),
    Indicator("TTHC_TL_DUNGHAN", "Tỷ lệ hồ sơ giải quyết trước và đúng hạn (0–1)", "on_time_rate", RATE),
    Indicator("TTHC_TL_TRUCTUYEN", "Tỷ lệ hồ sơ tiếp nhận trực tuyến (0–1)", "online_rate", RATE),
    Indicator("TTHC_DG_HAILONG", "Số lượt đánh giá hài lòng", "satisfaction.satisfied"),
    Indicator("TTHC_DG_BINHTHUONG", "Số lượt đánh giá bình thường", "satisfaction.normal"),
    Indicator("TTHC_DG_KHONGHAILONG", "Số lượt đánh giá không hài lòng", "satisfaction.unsatisfied"),
    Indicator("TTHC_SH_HOSO", "Số hồ sơ tiếp nhận có thành phần được số hóa", "digitised.applications"),
    Indicator("TTHC_SH_KETQUA", "Số kết quả giải quyết được số hóa", "digitised.results"),
    Indicator("TTHC_TT_TRUCTUYEN", "Số hồ sơ thanh toán phí, lệ phí trực tuyến", "paid_online"),
    Indicator("TTHC_TG_TRUNGBINH", "Thời gian giải quyết trung bình (ngày làm việc)", "average_days", DAYS),
    Indicator("TTHC_DB_DVCQG", "Số hồ sơ đã đồng bộ trạng thái lên Cổng Dịch vụ công quốc gia",
              "national_synced"),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def _value(summary: dict, path: str):
    value = summary
    for part in path.split("."):
        value = value[part]
    return value


def indicator_values(summary: dict) -> list[dict]:
    """The summary as the reporting system's list of {"code", "value"}, in the table's order."""
    values = []
    for indicator in INDICATORS:
        parts = [_value(summary, path) for path in indicator.field.split("+")]
        values.append({"code": indicator.code, "value": parts[0] if len(parts) == 1 else sum(parts)})
    return values


def as_summary(values: list[dict]) -> dict:
    """Back from the list to the summary's shape (totals dropped): how a test or a reader compares what the
    receiver holds with GET /api/v1/reports/summary."""
    summary: dict = {}
    given = {item["code"]: item["value"] for item in values}
    for indicator in INDICATORS:
        if "+" in indicator.field or indicator.code not in given:
            continue
        *parents, leaf = indicator.field.split(".")
        node = summary
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = given[indicator.code]
    return summary

"""A report as a spreadsheet (XLSX, openpyxl) or CSV: the total, then one line per unit and per service."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

COLUMNS = [
    ("carried_over", "Kỳ trước chuyển sang"), ("online", "Mới tiếp nhận trực tuyến"),
    ("counter", "Mới tiếp nhận trực tiếp"), ("received", "Tổng số tiếp nhận"),
    ("early", "Giải quyết trước hạn"), ("on_time", "Giải quyết đúng hạn"), ("late", "Giải quyết quá hạn"),
    ("resolved", "Tổng số đã giải quyết"), ("in_progress_on_time", "Đang giải quyết trong hạn"),
    ("overdue", "Đang giải quyết quá hạn"), ("waiting_citizen", "Chờ bổ sung, nộp phí"),
    ("refused", "Từ chối tiếp nhận"), ("withdrawn", "Rút hồ sơ"), ("on_time_rate", "Tỷ lệ đúng hạn"),
    ("online_rate", "Tỷ lệ trực tuyến"), ("satisfied", "Hài lòng"), ("normal", "Bình thường"),
    ("unsatisfied", "Không hài lòng"), ("digitised_applications", "Hồ sơ được số hóa"),
    ("digitised_results", "Kết quả được số hóa"), ("paid_online", "Thanh toán trực tuyến"),
    ("average_days", "Thời gian giải quyết trung bình (ngày làm việc)"),
    ("national_synced", "Đồng bộ Cổng DVC quốc gia"),
]
RATES = {"on_time_rate", "online_rate"}


def _values(figures) -> list:
    return [getattr(figures, key) for key, _ in COLUMNS]


def rows(report) -> list[tuple[str, str, list]]:
    """(section, name, values) lines: the total, each unit, each service."""
    lines = [("Tổng hợp", report.title, _values(report.total))]
    lines += [("Đơn vị", row.name, _values(row.figures)) for row in report.by_unit]
    lines += [("Thủ tục", row.name, _values(row.figures)) for row in report.by_service]
    return lines


def _heading(report) -> str:
    p = report.period
    return (f"Tình hình giải quyết thủ tục hành chính — {report.title} — "
            f"từ ngày {p.first.strftime('%d/%m/%Y')} "
            f"đến ngày {p.last.strftime('%d/%m/%Y')}")


def to_xlsx(report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet.append([_heading(report)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(["Phân loại", "Tên"] + [label for _, label in COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for section, name, values in rows(report):
        sheet.append([section, name] + values)
        row = sheet.max_row
        for offset, (key, _) in enumerate(COLUMNS, start=3):
            if key in RATES:
                sheet.cell(row=row, column=offset).number_format = "0.0%"
        if section == "Tổng hợp":
            for cell in sheet[row]:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 11
    sheet.column_dimensions["B"].width = 42
    for index in range(3, len(COLUMNS) + 3):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "C4"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    text = str(value)
    # A name starting like a formula must stay text when the file is opened in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report) -> str:
    """UTF-8 text (the caller adds a BOM so spreadsheet programs read Vietnamese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Phân loại", "Tên"] + [label for _, label in COLUMNS])
    for section, name, values in rows(report):
        writer.writerow([_cell(section), _cell(name)] + [_cell(v) for v in values])
    return out.getvalue()

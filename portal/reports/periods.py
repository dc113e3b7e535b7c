"""Reporting periods as the reporting system names them: a month `2026-11` or a quarter `2026-Q4`.

A period is closed once its last Vietnam day is over; only closed periods are reported (a report of a
month still running would change under the receiver's feet)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..i18n import N_
from ..operations import Invalid
from ..timeutil import vn_today
from .metrics import Period

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class ReportPeriod:
    kind: str  # "month" | "quarter"
    year: int
    number: int  # month 1–12, quarter 1–4

    @property
    def code(self) -> str:
        return f"{self.year}-{self.number:02d}" if self.kind == "month" else f"{self.year}-Q{self.number}"

    @property
    def period(self) -> Period:
        if self.kind == "month":
            return Period.month(self.year, self.number)
        first_month = 3 * self.number - 2
        return Period(Period.month(self.year, first_month).first, Period.month(self.year, first_month + 2).last)

    def closed(self, today: date | None = None) -> bool:
        return self.period.last < (today or vn_today())

    def __str__(self):
        return self.code


def parse_report_period(text: str | None) -> ReportPeriod:
    """`2026-11` or `2026-Q4` (case-insensitive Q); raises Invalid naming the field `period`."""
    text = (text or "").strip().upper()
    month, quarter = _MONTH.fullmatch(text), _QUARTER.fullmatch(text)
    if month and 1 <= int(month.group(2)) <= 12:
        found = ReportPeriod("month", int(month.group(1)), int(month.group(2)))
    elif quarter:
        found = ReportPeriod("quarter", int(quarter.group(1)), int(quarter.group(2)))
    else:
        raise Invalid(N_("Kỳ báo cáo không hợp lệ."), errors={"period": [
            N_("Kỳ báo cáo là một tháng (năm-tháng, ví dụ 2026-11) hoặc một quý (năm-Qsố, ví dụ 2026-Q4).")]})
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise Invalid(N_("Kỳ báo cáo không hợp lệ."), errors={"period": [N_("Năm báo cáo nằm ngoài khoảng cho phép.")]})
    return found


def closed_periods(today: date, months_back: int) -> list[ReportPeriod]:
    """The months and quarters that ended within the last `months_back` months before `today`, oldest
    first: what the scheduled job still owes the reporting system if it has not sent them."""
    found = []
    year, month = today.year, today.month
    for _ in range(max(months_back, 0)):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        found.append(ReportPeriod("month", year, month))
        if month % 3 == 0:
            found.append(ReportPeriod("quarter", year, month // 3))
    return sorted(found, key=lambda p: (p.period.last, p.kind))

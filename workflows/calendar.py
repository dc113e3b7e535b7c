"""Working days in Vietnam: the calendar every due date (ngày hẹn trả) is counted in.

A working day is Monday to Friday, minus the public holidays of the `holidays` package for
Vietnam (Tết Nguyên Đán with its observed days, Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh,
Ngày Văn hóa Việt Nam and the days off the government swaps for a make-up Saturday), minus the
administrators' extra days off, plus the make-up Saturdays (from the package and from the
administrators). The government announces each year's swaps late, so the administrators'
overrides win over the package: an extra working day beats everything, an extra day off beats
a packaged make-up day.

Counting rules (Decree 61/2018, art. 19 and Circular 01/2018):
- the processing time runs from the working day after receipt, so `n` days after a receipt on
  day D is the n-th working day after D;
- a same-day service (0 days) received after the cut-off hour (15:00 by default) or on a
  non-working day is due the next working day;
- while the clock is stopped (waiting for the citizen), the due date moves by the working days
  the clock stood still.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_SATURDAY = 5


@lru_cache(maxsize=64)
def _public_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays of `year`, the make-up working days its list announces): fixed by the holidays package,
    so computed once per process (building them took 1.5 ms, and a calendar is made for every request)."""
    public = holidays.country_holidays("VN", years=year)
    return frozenset(day for day in public if day.year == year), frozenset(public.weekend_workdays)


class WorkingCalendar:
    def __init__(self, extra_days_off: Iterable[date] = (), extra_working_days: Iterable[date] = (),
                 cutoff_hour: int = 15):
        if not 0 <= cutoff_hour <= 24:
            raise ValueError(f"cutoff_hour must be between 0 and 24, not {cutoff_hour}")
        self.extra_days_off = frozenset(extra_days_off)
        self.extra_working_days = frozenset(extra_working_days)
        self.cutoff_hour = cutoff_hour
        self._holidays_by_year: dict[int, frozenset[date]] = {}
        self._make_up_days_by_year: dict[int, frozenset[date]] = {}

    # -- the holidays package, one year at a time -------------------------------------------

    def _load_year(self, year: int) -> None:
        if year in self._holidays_by_year:
            return
        days_off, make_up_days = _public_year(year)
        self._holidays_by_year[year] = days_off
        # A swap can cross the new year (2/1/2015 repaid on 27/12/2014, 31/12/2018 on 5/1/2019),
        # so a make-up day is filed under its own year whichever year's list announced it.
        for day in make_up_days:
            known = self._make_up_days_by_year.get(day.year, frozenset())
            self._make_up_days_by_year[day.year] = known | {day}

    def public_holidays(self, year: int) -> frozenset[date]:
        self._load_year(year)
        return self._holidays_by_year[year]

    def make_up_days(self, year: int) -> frozenset[date]:
        """Weekend days the government declared working days to repay a bridge day off."""
        for neighbour in (year - 1, year, year + 1):
            self._load_year(neighbour)
        return self._make_up_days_by_year.get(year, frozenset())

    # -- the questions ----------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        if day.weekday() >= _SATURDAY:
            return day in self.make_up_days(day.year)
        return day not in self.public_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, n: int) -> date:
        if n < 0:
            raise ValueError(f"n must not be negative, not {n}")
        if n == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def due_date(self, received: datetime, processing_days: int) -> date:
        if received.tzinfo is None or received.utcoffset() is None:
            raise ValueError("received must be timezone-aware")
        if processing_days < 0:
            raise ValueError(f"processing_days must not be negative, not {processing_days}")
        local = received.astimezone(VIETNAM)
        if processing_days == 0:
            if self.is_working_day(local.date()) and local.hour < self.cutoff_hour:
                return local.date()
            return self.next_working_day(local.date())
        return self.add_working_days(local.date(), processing_days)

    def working_days_between(self, start: date, end: date) -> int:
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    def working_days_left(self, today: date, due: date) -> int:
        if today <= due:
            return self.working_days_between(today, due)
        return -self.working_days_between(due, today)

    def resume(self, due: date, paused_on: date, resumed_on: date) -> date:
        stopped = self.working_days_between(paused_on, resumed_on)
        if stopped == 0:
            return due
        return self.add_working_days(due, stopped)

"""The working-day calendar: Vietnamese holidays, make-up days, overrides and the due-date rules."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from workflows.calendar import WorkingCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def calendar():
    return WorkingCalendar()


def test_tet_2027_is_skipped(calendar):
    # Tết 2027: 29 Tết (Thu 4/2) to mùng 5 (Wed 10/2) off, the weekend in between too.
    assert calendar.add_working_days(date(2027, 2, 3), 3) == date(2027, 2, 15)
    assert [calendar.is_working_day(date(2027, 2, d)) for d in range(3, 12)] == [
        True, False, False, False, False, False, False, False, True]


def test_other_public_holidays_are_days_off(calendar):
    assert not calendar.is_working_day(date(2026, 4, 30))   # Ngày Chiến thắng, a Thursday
    assert not calendar.is_working_day(date(2026, 9, 2))
    assert not calendar.is_working_day(date(2026, 11, 24))  # Ngày Văn hóa Việt Nam, from 2026
    assert calendar.is_working_day(date(2025, 11, 24))


def test_holidays_are_computed_for_any_year(calendar):
    # Tết 2045 falls on Friday 17 February; its eve on Thursday.
    assert not calendar.is_working_day(date(2045, 2, 16))
    assert not calendar.is_working_day(date(2045, 2, 17))
    assert date(2045, 2, 17) in calendar.public_holidays(2045)


def test_weekends_are_not_working_days(calendar):
    assert not calendar.is_working_day(date(2026, 11, 28))  # Saturday
    assert not calendar.is_working_day(date(2026, 11, 29))  # Sunday
    assert calendar.next_working_day(date(2026, 11, 27)) == date(2026, 11, 30)
    assert calendar.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)
    # Skips Ngày Văn hóa Việt Nam (24/11) and the weekend.
    assert calendar.add_working_days(date(2026, 11, 23), 5) == date(2026, 12, 1)


def test_make_up_saturday_of_the_holidays_package_is_a_working_day(calendar):
    # 2026: Monday 31/8 bridged to Quốc khánh, repaid on Saturday 22/8.
    assert calendar.is_working_day(date(2026, 8, 22))
    assert not calendar.is_working_day(date(2026, 8, 31))
    assert calendar.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert calendar.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_make_up_days_across_the_new_year_count(calendar):
    # Friday 2/1/2015 off, repaid on Saturday 27/12/2014.
    assert calendar.is_working_day(date(2014, 12, 27))
    assert not calendar.is_working_day(date(2015, 1, 2))
    # Monday 31/12/2018 off, repaid on Saturday 5/1/2019.
    assert not WorkingCalendar().is_working_day(date(2018, 12, 31))
    assert WorkingCalendar().is_working_day(date(2019, 1, 5))


def test_extra_working_day_is_counted():
    saturday = date(2027, 2, 20)
    plain = WorkingCalendar()
    with_make_up = WorkingCalendar(extra_working_days=[saturday])
    assert plain.add_working_days(date(2027, 2, 19), 1) == date(2027, 2, 22)
    assert with_make_up.add_working_days(date(2027, 2, 19), 1) == saturday
    assert with_make_up.working_days_between(date(2027, 2, 19), date(2027, 2, 22)) == 2


def test_extra_working_day_wins_over_a_holiday_and_a_day_off():
    day = date(2027, 2, 10)
    assert WorkingCalendar(extra_working_days=[day]).is_working_day(day)
    assert WorkingCalendar(extra_working_days=[day], extra_days_off=[day]).is_working_day(day)


def test_extra_day_off_is_skipped():
    tuesday = date(2026, 3, 10)
    calendar = WorkingCalendar(extra_days_off=[tuesday])
    assert not calendar.is_working_day(tuesday)
    assert calendar.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)
    assert calendar.add_working_days(date(2026, 3, 9), 0) == date(2026, 3, 9)
    assert calendar.add_working_days(tuesday, 0) == date(2026, 3, 11)


def test_extra_day_off_wins_over_a_packaged_make_up_day():
    assert not WorkingCalendar(extra_days_off=[date(2026, 8, 22)]).is_working_day(date(2026, 8, 22))


def test_add_working_days_refuses_a_negative_count(calendar):
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 3, 9), -1)


@pytest.mark.parametrize(("local_time", "due"), [
    (datetime(2026, 3, 11, 8, 0), date(2026, 3, 11)),
    (datetime(2026, 3, 11, 14, 59), date(2026, 3, 11)),
    (datetime(2026, 3, 11, 15, 0), date(2026, 3, 12)),
    (datetime(2026, 3, 13, 16, 30), date(2026, 3, 16)),   # Friday after the cut-off: Monday
    (datetime(2026, 3, 14, 9, 0), date(2026, 3, 16)),     # Saturday: Monday
])
def test_same_day_service_respects_the_cut_off(calendar, local_time, due):
    assert calendar.due_date(local_time.replace(tzinfo=VN), 0) == due


def test_cut_off_hour_is_configurable():
    received = datetime(2026, 3, 11, 16, 0, tzinfo=VN)
    assert WorkingCalendar(cutoff_hour=17).due_date(received, 0) == date(2026, 3, 11)
    assert WorkingCalendar().due_date(received, 0) == date(2026, 3, 12)


def test_cut_off_is_read_in_vietnam_time(calendar):
    # 07:30 UTC is 14:30 in Hà Nội (before the cut-off), 08:30 UTC is 15:30 (after).
    assert calendar.due_date(datetime(2026, 3, 11, 7, 30, tzinfo=timezone.utc), 0) == date(2026, 3, 11)
    assert calendar.due_date(datetime(2026, 3, 11, 8, 30, tzinfo=timezone.utc), 0) == date(2026, 3, 12)


def test_deadline_runs_from_the_working_day_after_receipt(calendar):
    received = datetime(2026, 3, 10, 9, 0, tzinfo=VN)  # Tuesday
    assert calendar.due_date(received, 1) == date(2026, 3, 11)
    assert calendar.due_date(received, 5) == date(2026, 3, 17)


def test_due_date_received_on_a_friday_evening(calendar):
    friday_evening = datetime(2026, 11, 27, 19, 30, tzinfo=VN)
    assert calendar.due_date(friday_evening, 3) == date(2026, 12, 2)
    # The same instant given in UTC (12:30Z) must land on the same Vietnamese Friday.
    assert calendar.due_date(friday_evening.astimezone(timezone.utc), 3) == date(2026, 12, 2)


def test_due_date_converts_to_vietnam_time_before_taking_the_date(calendar):
    # Thursday 20:00 UTC is already Friday 03:00 in Vietnam: one day is due on Monday, not Friday.
    late_thursday_utc = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)
    assert calendar.due_date(late_thursday_utc, 1) == date(2026, 11, 30)
    new_york = datetime(2026, 11, 26, 15, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert calendar.due_date(new_york, 1) == date(2026, 11, 30)


def test_due_date_refuses_a_naive_datetime(calendar):
    with pytest.raises(ValueError):
        calendar.due_date(datetime(2026, 3, 11, 9, 0), 1)


def test_working_days_between_counts_the_half_open_interval(calendar):
    assert calendar.working_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1
    assert calendar.working_days_between(date(2026, 11, 23), date(2026, 11, 27)) == 3  # 24/11 off
    assert calendar.working_days_between(date(2026, 11, 30), date(2026, 11, 30)) == 0
    assert calendar.working_days_between(date(2026, 12, 1), date(2026, 11, 30)) == 0


def test_working_days_left_before_on_and_after_the_due_date(calendar):
    due = date(2026, 12, 2)  # Wednesday
    assert calendar.working_days_left(date(2026, 11, 27), due) == 3
    assert calendar.working_days_left(date(2026, 12, 1), due) == 1
    assert calendar.working_days_left(due, due) == 0
    assert calendar.working_days_left(date(2026, 12, 3), due) == -1
    assert calendar.working_days_left(date(2026, 12, 7), due) == -3


def test_overdue_across_tet_counts_only_working_days(calendar):
    assert calendar.working_days_left(date(2027, 2, 11), date(2027, 2, 3)) == -1
    assert calendar.working_days_left(date(2027, 2, 3), date(2027, 2, 11)) == 1


def test_resume_moves_the_due_date_by_the_working_days_stopped(calendar):
    due = date(2026, 3, 20)  # Friday
    # Stopped Monday 9/3, resumed Monday 16/3: five working days stood still.
    assert calendar.resume(due, date(2026, 3, 9), date(2026, 3, 16)) == date(2026, 3, 27)
    # Resumed the same day: nothing moves.
    assert calendar.resume(due, date(2026, 3, 9), date(2026, 3, 9)) == due
    # Stopped over a weekend only: nothing moves either.
    assert calendar.resume(due, date(2026, 3, 13), date(2026, 3, 15)) == due


def test_resume_across_tet(calendar):
    due = date(2027, 2, 3)  # Wednesday, the last working day before Tết
    # Stopped on 1/2 (Mon), resumed on 11/2 (Thu): 2/2, 3/2 and 11/2 are the working days lost.
    assert calendar.resume(due, date(2027, 2, 1), date(2027, 2, 11)) == date(2027, 2, 15)

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from portal.admin.demo_volume import DayIndex, generate
from portal.models import Application, Event
from portal.operations.calendar import current_calendar
from portal.timeutil import VN


def test_day_index_agrees_with_the_working_calendar(app):
    calendar = current_calendar()
    days = DayIndex(calendar, date(2024, 12, 1), date(2026, 12, 31))
    for offset in range(0, 700, 3):
        day = date(2025, 1, 1) + timedelta(days=offset)
        received = datetime(day.year, day.month, day.day, 14 + offset % 3, 30, tzinfo=VN)
        for n in (0, 1, 3, 15):
            assert days.due_date(received, n) == calendar.due_date(received, n), (day, n)
        later = day + timedelta(days=offset % 11)
        assert days.between(day, later) == calendar.working_days_between(day, later)


def test_generated_applications_are_consistent(db, demo):
    totals = generate(400, seed=5, years=0.5)
    # a counter application that would fall on a day not yet come is left out: a few, depending on today
    assert 380 <= totals["applications"] <= 400
    rows = db.session.execute(select(Application)).scalars().all()
    assert len({a.code for a in rows}) == len(rows) == totals["applications"]
    calendar = current_calendar()
    for application in rows:
        events = application.events
        assert events[0].action == "submit" and events[-1].to_state == application.state
        assert all(e.from_state == p.to_state for p, e in zip(events, events[1:]))
        assert application.version == len(events)
        accepted = [e for e in events if e.action == "accept"]
        if accepted:
            assert accepted[0].details["due_date"] == calendar.due_date(
                application.received_at, application.service_version.processing_days).isoformat()
        if application.state in ("completed", "denied"):
            assert application.decided_at is not None and application.completed_at >= application.decided_at
        if application.state in ("supplement_requested", "awaiting_payment"):
            assert application.paused_at is not None
    assert db.session.execute(select(func.count()).select_from(Event)).scalar() == totals["events"]
    # live codes continue after the generated ones
    more = generate(10, seed=6, years=0.1)
    assert db.session.execute(select(func.count(func.distinct(Application.code)))).scalar() == \
        totals["applications"] + more["applications"]

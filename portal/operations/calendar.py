"""The working-day calendar as configured: the holidays package plus the administrators' overrides."""
from flask import current_app, g
from sqlalchemy import select

from workflows.calendar import WorkingCalendar

from ..extensions import db
from ..models import CalendarOverride


def current_calendar() -> WorkingCalendar:
    if "calendar" not in g:
        rows = db.session.execute(select(CalendarOverride.day, CalendarOverride.kind)).all()
        g.calendar = WorkingCalendar(
            extra_days_off=[day for day, kind in rows if kind == "off"],
            extra_working_days=[day for day, kind in rows if kind == "work"],
            cutoff_hour=current_app.config["CUTOFF_HOUR"])
    return g.calendar


def forget_calendar():
    """After an administrator changes an override."""
    g.pop("calendar", None)

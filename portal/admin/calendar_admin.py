"""The administrators' calendar overrides: extra days off and make-up working days.

A change applies to due dates computed from now on (acceptances, resumptions, new dates); due dates
already given to citizens stay as promised."""
from __future__ import annotations

import unicodedata
from datetime import date

from sqlalchemy import select

from ..i18n import N_
from ..extensions import db
from ..models import CalendarOverride
from ..operations import Invalid
from ..operations.calendar import current_calendar, forget_calendar
from .units import audit

KINDS = {"off": N_("Ngày nghỉ thêm"), "work": N_("Ngày làm việc bù")}  # translated where shown


def overrides(year: int | None = None) -> list[CalendarOverride]:
    stmt = select(CalendarOverride).order_by(CalendarOverride.day)
    if year is not None:
        stmt = stmt.where(CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12,
                                                                                                 31))
    return db.session.execute(stmt).scalars().all()


def add_override(actor, day: date, kind: str, note: str = "") -> CalendarOverride:
    errors = {}
    if kind not in KINDS:
        errors["kind"] = [N_("Loại ngày không hợp lệ.")]
    if db.session.execute(select(CalendarOverride.id).where(CalendarOverride.day == day)).first():
        errors["day"] = [N_("Ngày này đã có điều chỉnh; hãy xóa điều chỉnh cũ trước.")]
    if not errors:
        forget_calendar()
        working = current_calendar().is_working_day(day)
        if kind == "off" and not working:
            errors["day"] = [N_("Ngày này vốn đã là ngày nghỉ.")]
        if kind == "work" and working:
            errors["day"] = [N_("Ngày này vốn đã là ngày làm việc.")]
    if errors:
        raise Invalid(N_("Không thể thêm điều chỉnh lịch."), errors=errors)
    row = CalendarOverride(day=day, kind=kind, note=unicodedata.normalize("NFC", (note or "").strip())[:200],
                           created_by_id=actor.id if actor else None)
    db.session.add(row)
    db.session.flush()
    forget_calendar()
    audit(actor, "calendar.add", f"calendar:{day.isoformat()}", kind=kind, note=row.note)
    return row


def remove_override(actor, override_id: int) -> None:
    row = db.session.get(CalendarOverride, override_id)
    if row is None:
        raise Invalid(N_("Không tìm thấy điều chỉnh lịch."))
    audit(actor, "calendar.remove", f"calendar:{row.day.isoformat()}", kind=row.kind)
    db.session.delete(row)
    db.session.flush()
    forget_calendar()

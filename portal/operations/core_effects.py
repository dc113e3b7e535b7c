"""Effects on the application itself: the deadline clock and where the application is. Each returns what it
adds to the event's details (or nothing)."""
from datetime import date

from ..i18n import N_
from ..timeutil import to_vn
from . import Invalid
from .effects import effect


@effect("start_clock")
def start_clock(ctx):
    app = ctx.application
    app.received_at = ctx.now
    app.due_date = ctx.calendar.due_date(ctx.now, app.service_version.processing_days)
    app.original_due_date = app.due_date
    app.step_due_date = app.due_date
    return {"due_date": app.due_date.isoformat()}


@effect("stop_clock")
def stop_clock(ctx):
    if ctx.application.paused_at is None:
        ctx.application.paused_at = ctx.now


@effect("resume_clock")
def resume_clock(ctx):
    app = ctx.application
    added = {}
    if app.paused_at is not None and app.due_date is not None:
        paused_on, resumed_on = to_vn(app.paused_at).date(), to_vn(ctx.now).date()
        app.due_date = ctx.calendar.resume(app.due_date, paused_on, resumed_on)
        if app.step_due_date is not None:
            app.step_due_date = ctx.calendar.resume(app.step_due_date, paused_on, resumed_on)
        added["due_date"] = app.due_date.isoformat()
    app.paused_at = None
    return added


@effect("set_new_due_date")
def set_new_due_date(ctx):
    app = ctx.application
    raw = ctx.inputs.get("new_due_date")
    try:
        new_date = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        raise Invalid(N_("Ngày hẹn mới không hợp lệ."), errors={"new_due_date": [N_("Ngày hẹn mới không hợp lệ.")]})
    if app.due_date is not None and new_date <= app.due_date:
        message = "Ngày hẹn mới phải sau ngày hẹn trả hiện tại."
        raise Invalid(message, errors={"new_due_date": [message]})
    if not ctx.calendar.is_working_day(new_date):
        message = "Ngày hẹn mới phải là ngày làm việc."
        raise Invalid(message, errors={"new_due_date": [message]})
    added = {"previous_due_date": app.due_date.isoformat() if app.due_date else None,
             "due_date": new_date.isoformat()}
    app.due_date = new_date
    app.step_due_date = new_date
    return added


@effect("set_step_due")
def set_step_due(ctx):
    """The district's own deadline: one working day before the overall due date, leaving the commune desk
    a day to hand the result back (never earlier than the next working day)."""
    app = ctx.application
    if app.due_date is None:
        return
    today = to_vn(ctx.now).date()
    step = app.due_date
    if ctx.calendar.working_days_between(today, app.due_date) > 1:
        step = _previous_working_day(ctx.calendar, app.due_date)
    app.step_due_date = step
    return {"step_due_date": step.isoformat()}


def _previous_working_day(calendar, day):
    from datetime import timedelta
    candidate = day - timedelta(days=1)
    while not calendar.is_working_day(candidate):
        candidate -= timedelta(days=1)
    return candidate


@effect("move_to_parent")
def move_to_parent(ctx):
    app = ctx.application
    parent_id = app.current_unit.parent_id
    if parent_id is None:
        raise Invalid(N_("Đơn vị hiện tại không có cấp trên để chuyển hồ sơ."))
    moved = {"from_unit_id": app.current_unit_id, "to_unit_id": parent_id}
    # Both sides: the id for what reads it before the flush, the relationship for a loaded current_unit.
    app.current_unit, app.current_unit_id = app.current_unit.parent, parent_id
    return moved


@effect("return_to_intake")
def return_to_intake(ctx):
    app = ctx.application
    moved = {"from_unit_id": app.current_unit_id, "to_unit_id": app.unit_id}
    app.current_unit, app.current_unit_id = app.unit, app.unit_id  # both sides, as in move_to_parent
    app.step_due_date = app.due_date
    return moved


@effect("decide")
def decide(ctx):
    ctx.application.decided_at = ctx.now


@effect("complete")
def complete(ctx):
    ctx.application.completed_at = ctx.now
    ctx.application.paused_at = None


@effect("record_handover")
def record_handover(ctx):
    """A row of the control sheet (form 05): who handed it on, where, and against which deadline."""
    app = ctx.application
    today = to_vn(ctx.now).date()
    deadline = app.step_due_date or app.due_date
    if deadline is None:
        timing = "on_time"
    elif today < deadline:
        timing = "early"
    elif today == deadline:
        timing = "on_time"
    else:
        timing = "late"
    return {"handover": {
        "from_unit_id": ctx.from_unit_id, "to_unit_id": app.current_unit_id,
        "deadline": deadline.isoformat() if deadline else None, "timing": timing}}

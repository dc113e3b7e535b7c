"""The deadline clock through real actions: `accept` sets the due date per the working-day calendar, a
supplement request stops the clock and the resubmission moves the due date by the working days it stood
still, the district gets its own step deadline, and a fee stops the clock until it is paid. Time is not
frozen: the moment the clock stopped is moved into the past instead."""
from datetime import timedelta

from tests.factories import make_application
from tests.operations.helpers import (COMMUNE_SERVICE, DISTRICT_SERVICE, LIEN_THONG_SERVICE, Api,
                                      fresh, pause_since, staff)

TH, YL = "tam-hong", "yen-lac"


def _calendar():
    from portal.operations.calendar import current_calendar
    return current_calendar()


def test_accept_sets_received_and_due_date_in_working_days(client, db, demo):
    from portal.timeutil import to_vn
    api = Api(client, db)
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    body = api.ok(staff("receiver", TH), application, "accept")
    application = fresh(db, application)
    days = application.service_version.processing_days
    received_on = to_vn(application.received_at).date()
    calendar = _calendar()
    assert application.due_date.isoformat() == body["due_date"]
    # counted from the working day after receipt: exactly `days` working days in (received, due]
    assert calendar.working_days_between(received_on, application.due_date) == days
    assert calendar.is_working_day(application.due_date)
    assert application.original_due_date == application.due_date
    assert application.events[-1].details["due_date"] == application.due_date.isoformat()


def test_accept_honours_an_administrators_extra_day_off(client, db, demo):
    from portal.models import CalendarOverride
    from portal.timeutil import vn_today
    calendar = _calendar()
    first = calendar.next_working_day(vn_today())
    db.session.add(CalendarOverride(day=first, kind="off", note="Nghỉ bù"))
    db.session.commit()
    api = Api(client, db)
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    api.ok(staff("receiver", TH), application, "accept")
    due = fresh(db, application).due_date
    from workflows.calendar import WorkingCalendar
    with_day_off = WorkingCalendar(extra_days_off=[first], cutoff_hour=calendar.cutoff_hour)
    assert due == with_day_off.add_working_days(vn_today(), 3)
    assert due > calendar.add_working_days(vn_today(), 3)  # the calendar read before the override


def test_supplement_stops_the_clock_and_resubmit_moves_the_due_date(client, db, demo):
    from portal.timeutil import to_vn, vn_today
    api = Api(client, db)
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    api.ok(staff("receiver", TH), application, "accept")
    api.ok(staff("handler", TH), application, "request_supplement", "Thiếu giấy xác nhận cư trú.")
    application = fresh(db, application)
    assert application.paused_at is not None
    due_before = application.due_date
    application = pause_since(db, application, days_ago=20)
    paused_on = to_vn(application.paused_at).date()
    stopped = _calendar().working_days_between(paused_on, vn_today())
    assert stopped > 0  # 20 days always hold working days, Tết included
    body = api.ok("citizen@demo.vn", application, "resubmit")
    application = fresh(db, application)
    assert application.state == "processing" and application.paused_at is None
    assert application.due_date == _calendar().add_working_days(due_before, stopped)
    assert body["due_date"] == application.due_date.isoformat()
    assert application.original_due_date == due_before  # the receipt's date stays on record


def test_supplement_before_acceptance_stops_nothing(client, db, demo):
    api = Api(client, db)
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    api.ok(staff("receiver", TH), application, "request_supplement", "Thiếu ảnh.")
    application = fresh(db, application)
    assert application.due_date is None and application.paused_at is None
    api.ok("citizen@demo.vn", application, "resubmit")
    assert fresh(db, application).state == "submitted"


def test_a_fee_stops_the_clock_until_paid(client, db, demo):
    from portal.timeutil import to_vn, vn_today
    api = Api(client, db)
    application = make_application(db, demo.citizen, DISTRICT_SERVICE, YL)
    api.ok(staff("receiver", YL), application, "accept")
    application = fresh(db, application)
    assert application.state == "awaiting_payment" and application.paused_at is not None
    due_before = application.due_date
    application = pause_since(db, application, days_ago=10)
    stopped = _calendar().working_days_between(to_vn(application.paused_at).date(), vn_today())
    api.ok(staff("receiver", YL), application, "pay")
    assert fresh(db, application).due_date == _calendar().add_working_days(due_before, stopped)


def test_the_district_gets_its_own_step_deadline_and_the_commune_desk_the_rest(client, db, demo):
    api = Api(client, db)
    application = make_application(db, demo.citizen, LIEN_THONG_SERVICE, TH)
    api.ok(staff("receiver", TH), application, "accept")
    api.ok(staff("receiver", TH), application, "pay")
    api.ok(staff("handler", TH), application, "forward")
    api.ok(staff("receiver", YL), application, "accept_transfer")
    application = fresh(db, application)
    due, step = application.due_date, application.step_due_date
    assert step < due and _calendar().working_days_between(step, due) == 1
    assert application.events[-1].details["step_due_date"] == step.isoformat()
    api.ok(staff("handler", YL), application, "submit_for_approval")
    api.ok(staff("leader", YL), application, "approve")
    application = fresh(db, application)
    assert application.current_unit == demo.unit(TH)
    assert application.step_due_date == application.due_date


def test_reschedule_sets_the_new_date_and_keeps_the_old_one_in_the_event(client, db, demo):
    api = Api(client, db)
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    api.ok(staff("receiver", TH), application, "accept")
    old = fresh(db, application).due_date
    new = _calendar().add_working_days(old + timedelta(days=1), 3)
    api.ok(staff("leader", TH), application, "reschedule", "Chờ xác minh từ địa phương khác.",
           new_due_date=new.isoformat())
    assert fresh(db, application).due_date == old  # asked for; the leader's approval sets it
    api.ok(staff("leader", TH), application, "approve_reschedule")
    application = fresh(db, application)
    assert application.due_date == new
    event = application.events[-1]
    assert event.details["previous_due_date"] == old.isoformat()
    assert event.details["due_date"] == new.isoformat()
    assert event.action == "approve_reschedule"
    assert application.events[-2].note == "Chờ xác minh từ địa phương khác."  # the request says why

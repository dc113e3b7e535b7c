"""Moving a demo application through its workflow with the one function every page and the API use."""
from datetime import timedelta

from portal.operations.calendar import current_calendar
from portal.operations.transitions import fire
from tests.factories import make_application

UNIT = "tam-hong"


def submitted(db, demo, service="dang-ky-khai-sinh", unit=UNIT):
    return make_application(db, demo.citizen, service, unit)


def step(db, application, action, actor, **kwargs):
    fire(application, action, actor, **kwargs)
    db.session.commit()
    return application


def accepted(db, demo, service="dang-ky-khai-sinh", unit=UNIT):
    application = submitted(db, demo, service, unit)
    return step(db, application, "accept", demo.staff("receiver", unit))


def result_ready(db, demo, service="dang-ky-khai-sinh", unit=UNIT):
    application = accepted(db, demo, service, unit)
    step(db, application, "submit_for_approval", demo.staff("handler", unit))
    return step(db, application, "approve", demo.staff("leader", unit))


def next_working_day_after(day):
    calendar = current_calendar()
    day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day

"""Shared by the national status tests: a commune application driven through its whole life through the API,
and what the sandbox national portal received."""
from datetime import timedelta

import pytest

from tests.factories import make_application
from tests.operations.helpers import COMMUNE_SERVICE, Api, fresh

TH = "tam-hong"
RECEIVER, HANDLER, LEADER = f"receiver.{TH}@demo.vn", f"handler.{TH}@demo.vn", f"leader.{TH}@demo.vn"
CITIZEN = "citizen@demo.vn"


@pytest.fixture(autouse=True)
def calm_sandbox(app):
    """Every test starts with a sandbox that answers normally (faults live on the session-wide app)."""
    from portal.national.sandbox import clear_faults
    clear_faults(app)
    yield
    clear_faults(app)


def submitted(db, demo, service=COMMUNE_SERVICE):
    return make_application(db, demo.citizen, service_slug=service, unit_slug=TH)


def sandbox_messages(client, code):
    response = client.get(f"/sandbox/dvcqg/messages?code={code}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["messages"]


def statuses(client, code):
    return [m["TrangThaiHoSo"] for m in sandbox_messages(client, code)]


def outbox_rows(db, code):
    from sqlalchemy import select

    from portal.outbox.models import OutboxMessage
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.destination == "dvcqg",
                                                          OutboxMessage.ordering_key == code)
                              .order_by(OutboxMessage.id)).all()


def new_due(db, application, days=2):
    from portal.operations.calendar import current_calendar
    calendar = current_calendar()
    day = fresh(db, application).due_date
    added = 0
    while added < days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            added += 1
    return day.isoformat()


def whole_life(client, db, demo):
    """submit -> accept -> supplement -> resubmit -> reschedule -> approve_reschedule -> submit_for_approval
    -> approve -> deliver."""
    api = Api(client, db)
    application = submitted(db, demo)
    api.ok(RECEIVER, application, "accept")
    api.ok(HANDLER, application, "request_supplement", "Thiếu bản sao giấy tờ.")
    api.ok(CITIZEN, application, "resubmit", "Đã bổ sung.")
    api.ok(RECEIVER, application, "reschedule", "Chờ xác minh.", new_due_date=new_due(db, application))
    api.ok(LEADER, application, "approve_reschedule")
    api.ok(HANDLER, application, "submit_for_approval")
    api.ok(LEADER, application, "approve")
    api.ok(RECEIVER, application, "deliver")
    return fresh(db, application)

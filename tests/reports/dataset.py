"""A small set of applications with known figures for March 2026 (Vietnam dates).

Rows are written directly with chosen instants: the figures read only columns, and the workflow path that
sets those columns is tested with the operations. Expected figures for Huyện Yên Lạc (tam-hong and
dong-van), March 2026:
carried_over 2, online 7, counter 1; early 1, on_time 1, late 2; in progress on time 2, overdue 1;
waiting_citizen 1; refused 1; withdrawn 1; satisfied 1; digitised applications 1 (the desk application's
scan; a scan added after submission does not count), digitised results 1 (a revoked scan and one of February
do not count), paid online 1 (a desk payment and a February one do not count), average days 3.5 (6, 2, 3 and 3
working days from receipt to the four resolutions), national_synced 0 (no outbox yet). The application
received from the national portal counts as online.
"""
from datetime import date, datetime, timedelta

from portal.timeutil import VN

MARCH_YEN_LAC = {
    "received": {"carried_over": 2, "online": 7, "counter": 1},
    "resolved": {"early": 1, "on_time": 1, "late": 2},
    "in_progress": {"on_time": 2, "overdue": 1},
    "waiting_citizen": 1,
    "refused": 1,
    "withdrawn": 1,
    "on_time_rate": 0.5,
    "online_rate": 0.875,
    "satisfaction": {"satisfied": 1, "normal": 0, "unsatisfied": 0},
    "digitised": {"applications": 1, "results": 1},
    "paid_online": 1,
    "average_days": 3.5,
    "national_synced": 0,
}


def vn(year, month, day, hour=9, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def add_application(db, demo, unit_slug, state, submitted, *, channel="online", received=None, due=None,
                    decided=None, completed=None, service_slug="dang-ky-khai-sinh", label=""):
    from portal.models import Application
    service = demo.service(service_slug)
    unit = demo.unit(unit_slug)
    application = Application(
        service_id=service.id, service_version_id=service.current_version_id, applicant_id=demo.citizen.id,
        unit_id=unit.id, current_unit_id=unit.id, workflow=service.current.workflow, state=state,
        channel=channel, data={"label": label}, submitted_at=submitted, received_at=received or submitted,
        due_date=due, original_due_date=due, decided_at=decided, completed_at=completed,
        code=f"T-{label}")
    db.session.add(application)
    db.session.flush()
    return application


def add_attachment(db, application, created, *, digitised):
    from portal.models import Attachment
    name = f"{application.code}-{created.isoformat()}"
    db.session.add(Attachment(application_id=application.id, document_key="birth_notice", filename="scan.pdf",
                              stored_name=name[:80], content_type="application/pdf", size=1, sha256="0" * 64,
                              created_at=created, digitised_at=created if digitised else None,
                              checked_against_original=digitised))


def add_payment(db, application, provider, paid):
    from portal.models import Payment
    application.paid_at = paid
    db.session.add(Payment(application_id=application.id, provider=provider, txn_ref=f"P-{application.code}",
                           amount=8000, state="paid", created_at=paid, paid_at=paid))


def add_scanned_result(db, application, scanned, *, revoked=False):
    from portal.models import Document
    db.session.add(Document(code=f"S-{application.code}", kind="result", number="12/QĐ", title="Kết quả",
                            application_id=application.id, unit_id=application.unit_id,
                            stored_name=f"scan-{application.code}", sha256="0" * 64, size=1, source="scan",
                            document_date=scanned.date(), digitised_at=scanned, issued_at=scanned,
                            revoked_at=scanned if revoked else None))


def build(db, demo):
    """The applications; returns them by label."""
    add = lambda label, unit, state, submitted, **kw: add_application(  # noqa: E731
        db, demo, unit, state, submitted, label=label, **kw)
    apps = {
        # carried over from February and decided late in March
        "carried_late": add("carried_late", "tam-hong", "completed", vn(2026, 2, 20), due=date(2026, 2, 25),
                            decided=vn(2026, 3, 2), completed=vn(2026, 3, 3)),
        # carried over, still processing, due date passed
        "carried_open": add("carried_open", "dong-van", "processing", vn(2026, 2, 25), due=date(2026, 3, 5)),
        # ended before March: in no March figure
        "closed_before": add("closed_before", "tam-hong", "completed", vn(2026, 2, 1), due=date(2026, 2, 4),
                             decided=vn(2026, 2, 10), completed=vn(2026, 2, 11)),
        # decided in February, result collected in March: resolved in February, not carried over
        "decided_before": add("decided_before", "tam-hong", "completed", vn(2026, 2, 1), due=date(2026, 2,
                                                                                                  27),
                              decided=vn(2026, 2, 27), completed=vn(2026, 3, 2)),
        "early": add("early", "tam-hong", "result_ready", vn(2026, 3, 2), due=date(2026, 3, 5),
                     decided=vn(2026, 3, 4, 10), channel="national"),
        # the due-date boundary in Vietnam time: 23:30 on the due day is on time, 00:10 the next day late
        "on_time_2330": add("on_time_2330", "tam-hong", "completed", vn(2026, 3, 3), due=date(2026, 3, 6),
                            decided=vn(2026, 3, 6, 23, 30), completed=vn(2026, 3, 9)),
        "late_0010": add("late_0010", "dong-van", "completed", vn(2026, 3, 3), due=date(2026, 3, 6),
                         decided=vn(2026, 3, 7, 0, 10), completed=vn(2026, 3, 9)),
        "counter_open": add("counter_open", "tam-hong", "processing", vn(2026, 3, 10), channel="counter",
                            due=date(2026, 4, 10)),
        # paused for a supplement: waiting for the citizen, never overdue while paused
        "supplement": add("supplement", "tam-hong", "supplement_requested", vn(2026, 3, 12),
                          due=date(2026, 3, 20)),
        "refused": add("refused", "tam-hong", "refused", vn(2026, 3, 15), received=None,
                       completed=vn(2026, 3, 16)),
        "withdrawn": add("withdrawn", "dong-van", "withdrawn", vn(2026, 3, 17), due=date(2026, 3, 20),
                         completed=vn(2026, 3, 18)),
        "april": add("april", "tam-hong", "submitted", vn(2026, 4, 2)),
        # 23:00 on 31 March in Vietnam is still March; 00:30 on 1 April is not (both the same UTC day)
        "last_evening": add("last_evening", "tam-hong", "submitted", vn(2026, 3, 31, 23)),
        "first_night": add("first_night", "dong-van", "submitted", vn(2026, 4, 1, 0, 30)),
        # another district
        "elsewhere": add("elsewhere", "tich-son", "completed", vn(2026, 3, 2), due=date(2026, 3, 5),
                         decided=vn(2026, 3, 3), completed=vn(2026, 3, 4)),
    }
    from portal.models import Rating
    for label, value, when in (("early", "satisfied", vn(2026, 3, 20)),
                               ("carried_late", "unsatisfied", vn(2026, 4, 3))):
        application = apps[label]
        db.session.add(Rating(application_id=application.id, unit_id=application.unit_id,
                              service_id=application.service_id, value=value, created_at=when))
    add_attachment(db, apps["counter_open"], vn(2026, 3, 10, 8, 50), digitised=True)  # scanned at the desk
    add_attachment(db, apps["supplement"], vn(2026, 3, 14), digitised=True)  # after submission: not counted
    add_attachment(db, apps["carried_open"], vn(2026, 2, 25, 8), digitised=False)  # an online upload
    add_payment(db, apps["on_time_2330"], "vnpay", vn(2026, 3, 4, 23, 30))
    add_payment(db, apps["late_0010"], "desk", vn(2026, 3, 4))
    add_payment(db, apps["carried_open"], "vnpay", vn(2026, 2, 28, 23, 59))  # 28 February in Vietnam
    add_scanned_result(db, apps["carried_late"], vn(2026, 3, 31, 23, 50))  # still March in Vietnam
    add_scanned_result(db, apps["early"], vn(2026, 3, 5), revoked=True)
    add_scanned_result(db, apps["decided_before"], vn(2026, 3, 1, 0, 10) - timedelta(hours=1))  # 28 Feb
    db.session.flush()
    from portal.reports.flows import rebuild
    rebuild()  # rows written directly, as a bulk load would: the report flows are recomputed
    db.session.commit()
    return apps

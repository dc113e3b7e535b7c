"""Daily flows behind the period reports, so that a year of a province answers from a few thousand rows
instead of half a million applications.

Every figure of DESIGN.md §7 is a sum of flows over days, or a difference of running totals:
- received online / counter: applications submitted that day (by channel);
- closed that day, by outcome: early, on_time, late (resolution day against the due date), refused,
  withdrawn. An application closes once: at its decision, or at its end without one;
- carried over at the start = received before it − closed before it;
- still open at the end = received up to it − closed up to it. Those open now are read from the
  applications (a small set); those closed since were overdue at the end when the end fell between the
  day after their due date and the day before they closed: each records `overdue_on` and `overdue_off`
  days when it closes, and the running difference counts them;
- ratings by value, on the day given;
- digitised: applications received with digitised documents (a paper document scanned at the desk, or one
  picked from the person's digitised store, attached before submission: `digitised.py`), on the day received;
- paid_online: applications whose fee was paid through the gateway (a `paid` payment not taken at the desk),
  on the Vietnam day of the payment;
- days: for each resolution (early, on_time, late), the working days from its receipt to its resolution,
  on the day resolved, so the average resolution time is their sum over the resolutions.

`flows_of(application)` is the one definition of what an application contributes; fire() applies the
difference it makes (`Tracker`, observing every transition: operations do not import reports), merges
and bulk loads rebuild from the same definition (`rebuild`)."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Application, Rating, ReportFlow
from ..operations.calendar import current_calendar
from ..operations.observers import observe_transitions
from ..timeutil import to_vn
from .digitised import digitised_clause, has_digitised_documents, paid_online, paid_online_clause

RECEIVED = ("online", "counter")
CLOSED = ("early", "on_time", "late", "refused", "withdrawn")
RESOLVED = ("early", "on_time", "late")
_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def outcome(state: str, closed_day, due_date) -> str:
    if state in ("refused", "withdrawn"):
        return state
    if due_date is None or closed_day == due_date:
        return "on_time"
    return "early" if closed_day < due_date else "late"


def received_kind(channel: str) -> str:
    """Counter: entered at the desk; every other channel (the portal, the national portal) is online."""
    return "counter" if channel == "counter" else "online"


def resolution_days(calendar, received_at, submitted_at, closed_day) -> int:
    """Working days from the day received (accepted; submitted when never accepted) to the day resolved, as
    deadlines count them: a decision on the day of receipt takes 0 days."""
    start = to_vn(received_at or submitted_at).date()
    return calendar.working_days_between(start, closed_day) if closed_day > start else 0


def flows_of(unit_id, service_id, state, channel, submitted_at, decided_at, completed_at, due_date,
             received_at=None, paid_at=None, digitised=False, paid_online=False, *, calendar=None) -> Counter:
    flows = Counter()
    if submitted_at is None or state == "draft":
        return flows  # nothing received yet (submit() stamps the time just before the state changes)
    submitted_day = to_vn(submitted_at).date()
    flows[(unit_id, service_id, submitted_day, received_kind(channel))] += 1
    if digitised:
        flows[(unit_id, service_id, submitted_day, "digitised")] += 1
    if paid_online and paid_at is not None:
        flows[(unit_id, service_id, to_vn(paid_at).date(), "paid_online")] += 1
    closed_at = decided_at or completed_at
    if closed_at is not None:
        closed_day = to_vn(closed_at).date()
        closed_as = outcome(state, closed_day, due_date)
        flows[(unit_id, service_id, closed_day, closed_as)] += 1
        if closed_as in RESOLVED and calendar is not None:
            flows[(unit_id, service_id, closed_day, "days")] += resolution_days(
                calendar, received_at, submitted_at, closed_day)
        if due_date is not None:
            first_overdue = max(submitted_day, due_date + timedelta(days=1))
            if first_overdue < closed_day:
                flows[(unit_id, service_id, first_overdue, "overdue_on")] += 1
                flows[(unit_id, service_id, closed_day, "overdue_off")] += 1
    return flows


def application_flows(application: Application, facts: dict | None = None) -> Counter:
    """What `application` contributes now. `facts` caches what is read from other tables (its digitised
    documents, its online payment) across the two calls of one transition."""
    facts = {} if facts is None else facts
    if application.submitted_at is None or application.state == "draft":
        return Counter()
    if "digitised" not in facts:
        facts["digitised"] = has_digitised_documents(application)
    if application.paid_at is not None and not facts.get("paid_online"):
        facts["paid_online"] = paid_online(application)
    return flows_of(application.unit_id, application.service_id, application.state, application.channel,
                    application.submitted_at, application.decided_at, application.completed_at,
                    application.due_date, application.received_at, application.paid_at, facts["digitised"],
                    facts.get("paid_online", False), calendar=current_calendar())


def apply(delta: Counter):
    """Adds `delta` (positive or negative counts) to the table, inside the caller's transaction. An upsert,
    so two first submissions of the day do not collide; keys in a fixed order, so two transactions never
    wait for each other's rows in opposite orders."""
    rows = [{"unit_id": unit_id, "service_id": service_id, "day": day, "kind": kind, "count": count}
            for (unit_id, service_id, day, kind), count in sorted(delta.items(), key=lambda item: item[0])
            if count]
    if not rows:
        return
    session = db.session
    with session.no_autoflush:
        session.execute(_upsert(session.get_bind().dialect.name), rows)  # locked in the order above


@cache
def _upsert(dialect: str):
    """The upsert of one flow, built once per dialect: building a statement costs more than running it."""
    table = ReportFlow.__table__
    insert = _INSERTS[dialect](table)
    return insert.on_conflict_do_update(index_elements=["unit_id", "service_id", "day", "kind"],
                                        set_={"count": table.c.count + insert.excluded.count})


class Tracker:
    """What an application contributed before a change; `record()` adds the difference after it."""

    def __init__(self, application: Application):
        self.application = application
        self.facts = {}
        self.before = application_flows(application, self.facts)

    def record(self):
        after = application_flows(self.application, self.facts)
        delta = Counter(after)
        delta.subtract(self.before)
        apply(_nonzero(delta))


@observe_transitions
def track_flows(application: Application):
    return Tracker(application).record


def _nonzero(delta: Counter) -> Counter:
    return Counter({key: count for key, count in delta.items() if count})


def record_rating(rating: Rating):
    apply(Counter({(rating.unit_id, rating.service_id, to_vn(rating.created_at).date(), rating.value): 1}))


def rebuild(unit_ids=None, batch: int = 20_000) -> int:
    """Recomputes the flows of the given units (all when None) from the applications and ratings.
    Returns the number of rows written."""
    a = Application
    table = ReportFlow.__table__
    statement = delete(table)
    if unit_ids is not None:
        statement = statement.where(table.c.unit_id.in_(list(unit_ids)))
    db.session.execute(statement)
    totals = Counter()
    calendar = current_calendar()
    query = select(a.unit_id, a.service_id, a.state, a.channel, a.submitted_at, a.decided_at, a.completed_at,
                   a.due_date, a.received_at, a.paid_at, digitised_clause(), paid_online_clause()
                   ).where(a.submitted_at.is_not(None))
    ratings = select(Rating.unit_id, Rating.service_id, Rating.created_at, Rating.value)
    if unit_ids is not None:
        query = query.where(a.unit_id.in_(list(unit_ids)))
        ratings = ratings.where(Rating.unit_id.in_(list(unit_ids)))
    for row in db.session.execute(query.execution_options(yield_per=batch)):
        totals.update(flows_of(*row, calendar=calendar))
    for unit_id, service_id, created_at, value in db.session.execute(ratings.execution_options(yield_per=batch)):
        totals[(unit_id, service_id, to_vn(created_at).date(), value)] += 1
    rows = [{"unit_id": u, "service_id": s, "day": d, "kind": k, "count": c}
            for (u, s, d, k), c in totals.items() if c]
    for start in range(0, len(rows), batch):
        db.session.execute(table.insert(), rows[start:start + batch])
    return len(rows)

"""The period figures of a unit and its children (DESIGN.md §7), by service and by receiving unit.

Definitions, for a period [from, to] of Vietnam dates (start = 00:00 of `from`, end = 24:00 of `to`,
Asia/Ho_Chi_Minh). An application belongs to the unit that received it (`unit_id`), so a liên thông
application stays in its commune's figures and in the district's through the tree.

- received: `carried_over` (submitted before the start and neither decided nor ended by then), `online`
  and `counter` (submitted during the period, by `channel`). The office receives an application when it
  is submitted (online, or entered at the desk), which is also what the refused and withdrawn figures
  count from, so the period balances:
  carried_over + online + counter = resolved + refused + withdrawn + in_progress + waiting_citizen.
- resolved: decided (approved or denied) or otherwise ended during the period, except refusals and
  withdrawals, split by the Vietnam day of the resolution against `due_date`: before it `early`, on it
  `on_time`, after it `late`.
- in_progress, at the end of the period: `overdue` when the due date is before the last day of the
  period, else `on_time` (not yet accepted: no due date, on time).
- waiting_citizen: still open now and waiting for the citizen (`supplement_requested`,
  `awaiting_payment`). History keeps no state per day, so for a past period an application that was
  paused then but has moved on since counts as in progress.
- refused, withdrawn: ended in the period in that state.
- on_time_rate = (early + on_time) / resolved; online_rate = online / (online + counter); None when the
  denominator is 0.
- satisfaction: ratings given during the period, by value.
- digitised.applications: applications received during the period whose documents were digitised;
  digitised.results: results digitised (scanned) during the period; paid_online: fees paid through the
  gateway during the period; national_synced: applications received during the period whose status reached
  the national portal (definitions in `digitised.py`).
- average_days: the mean working days from receipt to resolution of the period's resolutions (early,
  on_time, late), one decimal; None when nothing was resolved.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..i18n import N_
from ..models import Application, Rating, ReportFlow, Service, ServiceVersion, Unit
from ..operations import Invalid
from ..timeutil import VN, vn_today
from . import flows as flows_module
from .digitised import (digitised_clause, digitised_results_statement, national_synced_statement,
                        paid_online_clause)
from .sqltime import vn_day

WAITING_STATES = ("supplement_requested", "awaiting_payment")
RATING_VALUES = ("satisfied", "normal", "unsatisfied")
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), VN)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), VN)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))


def parse_period(from_text: str | None, to_text: str | None, today: date | None = None) -> Period:
    """`from`/`to` as ISO dates; defaults: the current month up to today. Raises Invalid by field."""
    today = today or vn_today()
    errors = {}
    values = {}
    for key, text, default in (("from", from_text, today.replace(day=1)), ("to", to_text, today)):
        if text in (None, ""):
            values[key] = default
            continue
        try:
            values[key] = date.fromisoformat(str(text).strip())
        except ValueError:
            errors[key] = [N_("Ngày không hợp lệ (định dạng năm-tháng-ngày, ví dụ 2026-01-31).")]
    if not errors and values["from"] > values["to"]:
        errors["to"] = [N_("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.")]
    if not errors and (values["to"] - values["from"]).days > MAX_PERIOD_DAYS:
        errors["to"] = [N_("Kỳ báo cáo dài tối đa 3 năm.")]
    if errors:
        raise Invalid("Kỳ báo cáo không hợp lệ.", errors=errors)
    return Period(values["from"], values["to"])


@dataclass
class Figures:
    carried_over: int = 0
    online: int = 0
    counter: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    in_progress_on_time: int = 0
    overdue: int = 0
    waiting_citizen: int = 0
    refused: int = 0
    withdrawn: int = 0
    satisfied: int = 0
    normal: int = 0
    unsatisfied: int = 0
    digitised_applications: int = 0
    digitised_results: int = 0
    paid_online: int = 0
    resolution_days: int = 0  # working days, summed over the resolutions (average_days)
    national_synced: int = 0

    def add(self, other: "Figures") -> "Figures":
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    @property
    def received(self) -> int:
        return self.carried_over + self.online + self.counter

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def in_progress(self) -> int:
        return self.in_progress_on_time + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.early + self.on_time, self.resolved)

    @property
    def online_rate(self) -> float | None:
        return _rate(self.online, self.online + self.counter)

    @property
    def average_days(self) -> float | None:
        return round(self.resolution_days / self.resolved, 1) if self.resolved else None

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def summary(self) -> dict:
        """The shape of GET /api/v1/reports/summary (DESIGN.md §7)."""
        return {
            "received": {"carried_over": self.carried_over, "online": self.online, "counter": self.counter},
            "resolved": {"early": self.early, "on_time": self.on_time, "late": self.late},
            "in_progress": {"on_time": self.in_progress_on_time, "overdue": self.overdue},
            "waiting_citizen": self.waiting_citizen,
            "refused": self.refused,
            "withdrawn": self.withdrawn,
            "on_time_rate": self.on_time_rate,
            "online_rate": self.online_rate,
            "satisfaction": {"satisfied": self.satisfied, "normal": self.normal,
                             "unsatisfied": self.unsatisfied},
            "digitised": {"applications": self.digitised_applications, "results": self.digitised_results},
            "paid_online": self.paid_online,
            "average_days": self.average_days,
            "national_synced": self.national_synced,
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Row:
    """One line of a breakdown: a service or a unit."""
    key: int
    name: str
    figures: Figures


@dataclass
class Report:
    unit: Unit | None  # None: every unit (an administrator's whole-portal report)
    period: Period
    total: Figures = field(default_factory=Figures)
    by_service: list[Row] = field(default_factory=list)
    by_unit: list[Row] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.unit.name if self.unit is not None else "Toàn tỉnh"


# -- scope ---------------------------------------------------------------------------------------

def scope_unit_ids(unit: Unit | None) -> list[int] | None:
    """The unit, every unit below it, and every unit merged into one of those (their history stays
    with the survivor). None means every unit."""
    if unit is None:
        return None
    rows = db.session.execute(select(Unit.id, Unit.parent_id, Unit.merged_into_id)).all()
    below: dict[int, list[int]] = {}
    for unit_id, parent_id, merged_into_id in rows:
        for owner in {parent_id, merged_into_id} - {None}:
            below.setdefault(owner, []).append(unit_id)
    found, queue = {unit.id}, [unit.id]
    while queue:
        for child in below.get(queue.pop(), ()):
            if child not in found:
                found.add(child)
                queue.append(child)
    return sorted(found)


# -- the figures ---------------------------------------------------------------------------------

RECEIVED_BUCKETS = ("carried_over", "online", "counter")
# flow kind -> the figure it adds to, summed over the period's days
FLOW_FIGURES = {"digitised": "digitised_applications", "paid_online": "paid_online", "days": "resolution_days"}
OUTCOME_BUCKETS = ("early", "on_time", "late", "refused", "withdrawn", "waiting_citizen", "overdue",
                   "in_progress_on_time")


def _buckets(period: Period):
    """Two small integers per application: how it entered the period (index into RECEIVED_BUCKETS, NULL
    when it ended before the period) and where it stands at the end (index into OUTCOME_BUCKETS, NULL when
    it ended before the period). Counting (unit, service, received, outcome) groups costs two CASE
    evaluations per row instead of a dozen conditional sums, which is what keeps a year under a second."""
    a = Application
    start, end = period.start, period.end
    closed = func.coalesce(a.decided_at, a.completed_at)
    resolved_day = vn_day(closed)
    received = sa.case(
        (a.submitted_at >= start, sa.case((a.channel == "counter", 2), else_=1)),
        (or_(closed.is_(None), closed >= start), 0),
        else_=None)
    outcome = sa.case(
        (closed < start, None),
        (closed < end, sa.case(
            (a.state == "refused", 3),
            (a.state == "withdrawn", 4),
            (a.due_date.is_(None), 1),
            (resolved_day < a.due_date, 0),
            (resolved_day == a.due_date, 1),
            else_=2)),
        (and_(closed.is_(None), a.state.in_(WAITING_STATES)), 5),
        (a.due_date < period.last, 6),
        else_=7)
    return received.label("received"), outcome.label("outcome")


def figures_statement(period: Period, unit_ids: list[int] | None):
    """One aggregate query over the applications alive during the period, grouped by receiving unit,
    service and the two buckets. Alive = submitted before the end and not completed before the start: an
    application completed before the start was also decided before it (`decided_at <= completed_at`)."""
    a = Application
    # `+ 0` turns the unit and service columns into expressions. Without it SQLite prefers walking the
    # whole (unit_id, received_at) index in group order, or probing it for the scope, over a range scan of
    # ix_applications_report, which holds every column read here (an index-only scan on both databases).
    unit_id, service_id = (a.unit_id + 0).label("unit_id"), (a.service_id + 0).label("service_id")
    received, outcome = _buckets(period)
    stmt = (select(unit_id, service_id, received, outcome, func.count().label("n"))
            .where(a.submitted_at < period.end, or_(a.completed_at.is_(None), a.completed_at >= period.start))
            .group_by(unit_id, service_id, received, outcome))
    if unit_ids is not None:
        stmt = stmt.where((a.unit_id + 0).in_(unit_ids))
    return stmt


def ratings_statement(period: Period, unit_ids: list[int] | None):
    stmt = (select(Rating.unit_id, Rating.service_id, Rating.value, func.count())
            .where(Rating.created_at >= period.start, Rating.created_at < period.end)
            .group_by(Rating.unit_id, Rating.service_id, Rating.value))
    if unit_ids is not None:
        stmt = stmt.where(Rating.unit_id.in_(unit_ids))
    return stmt


def cells_by_scan(period: Period, unit_ids: list[int] | None) -> dict[tuple[int, int], Figures]:
    """The figures per (unit, service) read from the applications themselves: one pass over every
    application alive in the period. The reference the daily flows are checked against
    (`flask reports check`, tests/reports); too slow for a province's year, which `cells_from_flows` serves."""
    cells: dict[tuple[int, int], Figures] = {}
    for unit_id, service_id, received, outcome, count in db.session.execute(figures_statement(period, unit_ids)):
        if received is None and outcome is None:
            continue  # decided before the period, collected during it
        cell = cells.setdefault((unit_id, service_id), Figures())
        if received is not None:
            name = RECEIVED_BUCKETS[received]
            setattr(cell, name, getattr(cell, name) + count)
        if outcome is not None:
            name = OUTCOME_BUCKETS[outcome]
            setattr(cell, name, getattr(cell, name) + count)
    _add_ratings(cells, db.session.execute(ratings_statement(period, unit_ids)))
    _add_scanned_flows(cells, period, unit_ids)
    _add_direct_counts(cells, period, unit_ids)
    return cells


def _add_scanned_flows(cells, period: Period, unit_ids):
    """The figures the flows add beyond the buckets (digitised, paid online, resolution days), read from the
    applications one by one: the reference for `cells_from_flows`, with the flows' own definitions."""
    from ..operations.calendar import current_calendar
    a = Application
    closed = func.coalesce(a.decided_at, a.completed_at)
    stmt = (select(a.unit_id, a.service_id, a.state, a.channel, a.submitted_at, a.decided_at, a.completed_at,
                   a.due_date, a.received_at, a.paid_at, digitised_clause(), paid_online_clause())
            .where(a.submitted_at.is_not(None), a.state != "draft",
                   or_(and_(a.submitted_at >= period.start, a.submitted_at < period.end),
                       and_(a.paid_at >= period.start, a.paid_at < period.end),
                       and_(closed >= period.start, closed < period.end))))
    if unit_ids is not None:
        stmt = stmt.where(a.unit_id.in_(unit_ids))
    calendar = current_calendar()
    for row in db.session.execute(stmt):
        for (unit_id, service_id, day, kind), count in flows_module.flows_of(*row, calendar=calendar).items():
            name = FLOW_FIGURES.get(kind)
            if name is not None and period.first <= day <= period.last and count:
                cell = cells.setdefault((unit_id, service_id), Figures())
                setattr(cell, name, getattr(cell, name) + count)


def _add_direct_counts(cells, period: Period, unit_ids):
    """Figures counted straight from their own rows (changed outside fire(), so not flows): digitised results
    and the national portal's deliveries."""
    for name, stmt in (("digitised_results", digitised_results_statement(period, unit_ids)),
                       ("national_synced", national_synced_statement(period, unit_ids))):
        if stmt is None:
            continue
        for unit_id, service_id, count in db.session.execute(stmt):
            if count:
                cell = cells.setdefault((unit_id, service_id), Figures())
                setattr(cell, name, getattr(cell, name) + int(count))


def _add_ratings(cells, rows):
    for unit_id, service_id, value, count in rows:
        if value in RATING_VALUES and count:
            cell = cells.setdefault((unit_id, service_id), Figures())
            setattr(cell, value, getattr(cell, value) + count)


def cells_from_flows(period: Period, unit_ids: list[int] | None) -> dict[tuple[int, int], Figures]:
    """The same figures from the daily flows (portal/reports/flows.py) and the applications open now."""
    f = ReportFlow
    before = func.sum(sa.case((f.day < period.first, f.count), else_=0))
    during = func.sum(sa.case((and_(f.day >= period.first, f.day <= period.last), f.count), else_=0))
    up_to_end = func.sum(sa.case((f.day <= period.last, f.count), else_=0))
    flows = select(f.unit_id, f.service_id, f.kind, before, during, up_to_end).group_by(
        f.unit_id, f.service_id, f.kind)
    if unit_ids is not None:
        flows = flows.where(f.unit_id.in_(unit_ids))
    totals: dict[tuple[int, int], dict[str, tuple[int, int, int]]] = {}
    for unit_id, service_id, kind, n_before, n_during, n_end in db.session.execute(flows):
        totals.setdefault((unit_id, service_id), {})[kind] = (int(n_before or 0), int(n_during or 0),
                                                              int(n_end or 0))
    open_now = _open_now(period, unit_ids)
    cells: dict[tuple[int, int], Figures] = {}
    for key in set(totals) | set(open_now):
        kinds = totals.get(key, {})

        def total(names, index):
            return sum(kinds.get(name, (0, 0, 0))[index] for name in names)
        cell = Figures()
        cell.carried_over = total(flows_module.RECEIVED, 0) - total(flows_module.CLOSED, 0)
        cell.online, cell.counter = total(("online",), 1), total(("counter",), 1)
        for name in flows_module.CLOSED:
            setattr(cell, name, total((name,), 1))
        for name in RATING_VALUES:
            setattr(cell, name, total((name,), 1))
        for kind, name in FLOW_FIGURES.items():
            setattr(cell, name, total((kind,), 1))
        open_at_end = total(flows_module.RECEIVED, 2) - total(flows_module.CLOSED, 2)
        waiting, overdue, on_time = open_now.get(key, (0, 0, 0))
        closed_since = open_at_end - (waiting + overdue + on_time)
        closed_since_overdue = total(("overdue_on",), 2) - total(("overdue_off",), 2)
        cell.waiting_citizen = waiting
        cell.overdue = overdue + closed_since_overdue
        cell.in_progress_on_time = on_time + closed_since - closed_since_overdue
        if not cell.is_empty:
            cells[key] = cell
    _add_direct_counts(cells, period, unit_ids)
    return cells


def _open_now(period: Period, unit_ids) -> dict[tuple[int, int], tuple[int, int, int]]:
    """Applications not closed at all yet and received by the end of the period, by unit and service:
    (waiting for the citizen, overdue at the end, on time at the end)."""
    a = Application
    waiting = a.state.in_(WAITING_STATES)
    overdue = and_(sa.not_(waiting), a.due_date < period.last)
    stmt = (select(a.unit_id, a.service_id,
                   func.sum(sa.case((waiting, 1), else_=0)), func.sum(sa.case((overdue, 1), else_=0)),
                   func.count())
            .where(a.completed_at.is_(None), a.decided_at.is_(None), a.submitted_at < period.end,
                   a.state != "draft")
            .group_by(a.unit_id, a.service_id))
    if unit_ids is not None:
        stmt = stmt.where(a.unit_id.in_(unit_ids))
    result = {}
    for unit_id, service_id, n_waiting, n_overdue, n_all in db.session.execute(stmt):
        n_waiting, n_overdue = int(n_waiting or 0), int(n_overdue or 0)
        result[(unit_id, service_id)] = (n_waiting, n_overdue, int(n_all) - n_waiting - n_overdue)
    return result


def build_report(unit: Unit | None, period: Period, *, by_scan: bool = False) -> Report:
    unit_ids = scope_unit_ids(unit)
    cells = (cells_by_scan if by_scan else cells_from_flows)(period, unit_ids)
    report = Report(unit=unit, period=period)
    per_unit: dict[int, Figures] = {}
    per_service: dict[int, Figures] = {}
    for (unit_id, service_id), figures in cells.items():
        report.total.add(figures)
        per_unit.setdefault(unit_id, Figures()).add(figures)
        per_service.setdefault(service_id, Figures()).add(figures)
    unit_names = _unit_names(unit_ids)
    service_names = _service_names()
    report.by_unit = sorted((Row(k, unit_names.get(k, str(k)), f) for k, f in per_unit.items()),
                            key=lambda r: r.name)
    report.by_service = sorted((Row(k, service_names.get(k, str(k)), f) for k, f in per_service.items()),
                               key=lambda r: r.name)
    return report


def summary(unit: Unit | None, period: Period) -> dict:
    return build_report(unit, period).total.summary()


def _unit_names(unit_ids) -> dict[int, str]:
    stmt = select(Unit.id, Unit.name)
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(unit_ids))
    return dict(db.session.execute(stmt).all())


def _service_names() -> dict[int, str]:
    stmt = select(Service.id, ServiceVersion.name).join(ServiceVersion,
                                                        Service.current_version_id == ServiceVersion.id)
    return dict(db.session.execute(stmt).all())


# -- who sees what -------------------------------------------------------------------------------

def report_units_for(user) -> list[Unit]:
    """The units this person may choose in the report form, top first."""
    from ..auth.permissions import can_view_unit_report, is_admin
    if is_admin(user):
        units = db.session.execute(select(Unit).order_by(Unit.level, Unit.name)).scalars().all()
    elif user.unit is not None:
        units = [u for u in _subtree(user.unit) if can_view_unit_report(user, u)]
    else:
        return []
    order = {"province": 0, "district": 1, "commune": 2}
    return sorted(units, key=lambda u: (not u.active, order.get(u.level, 9), u.name))


def _subtree(unit: Unit) -> list[Unit]:
    ids = scope_unit_ids(unit)
    return db.session.execute(select(Unit).where(Unit.id.in_(ids))).scalars().all()

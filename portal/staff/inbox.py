"""The staff inboxes as queries: what waits for a person's role at their unit (with counts and filters),
the unit's whole register for look-ups, and the deadline badge every row carries."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select

from ..auth.permissions import is_staff
from ..extensions import db
from ..models import Application, Event, Service
from ..operations.inbox import WAITING_FOR
from ..workflows_registry import all_workflows

PER_PAGE = 50
DUE_FILTERS = {"overdue": "Quá hạn", "soon": "Đến hạn trong một ngày làm việc"}


@dataclass(frozen=True)
class InboxFilters:
    service: str = ""  # service slug
    state: str = ""
    due: str = ""  # "", "overdue" or "soon"
    mine: bool = False  # assigned to me (handlers)

    @classmethod
    def from_args(cls, args, user) -> "InboxFilters":
        """Unknown values are dropped rather than refused: a stale bookmark still opens the inbox."""
        state = args.get("state", "")
        due = args.get("due", "")
        return cls(service=(args.get("service") or "").strip(),
                   state=state if state in waiting_states(user) else "",
                   due=due if due in DUE_FILTERS else "",
                   mine=args.get("mine") in ("1", "on", "true"))

    def as_args(self) -> dict:
        out = {"service": self.service, "state": self.state, "due": self.due,
               "mine": "1" if self.mine else ""}
        return {k: v for k, v in out.items() if v}


def waiting_states(user) -> tuple[str, ...]:
    return WAITING_FOR.get(user.role, ()) if is_staff(user) else ()


def state_labels() -> dict[str, str]:
    """Vietnamese state labels; the shipped workflows agree on them, the first definition wins."""
    labels: dict[str, str] = {}
    for workflow in all_workflows().values():
        for name, state in workflow.states.items():
            labels.setdefault(name, state.label)
    return labels


def _waiting_clause(user):
    return (Application.current_unit_id == user.unit_id, Application.state.in_(waiting_states(user)))


def _clock_running():
    """The deadline counts against the office: not paused, not finished."""
    return (Application.paused_at.is_(None), Application.completed_at.is_(None),
            Application.due_date.is_not(None))


def _due_clause(due: str, today: date, calendar):
    if due == "overdue":
        return (*_clock_running(), Application.due_date < today)
    if due == "soon":
        return (*_clock_running(), Application.due_date >= today,
                Application.due_date <= calendar.next_working_day(today))
    return ()


def inbox_query(user, filters: InboxFilters, today: date, calendar):
    """A select() of what waits for this person, the most urgent first (no due date last)."""
    stmt = select(Application).where(*_waiting_clause(user))
    if filters.service:
        stmt = stmt.join(Service, Service.id == Application.service_id).where(Service.slug == filters.service)
    if filters.state:
        stmt = stmt.where(Application.state == filters.state)
    stmt = stmt.where(*_due_clause(filters.due, today, calendar))
    if filters.mine:
        stmt = stmt.where(Application.handler_id == user.id)
    return stmt.order_by(Application.due_date.is_(None), Application.due_date, Application.id)


@dataclass(frozen=True)
class InboxCounts:
    by_state: dict[str, int]
    overdue: int
    soon: int

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


def inbox_counts(user, today: date, calendar) -> InboxCounts:
    rows = dict(db.session.execute(
        select(Application.state, func.count()).where(*_waiting_clause(user))
        .group_by(Application.state)).all())
    by_state = {state: rows.get(state, 0) for state in waiting_states(user)}

    def count(due):
        return db.session.scalar(select(func.count()).select_from(Application)
                                 .where(*_waiting_clause(user), *_due_clause(due, today, calendar)))
    return InboxCounts(by_state=by_state, overdue=count("overdue"), soon=count("soon"))


def services_waiting(user) -> list[tuple[str, str]]:
    """(slug, name) of the services with something in this person's inbox, for the filter."""
    from ..models import ServiceVersion
    rows = db.session.execute(
        select(Service.slug, ServiceVersion.name).join(Application, Application.service_id == Service.id)
        .join(ServiceVersion, ServiceVersion.id == Service.current_version_id)
        .where(*_waiting_clause(user)).distinct().order_by(ServiceVersion.name)).all()
    return [(slug, name) for slug, name in rows]


def unit_register_query(user, code: str = ""):
    """Everything at the person's unit, received by it, or handled by it before it moved on (the same
    reach as `permissions.staff_can_see`), newest first; `code` narrows it by application code."""
    unit_id = user.unit_id
    handled = exists().where(Event.application_id == Application.id, Event.unit_id == unit_id,
                             Event.role != "citizen")
    stmt = (select(Application)
            .where(Application.state != "draft",
                   or_(Application.current_unit_id == unit_id, Application.unit_id == unit_id, handled)))
    code = (code or "").strip().upper()
    if code:
        stmt = stmt.where(func.upper(Application.code).contains(code, autoescape=True))
    return stmt.order_by(Application.submitted_at.desc(), Application.id.desc())


@dataclass(frozen=True)
class DueBadge:
    kind: str  # overdue | today | left | paused
    text: str
    days: int | None = None

    @property
    def css(self) -> str:
        return {"overdue": "bg-danger", "today": "bg-warning text-dark", "left": "bg-success",
                "paused": "bg-secondary"}.get(self.kind, "bg-secondary")


def due_badge(application, today: date, calendar) -> DueBadge | None:
    """"còn N ngày" / "quá hạn N ngày", counted in working days; none once the application is finished."""
    due = application.due_date
    if due is None or application.completed_at is not None:
        return None
    if application.paused_at is not None:
        return DueBadge("paused", "tạm dừng tính hạn")
    left = calendar.working_days_left(today, due)
    if today > due:
        late = -left
        return DueBadge("overdue", f"quá hạn {late} ngày" if late else "đã quá hạn", late)
    if today == due:
        return DueBadge("today", "đến hạn hôm nay", 0)
    return DueBadge("left", f"còn {left} ngày", left)

"""What waits for whom: the staff inboxes as queries (what waits for a person's role at their unit, with
counts and filters), the unit's whole register for look-ups, the deadline badge every row carries, and the
citizen's list of their applications."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import exists, func, or_, select

from workflows.engine import states_waiting_for

from ..application_search import MAX_WORD, MAX_WORDS, matching
from ..auth.permissions import is_citizen, is_staff
from ..extensions import db
from ..i18n import N_, current_language, pattern
from ..models import APPLICATION_STATES, CHANNELS, Application, Event, Service, ServiceVersion
from ..workflows_registry import all_workflows

PER_PAGE = 50
# Translated where shown (|translated).
DUE_FILTERS = {"overdue": N_("Quá hạn"), "soon": N_("Đến hạn trong một ngày làm việc")}
CHANNEL_LABELS = {"online": N_("Trực tuyến"), "counter": N_("Trực tiếp tại quầy"), "national": N_("Cổng DVCQG")}
QUERY_MAX = MAX_WORDS * (MAX_WORD + 1)
TRUE_VALUES = ("1", "on", "true")
QUERY_TOO_LONG = pattern(N_("Nội dung tìm kiếm dài tối đa %(max)s ký tự."))


@dataclass(frozen=True)
class InboxFilters:
    service: str = ""  # service slug
    state: str = ""
    due: str = ""  # "", "overdue" or "soon"
    mine: bool = False  # assigned to me (handlers)
    q: str = ""  # code, name (accent-insensitive), identification number or phone
    channel: str = ""  # CHANNELS

    @classmethod
    def from_args(cls, args, user, *, register: bool = False) -> "InboxFilters":
        """Unknown values dropped (see `parse`, which also says which were refused)."""
        return cls.parse(args, user, register=register)[0]

    @classmethod
    def parse(cls, args, user, *, register: bool = False) -> tuple["InboxFilters", dict[str, list[str]]]:
        """The filters of a page or API query, and the refused values' messages by field (the value is then
        left out, so the page still opens). The inbox offers the states waiting for the person's role, the
        register every state."""
        errors: dict[str, list[str]] = {}

        def chosen(name, allowed, message):
            value = (args.get(name) or "").strip()
            if value and value not in allowed:
                errors[name] = [message]
                return ""
            return value
        states = APPLICATION_STATES if register else waiting_states(user)
        state = chosen("state", states, "Trạng thái này không thuộc danh sách được lọc."
                       if register else "Trạng thái này không thuộc hộp việc của vai trò bạn.")
        due = chosen("due", DUE_FILTERS, "Thời hạn chỉ lọc được «quá hạn» (overdue) hoặc «sắp đến hạn» (soon).")
        channel = chosen("channel", CHANNELS, "Kênh nộp chỉ là online, counter hoặc national.")
        service = (args.get("service") or "").strip()
        if service and db.session.scalar(select(Service.id).where(Service.slug == service)) is None:
            errors["service"] = ["Không có thủ tục này."]
            service = ""
        q = " ".join((args.get("q") or "").split())
        if len(q) > QUERY_MAX:
            errors["q"] = [QUERY_TOO_LONG % {"max": QUERY_MAX}]
            q = ""
        overdue = (args.get("overdue") or "").strip().lower()
        if overdue and overdue not in (*TRUE_VALUES, "0", "off", "false"):
            errors["overdue"] = [N_("Giá trị overdue chỉ là true hoặc false.")]
        elif overdue in TRUE_VALUES:
            due = "overdue"
        return cls(service=service, state=state, due=due, mine=args.get("mine") in TRUE_VALUES, q=q,
                   channel=channel), errors

    def as_args(self) -> dict:
        out = {"service": self.service, "state": self.state, "due": self.due,
               "mine": "1" if self.mine else "", "q": self.q, "channel": self.channel}
        return {k: v for k, v in out.items() if v}

    @property
    def narrowed(self) -> bool:
        """Anything chosen beyond the person's whole list."""
        return bool(self.as_args())


def waiting_states(user) -> tuple[str, ...]:
    """The states in which an application at this person's unit waits for their role, read from the
    workflow definitions (Workflow.states_waiting_for): a new definition needs no code here. Across the
    current definitions, by state name; an application pinned to an older version is listed by the state
    it is in, which the shipped definitions name alike."""
    return states_waiting_for(all_workflows().values(), user.role) if is_staff(user) else ()


def state_labels() -> dict[str, str]:
    """State labels in the page's language; the shipped workflows agree on them, the first definition wins."""
    english = current_language() == "en"
    labels: dict[str, str] = {}
    for workflow in all_workflows().values():
        for name, state in workflow.states.items():
            labels.setdefault(name, state.label_en if english and state.label_en else state.label)
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


def _most_urgent_first():
    return (Application.due_date.is_(None), Application.due_date, Application.id)


def inbox_query(user, filters: InboxFilters, today: date, calendar):
    """A select() of what waits for this person, the most urgent first (no due date last)."""
    stmt = select(Application).where(*_waiting_clause(user))
    return narrow(stmt, user, filters, today, calendar).order_by(*_most_urgent_first())


def narrow(stmt, user, filters: InboxFilters, today: date, calendar):
    """The filters applied to a select() of applications: service, state, channel, deadline, the words
    searched (application_search: one indexed LIKE per word on the folded search text), assigned to me."""
    if filters.service:
        stmt = stmt.join(Service, Service.id == Application.service_id).where(Service.slug == filters.service)
    if filters.state:
        stmt = stmt.where(Application.state == filters.state)
    if filters.channel:
        stmt = stmt.where(Application.channel == filters.channel)
    words = matching(filters.q)
    if words is not None:
        stmt = stmt.where(words)
    stmt = stmt.where(*_due_clause(filters.due, today, calendar))
    if filters.mine:
        stmt = stmt.where(Application.handler_id == user.id)
    return stmt


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
    rows = db.session.execute(
        select(Service.slug, ServiceVersion.name, ServiceVersion.name_en)
        .join(Application, Application.service_id == Service.id)
        .join(ServiceVersion, ServiceVersion.id == Service.current_version_id)
        .where(*_waiting_clause(user)).distinct().order_by(ServiceVersion.name)).all()
    return [(slug, _name(name, name_en)) for slug, name, name_en in rows]


def _name(name: str, name_en: str | None) -> str:
    return name_en if name_en and current_language() == "en" else name


def service_choices() -> list[tuple[str, str]]:
    """(slug, name) of every service, for the register's filter."""
    rows = db.session.execute(select(Service.slug, ServiceVersion.name, ServiceVersion.name_en)
                              .join(ServiceVersion, ServiceVersion.id == Service.current_version_id)
                              .order_by(ServiceVersion.name)).all()
    return [(slug, _name(name, name_en)) for slug, name, name_en in rows]


def unit_register_query(user, code: str = "", filters: InboxFilters | None = None, today: date | None = None,
                        calendar=None):
    """Everything at the person's unit, received by it, or handled by it before it moved on, and the
    counter drafts its desk is entering (the same reach as `permissions.staff_can_see`), newest first;
    `code` narrows it by application code, `filters` as the inbox's do."""
    unit_id = user.unit_id
    handled = exists().where(Event.application_id == Application.id, Event.unit_id == unit_id,
                             Event.role != "citizen")
    reach = (Application.state != "draft") & or_(Application.current_unit_id == unit_id,
                                                 Application.unit_id == unit_id, handled)
    if user.role == "receiver":  # permissions.fills_at_counter: the desk's own walk-in drafts
        reach = or_(reach, (Application.state == "draft") & (Application.channel == "counter")
                    & (Application.unit_id == unit_id))
    stmt = select(Application).where(reach)
    code = (code or "").strip().upper()
    if code:
        stmt = stmt.where(func.upper(Application.code).contains(code, autoescape=True))
    if filters is not None:
        stmt = narrow(stmt, user, filters, today, calendar)
    return stmt.order_by(Application.submitted_at.desc().nulls_first(), Application.id.desc())


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
        return DueBadge("paused", gettext("tạm dừng tính hạn"))
    left = calendar.working_days_left(today, due)
    if today > due:
        late = -left
        return DueBadge("overdue", gettext("quá hạn %(n)s ngày", n=late) if late else gettext("đã quá hạn"), late)
    if today == due:
        return DueBadge("today", gettext("đến hạn hôm nay"), 0)
    return DueBadge("left", gettext("còn %(n)s ngày", n=left), left)


def applications_for(user):
    """A select() of the applications this person should see in their list: a citizen's own, newest first;
    what waits for a staff member, most urgent first."""
    if is_citizen(user):
        return (select(Application).where(Application.applicant_id == user.id)
                .order_by(Application.created_at.desc(), Application.id.desc()))
    if is_staff(user):
        return select(Application).where(*_waiting_clause(user)).order_by(*_most_urgent_first())
    return select(Application).where(Application.id.is_(None))

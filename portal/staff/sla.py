"""The deadline sweep (`flask --app portal sla sweep`): flags the applications whose running clock has passed
their due date, and e-mails each unit's leaders the list of what is overdue or due by the next working day.
It may run as often as cron likes: the flag is set once, and one `SlaNotice` per unit and Vietnam day keeps
a second run from e-mailing again."""
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..formatting import vn_date
from ..models import Application, SlaNotice, Unit, User
from ..operations.calendar import current_calendar
from ..timeutil import utcnow, vn_today
from ..workflows_registry import in_states_where
from ..savepoints import savepoint

log = logging.getLogger(__name__)
DIGEST_TEMPLATE = "sla_digest"  # templates/emails/sla_digest.txt


def clock_running():
    """The application waits in a state whose clock runs (per the definition it runs under), not paused, not
    finished."""
    return (in_states_where(lambda state: state.clock), Application.paused_at.is_(None),
            Application.completed_at.is_(None), Application.due_date.is_not(None))


def flag_overdue(today: date, now: datetime) -> list[int]:
    """Sets `overdue_at` once on every application past its due date with a running clock; returns their ids.
    A table-level UPDATE on purpose: the flag is not a change staff act on, so it must not bump the optimistic
    lock `version` (that would turn every open desk page stale)."""
    ids = list(db.session.scalars(select(Application.id).where(
        *clock_running(), Application.due_date < today, Application.overdue_at.is_(None))))
    if ids:
        table = Application.__table__
        db.session.execute(update(table).where(table.c.id.in_(ids), table.c.overdue_at.is_(None))
                           .values(overdue_at=now))
        db.session.expire_all()
    return ids


@dataclass
class UnitDigest:
    unit: Unit
    leaders: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_next: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.due_next)


def digests(today: date, calendar) -> list[UnitDigest]:
    """Per unit now holding them: applications overdue, due today, or due on the next working day."""
    next_day = calendar.next_working_day(today)
    rows = db.session.scalars(
        select(Application).where(*clock_running(), Application.due_date <= next_day)
        .order_by(Application.due_date, Application.id)).all()
    by_unit: dict[int, UnitDigest] = {}
    for application in rows:
        digest = by_unit.get(application.current_unit_id)
        if digest is None:
            digest = by_unit[application.current_unit_id] = UnitDigest(unit=application.current_unit)
        if application.due_date < today:
            digest.overdue.append(application)
        elif application.due_date == today:
            digest.due_today.append(application)
        else:
            digest.due_next.append(application)
    leaders = defaultdict(list)
    if by_unit:
        for user in db.session.scalars(select(User).where(
                User.kind == "staff", User.role == "leader", User.active.is_(True),
                User.unit_id.in_(list(by_unit))).order_by(User.id)):
            leaders[user.unit_id].append(user)
    for unit_id, digest in by_unit.items():
        digest.leaders = leaders[unit_id]
    return sorted(by_unit.values(), key=lambda d: d.unit.name)


def _claim(unit_id: int, day: date, now: datetime) -> bool:
    """Records today's notice for the unit; False when this or a concurrent sweep already did."""
    if db.session.get(SlaNotice, (unit_id, day)) is not None:
        return False
    try:
        with savepoint(db.session):
            db.session.add(SlaNotice(unit_id=unit_id, day=day, sent_at=now))
    except IntegrityError:
        return False
    return True


def _url(endpoint: str, **values) -> str:
    """A page's address for an e-mail, built from PUBLIC_URL since a sweep has no request."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def _row(application, today: date, calendar) -> dict:
    """Plain values only: the e-mail may be rendered after the commit, or by a worker."""
    late = calendar.working_days_between(application.due_date, today) if application.due_date < today else 0
    return {"code": application.code or f"#{application.id}", "service": application.service_version.name,
            "applicant": application.applicant_full_name, "due_date": vn_date(application.due_date),
            "days_late": late, "url": _url("staff.application", application_id=application.id)}


@dataclass
class SweepReport:
    day: date
    flagged: list[int] = field(default_factory=list)
    notified: list[UnitDigest] = field(default_factory=list)  # e-mailed this run
    already_notified: list[UnitDigest] = field(default_factory=list)  # an earlier run today did
    without_leader: list[UnitDigest] = field(default_factory=list)

    @property
    def emails(self) -> int:
        return sum(len(d.leaders) for d in self.notified)


def sweep(today: date | None = None, now: datetime | None = None) -> SweepReport:
    """Flags and e-mails; never commits (the CLI does). E-mails are queued to go after the commit."""
    from ..notifications import send_email
    today = today or vn_today()
    now = now or utcnow()
    calendar = current_calendar()
    report = SweepReport(day=today, flagged=flag_overdue(today, now))
    for digest in digests(today, calendar):
        if not digest.leaders:
            log.warning("sla sweep: unit %s has no active leader to notify", digest.unit.slug)
            report.without_leader.append(digest)
            continue
        if not _claim(digest.unit.id, today, now):
            report.already_notified.append(digest)
            continue
        subject = (f"[Cổng DVC] {digest.unit.name}: {len(digest.overdue)} hồ sơ quá hạn, "
                   f"{len(digest.due_today) + len(digest.due_next)} hồ sơ sắp đến hạn")
        sections = {name: [_row(a, today, calendar) for a in getattr(digest, name)]
                    for name in ("overdue", "due_today", "due_next")}
        for leader in digest.leaders:
            send_email(leader.email, subject, DIGEST_TEMPLATE, leader_name=leader.full_name,
                       unit_name=digest.unit.name, day=vn_date(today),
                       next_working_day=vn_date(calendar.next_working_day(today)),
                       inbox_url=_url("staff.inbox"), **sections)
        report.notified.append(digest)
    return report

"""Realistic volume for demonstrations and benchmarks: applications over the last years, across units,
services and states, with their events, due dates from the working-day calendar, payments' pauses,
supplements, liên thông transfers and ratings.

Rows are built in Python and written with Core `insert()` executemany in chunks: the ORM would cost
an object per row, and a million applications (plus several million events) must load in minutes.
Each application's story is simulated from submission and cut at `now`, so its state, timestamps and
events agree with each other and with what `fire()` would have written. No documents are issued
(no PDFs): the volume is for lists and reports.
"""
from __future__ import annotations

import bisect
import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from sqlalchemy import bindparam, func, insert, select

from ..audit.chain import seal_histories
from ..auth.loaders import new_session_token
from ..auth.passwords import hash_password
from ..extensions import db
from ..models import Application, Attachment, Counter, Event, Payment, Rating, Service, Unit, User, UTCDateTime
from ..operations.calendar import current_calendar
from ..operations.catalogue import definition_of
from ..application_search import search_text_of
from ..timeutil import VN, utcnow
from ..workflows_registry import current_version

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
          "Ngô",
          "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Xuân", "Hồng", "Gia"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn",
         "Vân", "Yến"]
CITIZEN_EMAIL = "dan.{n}@volume.demo.vn"


@dataclass
class ServiceInfo:
    id: int
    version_id: int
    workflow: str
    workflow_version_id: int
    processing_days: int
    online_level: int
    fee: int
    intake_units: list
    data_variants: list
    weight: float


class DayIndex:
    """The working-day calendar flattened over a date range: due dates by index arithmetic instead of a
    day-by-day walk, with exactly WorkingCalendar's answers (tests compare them)."""

    def __init__(self, calendar, first: date, last: date):
        self.calendar = calendar
        self.first = first
        self.days: list[date] = []
        self.rank: list[int] = []  # rank[i]: working days on or before first + i
        day, count = first, 0
        while day <= last:
            if calendar.is_working_day(day):
                self.days.append(day)
                count += 1
            self.rank.append(count)
            day += timedelta(days=1)

    def _rank(self, day: date) -> int:
        return self.rank[(day - self.first).days]

    def is_working_day(self, day: date) -> bool:
        i = (day - self.first).days
        return self.rank[i] > (self.rank[i - 1] if i else 0)

    def add(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n >= 1)."""
        return self.days[self._rank(day) + n - 1]

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        return self._rank(end) - self._rank(start) if end > start else 0

    def due_date(self, received: datetime, processing_days: int) -> date:
        local = received.astimezone(VN)
        if processing_days == 0:
            if self.is_working_day(local.date()) and local.hour < self.calendar.cutoff_hour:
                return local.date()
            return self.add(local.date(), 1)
        return self.add(local.date(), processing_days)

    def resume(self, due: date, paused_on: date, resumed_on: date) -> date:
        stopped = self.between(paused_on, resumed_on)
        return self.add(due, stopped) if stopped else due

    def working_day_at_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.add(day, 1)

    def working_days_in(self, first: date, last: date) -> list[date]:
        return self.days[bisect.bisect_left(self.days, first):bisect.bisect_right(self.days, last)]


def _at(day: date, rng, start_hour=8, end_hour=17) -> datetime:
    minutes = rng.randrange(start_hour * 60, end_hour * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60, rng.randrange(60)), VN)


def _sample_value(field, rng, name):
    kind = field.type
    if kind == "national_id":
        return f"0{rng.randrange(10**10, 10**11)}"
    if kind == "phone":
        return f"09{rng.randrange(10**7, 10**8)}"
    if kind == "email":
        return f"nguoidan{rng.randrange(10**6)}@example.vn"
    if kind == "date":
        return (date(1950, 1, 1) + timedelta(days=rng.randrange(25000))).isoformat()
    if kind == "integer":
        low = field.min if field.min is not None else 1
        high = field.max if field.max is not None else max(low, 1) + 9
        return rng.randint(max(low, 1) if high >= 1 else low, max(high, low))
    if kind in ("select", "radio"):
        return rng.choice(field.choices)
    if kind == "checkbox":
        return True
    if kind == "textarea":
        return "Thôn " + rng.choice(GIVEN) + ", tỉnh Vĩnh Phúc"
    return name[: field.max_length or 100]


class Generator:
    def __init__(self, *, years: float = 2.0, seed: int = 2026, now: datetime | None = None,
                 chunk: int = 20000, citizens: int | None = None, progress=None):
        self.rng = random.Random(seed)
        self.now = (now or utcnow()).astimezone(VN)
        self.years = years
        self.chunk = chunk
        self.citizen_count = citizens
        self.progress = progress or (lambda done, total: None)

    # -- set-up ---------------------------------------------------------------------------------

    def _load_world(self, n: int):
        today = self.now.date()
        self.first_day = today - timedelta(days=int(365 * self.years))
        self.days = DayIndex(current_calendar(), self.first_day - timedelta(days=10),
                             today + timedelta(days=400))
        units = db.session.execute(select(Unit).where(Unit.active.is_(True))).scalars().all()
        self.units = {u.id: u for u in units}
        if not units:
            raise RuntimeError("no active unit: run `flask --app portal seed-demo` first")
        self.staff = {}
        for user in db.session.execute(select(User).where(User.kind == "staff",
                                                          User.active.is_(True))).scalars():
            self.staff.setdefault((user.unit_id, user.role), user.id)
        self.services = []
        self.document_keys = {}
        weights = {"dang-ky-khai-sinh": 5, "chung-thuc-ban-sao-tu-ban-chinh": 8, "dang-ky-khai-tu": 1.5,
                   "xac-nhan-tinh-trang-hon-nhan": 3}
        for service in db.session.execute(select(Service).where(Service.active.is_(True))).scalars():
            version = service.current
            if version is None:
                continue
            intake = [u.id for u in units if u.level == version.intake]
            if version.workflow == "commune-to-district":
                intake = [uid for uid in intake if self.units[uid].parent_id in self.units]
            if not intake:
                continue
            definition = definition_of(version)
            self.document_keys[service.id] = definition.documents[0].key if definition.documents else "giay-to"
            variants = []
            for _ in range(40):
                name = f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"
                variants.append({f.name: _sample_value(f, self.rng, name) for f in definition.fields
                                 if f.required})
            fee = definition.fee.compute(variants[0]) if not definition.fee.is_free else 0
            self.services.append(ServiceInfo(
                id=service.id, version_id=version.id, workflow=version.workflow,
                workflow_version_id=current_version(version.workflow).id,
                processing_days=version.processing_days, online_level=version.online_level, fee=fee,
                intake_units=intake, data_variants=variants, weight=weights.get(service.slug, 1.0)))
        if not self.services:
            raise RuntimeError("no active service: run `flask --app portal services load` first")
        self.service_weights = [s.weight for s in self.services]
        self.citizens = self._citizens(self.citizen_count or max(50, min(20000, n // 50)))
        self.counters = {}
        for scope, value in db.session.execute(select(Counter.scope, Counter.value)
                                               .where(Counter.scope.like("code:%"))):
            self.counters[scope] = value
        self.next_id = (db.session.execute(select(func.max(Application.id))).scalar() or 0) + 1

    def _citizens(self, count: int) -> list[tuple[int, str]]:
        """Generated citizens share one password hash of a random secret: they exist to own applications,
        nobody can sign in as them."""
        existing = db.session.execute(select(User.id,
                                             User.phone).where(User.email.like("dan.%@volume.demo.vn"))
                                      .order_by(User.id)).all()
        self.people = {}  # id -> (name, identification number, phone): the applications' search text
        have = len(existing)
        if have < count:
            unusable = hash_password(new_session_token())
            rows = []
            for n in range(have, count):
                name = f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"
                rows.append({"email": CITIZEN_EMAIL.format(n=n), "password_hash": unusable, "full_name": name,
                             "phone": f"09{n:08d}"[:10], "national_id": f"9{n:011d}", "kind": "citizen",
                             "session_token": new_session_token(), "active": True, "locale": "vi",
                             "address": "tỉnh Vĩnh Phúc", "title": "", "created_at": utcnow()})
            for start in range(0, len(rows), self.chunk):
                db.session.execute(insert(User.__table__), rows[start:start + self.chunk])
            existing = db.session.execute(select(User.id, User.phone)
                                          .where(User.email.like("dan.%@volume.demo.vn"))
                                          .order_by(User.id)).all()
        for user_id, name, national_id, phone in db.session.execute(
                select(User.id, User.full_name, User.national_id, User.phone)
                .where(User.email.like("dan.%@volume.demo.vn"))):
            self.people[user_id] = (name, national_id, phone)
        return [tuple(row) for row in existing[:count]]

    # -- one application -------------------------------------------------------------------------

    def _story(self, app_id: int, submitted: datetime, service: ServiceInfo, unit_id: int):
        """The events of one application up to now, and the application row they leave behind."""
        rng, days = self.rng, self.days
        unit = self.units[unit_id]
        self.extras = {"attachments": [], "payments": []}  # rows of this application's other tables
        channel = "online" if rng.random() < (0.82 if service.online_level == 4 else 0.6) else "counter"
        if channel == "counter":
            submitted = _at(days.working_day_at_or_after(submitted.date()), rng, 7, 17)
            scanned = submitted - timedelta(minutes=rng.randrange(1, 5))  # digitised at the desk (issue 11)
            self.extras["attachments"].append({
                "application_id": app_id, "document_key": self.document_keys[service.id],
                "filename": "ban-quet.pdf", "stored_name": f"volume-{app_id}.pdf",
                "content_type": "application/pdf", "size": 1, "sha256": "0" * 64, "superseded": False,
                "uploaded_by_id": self.staff.get((unit_id, "receiver")),
                "digitised_by_id": self.staff.get((unit_id, "receiver")), "digitised_at": scanned,
                "checked_against_original": True, "created_at": scanned})
        applicant_id, phone = rng.choice(self.citizens)
        receiver = self.staff.get((unit_id, "receiver"))
        row = {
            "id": app_id, "service_id": service.id, "service_version_id": service.version_id,
            "applicant_id": applicant_id, "unit_id": unit_id, "current_unit_id": unit_id, "handler_id": None,
            "workflow": service.workflow, "workflow_version_id": service.workflow_version_id,
            "state": "submitted", "channel": channel,
            "data": rng.choice(service.data_variants), "applicant_phone": phone, "fee_amount": service.fee,
            "paid_at": None, "delivery": None, "submitted_at": submitted, "received_at": None,
            "due_date": None,
            "original_due_date": None, "step_due_date": None, "paused_at": None, "decided_at": None,
            "completed_at": None, "overdue_at": None,
            "created_at": submitted - timedelta(minutes=rng.randrange(5, 90)),
        }
        events = []
        now = self.now
        state = {"value": "draft", "unit": unit_id}

        def event(when, action, role, actor, to_state, details=None, note="", at_unit=None):
            if when > now:
                return False
            events.append({
                "application_id": app_id, "action": action, "actor_id": actor, "role": role,
                "unit_id": at_unit if at_unit is not None else state["unit"], "from_state": state["value"],
                "to_state": to_state, "note": note, "details": details or {}, "created_at": when})
            state["value"] = to_state
            row["state"] = to_state
            row["updated_at"] = when
            return True

        if channel == "counter":
            event(submitted, "submit", "receiver", receiver, "submitted",
                  note="Tiếp nhận trực tiếp tại Bộ phận Một cửa")
        else:
            event(submitted, "submit", "citizen", applicant_id, "submitted")
        sub_day = submitted.date()
        fate = rng.random()
        if fate < 0.03:  # refused at the desk
            when = _at(days.add(sub_day, rng.randint(1, 2)), rng)
            if event(when, "refuse", "receiver", receiver, "refused",
                     note="Hồ sơ không thuộc thẩm quyền giải quyết"):
                row["completed_at"] = when
            return row, events, None
        if channel == "counter":
            accepted = submitted + timedelta(minutes=rng.randrange(3, 20))
        elif submitted.hour < 15 and days.is_working_day(sub_day):
            accepted = submitted + timedelta(minutes=rng.randrange(20, 150))
        else:
            accepted = _at(days.add(sub_day, 1), rng, 8, 11)
        due = days.due_date(accepted, service.processing_days)
        paying = service.fee > 0
        to_state = "awaiting_payment" if paying else "processing"
        if not event(accepted, "accept", "receiver", receiver, to_state, {"due_date": due.isoformat()}):
            return row, events, None
        row.update(received_at=accepted, due_date=due, original_due_date=due, step_due_date=due)
        cursor = accepted
        if paying:
            row["paused_at"] = accepted
            paid = _at(days.add(accepted.date(), rng.choice((0, 0, 1, 1, 2)) or 1),
                       rng) if rng.random() < 0.7 \
                else accepted + timedelta(minutes=rng.randrange(30, 240))
            if paid <= accepted:
                paid = accepted + timedelta(minutes=30)
            due = days.resume(due, accepted.date(), paid.date())
            online_pay = channel == "online" and rng.random() < 0.6
            if not event(paid, "pay", "system" if online_pay else "receiver",
                         None if online_pay else receiver,
                         "processing", {"due_date": due.isoformat()}):
                return row, events, None
            row.update(paused_at=None, paid_at=paid, due_date=due, step_due_date=due)
            if online_pay:
                self.extras["payments"].append({
                    "application_id": app_id, "provider": "vnpay", "txn_ref": f"VOL{app_id}",
                    "amount": service.fee, "state": "paid", "gateway_txn_no": "", "response_code": "00",
                    "bank_code": "NCB", "raw": None, "created_at": paid, "paid_at": paid,
                    "recorded_by_id": None})
            cursor = paid
        handler = self.staff.get((unit_id, "handler"))
        if rng.random() < 0.10:  # a supplement request, once
            asked = _at(days.add(cursor.date(), 1), rng)
            if not event(asked, "request_supplement", "handler", handler, "supplement_requested",
                         note="Đề nghị bổ sung bản sao giấy tờ còn thiếu"):
                return row, events, None
            row["paused_at"] = asked
            if rng.random() < 0.15:
                gave_up = _at(days.add(asked.date(), rng.randint(10, 30)), rng, 7, 22)
                if event(gave_up, "withdraw", "citizen", applicant_id, "withdrawn"):
                    row.update(completed_at=gave_up, paused_at=None)
                return row, events, None
            back = _at(days.add(asked.date(), rng.randint(1, 8)), rng, 7, 22)
            due = days.resume(due, asked.date(), back.date())
            if not event(back, "resubmit", "citizen", applicant_id, "processing",
                         {"due_date": due.isoformat()}):
                return row, events, None
            row.update(paused_at=None, due_date=due, step_due_date=due)
            cursor = back
        deciding_unit = unit_id
        if service.workflow == "commune-to-district":
            district = unit.parent_id
            forwarded = _at(days.add(cursor.date(), 1), rng)
            if not event(forwarded, "forward", "receiver", receiver, "forwarded",
                         {"from_unit_id": unit_id, "to_unit_id": district}):
                return row, events, None
            state["unit"] = row["current_unit_id"] = deciding_unit = district
            taken = _at(days.add(forwarded.date(), rng.choice((1, 1, 2))), rng)
            if not event(taken, "accept_transfer", "receiver", self.staff.get((district, "receiver")),
                         "processing"):
                return row, events, None
            handler = self.staff.get((district, "handler"))
            cursor = taken
        if rng.random() < 0.02:
            quit_at = _at(days.add(cursor.date(), 1), rng, 7, 22)
            if event(quit_at, "withdraw", "citizen", applicant_id, "withdrawn", at_unit=deciding_unit):
                row["completed_at"] = quit_at
            return row, events, None
        row["handler_id"] = handler
        timing = rng.random()
        earliest = days.add(cursor.date(), 1) if cursor.date() >= due else cursor.date()
        early_days = days.working_days_in(earliest, due - timedelta(days=1))
        if timing < 0.30 and early_days:
            decision_day = rng.choice(early_days)
        elif timing < 0.88:
            decision_day = due
        else:
            decision_day = days.add(max(due, earliest), rng.randint(1, 6))
        decision_day = max(decision_day, earliest)
        decided = _at(decision_day, rng, 9, 17)
        if decided <= cursor:
            decided = cursor + timedelta(minutes=rng.randrange(30, 120))
        proposed = decided - timedelta(minutes=rng.randrange(30, 600))
        if proposed <= cursor:
            proposed = cursor + (decided - cursor) / 2
        if not event(proposed, "submit_for_approval", "handler", handler, "awaiting_approval"):
            return row, events, None
        leader = self.staff.get((deciding_unit, "leader"))
        if rng.random() < 0.03:
            if event(decided, "deny", "leader", leader, "denied", note="Không đủ điều kiện theo quy định"):
                row.update(decided_at=decided, completed_at=decided)
            return row, events, None
        details = {}
        if deciding_unit != unit_id:
            details = {"from_unit_id": deciding_unit, "to_unit_id": unit_id}
        if not event(decided, "approve", "leader", leader, "result_ready", details):
            return row, events, None
        row["decided_at"] = decided
        state["unit"] = row["current_unit_id"] = unit_id
        online_result = service.online_level == 4 and channel == "online" and rng.random() < 0.5
        delivered = (decided + timedelta(hours=rng.randrange(1, 30)) if online_result
                     else _at(days.add(decided.date(), rng.choice((0, 1, 1, 2, 3)) or 1), rng))
        if online_result:
            ok = event(delivered, "deliver", "citizen", applicant_id, "completed")
        else:
            ok = event(delivered, "deliver", "receiver", receiver, "completed")
        if not ok:
            return row, events, None
        row["completed_at"] = delivered
        rating = None
        if rng.random() < 0.3:
            rated = delivered + timedelta(hours=rng.randrange(1, 72))
            if rated <= now:
                roll = rng.random()
                rating = {"application_id": app_id, "unit_id": unit_id, "service_id": service.id,
                          "value": ("satisfied" if roll < 0.8
                                    else "normal" if roll < 0.95 else "unsatisfied"),
                          "comment": "", "created_at": rated}
        return row, events, rating

    def _code(self, row) -> str:
        day = row["submitted_at"].astimezone(VN).strftime("%y%m%d")
        scope = f"code:{row['unit_id']}:{day}"
        value = self.counters.get(scope, 0) + 1
        self.counters[scope] = value
        return f"{self.units[row['unit_id']].code}-{day}-{value:04d}"

    # -- the run ---------------------------------------------------------------------------------

    def run(self, n: int) -> dict:
        self._load_world(n)
        rng = self.rng
        span = (self.now - datetime.combine(self.first_day, time(0), VN)).total_seconds()
        offsets = sorted(rng.random() * span for _ in range(n))
        start = datetime.combine(self.first_day, time(0), VN)
        totals = {"applications": 0, "events": 0, "ratings": 0}
        apps, events, ratings = [], [], []
        attachments, payments = self.attachments, self.payments = [], []
        app_id = self.next_id
        for i, offset in enumerate(offsets):
            submitted = start + timedelta(seconds=offset)
            if submitted.hour < 6:  # nobody applies at 3 a.m. in this demo
                submitted += timedelta(hours=7)
            submitted = min(submitted, self.now - timedelta(minutes=1))
            service = rng.choices(self.services, self.service_weights)[0]
            unit_id = rng.choice(service.intake_units)
            row, story, rating = self._story(app_id, submitted, service, unit_id)
            if row["submitted_at"] > self.now:  # a counter application moved to a day not yet come
                continue
            row["code"] = self._code(row)
            row["search_text"] = search_text_of(row["code"], self.people.get(row["applicant_id"], ()),
                                                row["data"])
            attachments.extend(self.extras["attachments"])
            payments.extend(self.extras["payments"])
            row.setdefault("updated_at", row["submitted_at"])
            row["version"] = len(story)
            apps.append(row)
            events.extend(story)
            if rating is not None:
                ratings.append(rating)
            app_id += 1
            if len(apps) >= self.chunk:
                self._flush(apps, events, ratings, totals)
                self.progress(i + 1, n)
        self._flush(apps, events, ratings, totals)
        self._save_counters()
        db.session.commit()
        self.progress(n, n)
        return totals

    def _flush(self, apps, events, ratings, totals):
        seal_histories(events)  # the ORM's insert hook (portal/audit/chain.py) does not see Core inserts
        bulk_insert(Application.__table__, apps)
        bulk_insert(Event.__table__, events)
        bulk_insert(Rating.__table__, ratings)
        bulk_insert(Attachment.__table__, self.attachments)
        bulk_insert(Payment.__table__, self.payments)
        totals["applications"] += len(apps)
        totals["events"] += len(events)
        totals["ratings"] += len(ratings)
        db.session.commit()
        apps.clear()
        events.clear()
        ratings.clear()
        self.attachments.clear()
        self.payments.clear()

    def _save_counters(self):
        """Live submissions continue the daily sequences the generated codes used."""
        known = set(db.session.execute(select(Counter.scope).where(Counter.scope.like("code:%"))).scalars())
        if known:
            table = Counter.__table__
            db.session.execute(table.update().where(table.c.scope == bindparam("s"))
                               .values(value=bindparam("v")),
                               [{"s": s, "v": self.counters[s]} for s in known])
        new_rows = [{"scope": s, "value": v} for s, v in self.counters.items() if s not in known]
        if new_rows:
            db.session.execute(insert(Counter.__table__), new_rows)


def bulk_insert(table, rows: list[dict]):
    """executemany straight on the driver's cursor, values converted the way the column types would:
    SQLAlchemy's per-value type processing costs more than the database's own work at this volume."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    placeholder = "?" if dialect.paramstyle == "qmark" else "%s"
    # Table and column names come from our own Table objects, every value is a bound parameter.
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "  # nosec B608
           f"VALUES ({', '.join(placeholder for _ in names)})")
    sqlite = dialect.name == "sqlite"
    converters = [_converter(table.c[name].type, sqlite) for name in names]
    data = [tuple(convert(row[name]) for name, convert in zip(names, converters)) for row in rows]
    connection.exec_driver_sql(sql, data)


def _identity(value):
    return value


def _converter(column_type, sqlite: bool):
    if isinstance(column_type, UTCDateTime):
        def instant(value):
            if value is None:
                return None
            naive = value.astimezone(timezone.utc).replace(tzinfo=None)
            return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else naive
        return instant
    if isinstance(column_type, sa.JSON):
        return lambda value: None if value is None else json.dumps(value)
    if isinstance(column_type, sa.Date) and sqlite:
        return lambda value: None if value is None else value.isoformat()
    return _identity


def generate(n: int, **options) -> dict:
    """Adds `n` applications (with events and ratings) and commits. Returns the counts written."""
    counts = Generator(**options).run(n)
    from ..reports.flows import rebuild
    counts["report_flows"] = rebuild()  # rows written in bulk bypass fire(): the report flows are recomputed
    db.session.commit()
    return counts

"""The schema. Tables change only through Alembic migrations (migrations/versions)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .extensions import db
from .timeutil import utcnow


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


UNIT_LEVELS = ("province", "district", "commune")
STAFF_ROLES = ("receiver", "handler", "leader")
USER_KINDS = ("citizen", "staff", "admin")


class Unit(db.Model):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str] = mapped_column(sa.String(120))  # "Tam Hồng": the place in "Tam Hồng, ngày …"
    level: Mapped[str] = mapped_column(sa.String(20), index=True)  # data, not an enum: levels can change
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    active: Mapped[bool] = mapped_column(default=True)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[parent_id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(foreign_keys=[parent_id], back_populates="parent",
                                                order_by="Unit.name")

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def __repr__(self):
        return f"<Unit {self.slug}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    full_name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    national_id: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    kind: Mapped[str] = mapped_column(sa.String(10), default="citizen", index=True)
    role: Mapped[str | None] = mapped_column(sa.String(10))  # staff only: receiver | handler | leader
    title: Mapped[str] = mapped_column(sa.String(120), default="")  # "Chủ tịch UBND xã": printed under signatures
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="vi")
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    recovery_codes: Mapped[list | None] = mapped_column(sa.JSON)  # argon2 hashes of unused codes
    session_token: Mapped[str] = mapped_column(sa.String(64), default="")  # rotated at login/logout/password change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship()

    def get_id(self):
        # Flask-Login stores this in the session; rotating session_token logs out every other session.
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self):
        return self.active

    @property
    def is_citizen(self):
        return self.kind == "citizen"

    @property
    def is_staff(self):
        return self.kind == "staff"

    @property
    def is_admin(self):
        return self.kind == "admin"

    def __repr__(self):
        return f"<User {self.email}>"


class Service(db.Model):
    """A procedure in the catalogue; its content lives in versions."""

    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # No foreign key: services and their versions would reference each other, a cycle that SQLite cannot
    # migrate; catalogue.publish() is the only writer and always points at a version of this service.
    current_version_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    current: Mapped[ServiceVersion | None] = relationship(
        primaryjoin="foreign(Service.current_version_id) == ServiceVersion.id", viewonly=True)
    versions: Mapped[list[ServiceVersion]] = relationship(
        foreign_keys="ServiceVersion.service_id", back_populates="service", order_by="ServiceVersion.version")


class ServiceVersion(db.Model):
    """One published definition of a service; applications point at the version they were made under."""

    __tablename__ = "service_versions"
    __table_args__ = (sa.UniqueConstraint("service_id", "version", name="uq_service_versions_service_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    version: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300), default="")
    sector: Mapped[str] = mapped_column(sa.String(120), default="")  # lĩnh vực
    authority: Mapped[str] = mapped_column(sa.String(20))
    intake: Mapped[str] = mapped_column(sa.String(20))
    workflow: Mapped[str] = mapped_column(sa.String(60))
    online_level: Mapped[int] = mapped_column()
    processing_days: Mapped[int] = mapped_column()
    definition: Mapped[dict] = mapped_column(sa.JSON)  # services.loader.to_dict(): the whole parsed file
    source_hash: Mapped[str] = mapped_column(sa.String(64))
    search_text: Mapped[str] = mapped_column(sa.Text, default="")  # accent-folded, lower-case name + code
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship(foreign_keys=[service_id], back_populates="versions")


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        sa.Index("ix_applications_inbox", "current_unit_id", "state", "due_date"),
        sa.Index("ix_applications_unit_received", "unit_id", "received_at"),
        # Period reports (portal/reports/metrics.py): a range on completed_at (NULL = still open) finds the
        # applications alive in a period, and the other columns answer every figure from the index alone.
        sa.Index("ix_applications_report", "completed_at", "submitted_at", "decided_at", "unit_id",
                 "service_id", "state", "channel", "due_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    service_version_id: Mapped[int] = mapped_column(sa.ForeignKey("service_versions.id"))
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))  # the receiving (intake) unit
    current_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))  # where it waits now
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    workflow: Mapped[str] = mapped_column(sa.String(60))
    state: Mapped[str] = mapped_column(sa.String(30), index=True, default="draft")
    version: Mapped[int] = mapped_column(default=1)
    channel: Mapped[str] = mapped_column(sa.String(10), default="online")  # online | counter
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    applicant_phone: Mapped[str] = mapped_column(sa.String(20), default="")  # for the public lookup
    fee_amount: Mapped[int] = mapped_column(default=0)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivery: Mapped[dict | None] = mapped_column(sa.JSON)  # {"method": "online"|"desk"|"post", "address": …}
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # accepted at the desk: clock starts
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    original_due_date: Mapped[date | None] = mapped_column(sa.Date)
    step_due_date: Mapped[date | None] = mapped_column(sa.Date)  # the current unit's own step deadline
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # clock stopped (waiting for the citizen)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # result delivered / refused / withdrawn
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # flagged by the deadline sweep
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Optimistic locking: every UPDATE says WHERE version = <read version>. The version is stepped by
    # transitions.touch(), once per action however many flushes the action's effects need.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    service: Mapped[Service] = relationship()
    service_version: Mapped[ServiceVersion] = relationship()
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    current_unit: Mapped[Unit] = relationship(foreign_keys=[current_unit_id])
    attachments: Mapped[list[Attachment]] = relationship(back_populates="application", order_by="Attachment.id")
    events: Mapped[list[Event]] = relationship(back_populates="application", order_by="Event.id")
    documents: Mapped[list[Document]] = relationship(back_populates="application", order_by="Document.id")


class Attachment(db.Model):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    document_key: Mapped[str] = mapped_column(sa.String(60))
    filename: Mapped[str] = mapped_column(sa.String(255))  # the citizen's name for it, directory parts stripped
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)  # generated; files live outside static/
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    superseded: Mapped[bool] = mapped_column(default=False)  # replaced by a newer upload for the same document
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="attachments")


class Event(db.Model):
    """Append-only history: one row per action."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(sa.String(20))  # citizen | receiver | handler | leader | admin | system
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    from_state: Mapped[str | None] = mapped_column(sa.String(30))
    to_state: Mapped[str] = mapped_column(sa.String(30))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # Effects add to the details while the transition runs; MutableDict records those changes.
    details: Mapped[dict | None] = mapped_column(MutableDict.as_mutable(sa.JSON))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class Counter(db.Model):
    """Gap-free sequences: application codes per unit and day, document numbers per unit, kind and year."""

    __tablename__ = "counters"
    scope: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class Document(db.Model):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)  # verification code in the QR
    kind: Mapped[str] = mapped_column(sa.String(30))  # receipt | supplement_request | … | result | payment_receipt
    number: Mapped[str] = mapped_column(sa.String(40))  # "12/2026/TNHS": per unit, kind and year
    title: Mapped[str] = mapped_column(sa.String(300))
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    holder_name: Mapped[str] = mapped_column(sa.String(120), default="")
    signer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    signer_title: Mapped[str] = mapped_column(sa.String(120), default="")
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()
    signed: Mapped[bool] = mapped_column(default=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(sa.Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    details: Mapped[dict | None] = mapped_column(sa.JSON)

    application: Mapped[Application | None] = relationship(back_populates="documents")
    unit: Mapped[Unit] = relationship()


class Payment(db.Model):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(20))  # vnpay | desk
    txn_ref: Mapped[str] = mapped_column(sa.String(64), unique=True)
    amount: Mapped[int] = mapped_column()  # VND
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")  # pending | paid | failed
    gateway_txn_no: Mapped[str] = mapped_column(sa.String(64), default="")
    response_code: Mapped[str] = mapped_column(sa.String(8), default="")
    bank_code: Mapped[str] = mapped_column(sa.String(20), default="")
    raw: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    application: Mapped[Application] = relationship()


class Rating(db.Model):
    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    value: Mapped[str] = mapped_column(sa.String(12))  # satisfied | normal | unsatisfied
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarOverride(db.Model):
    """Days the holidays package does not know: extra days off, and make-up working days on a weekend."""

    __tablename__ = "calendar_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # off | work
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportFlow(db.Model):
    """Daily counts that the period reports add up (portal/reports/flows.py): applications received, closed
    by outcome, entering and leaving the overdue backlog, and ratings, per receiving unit and service. Kept
    by fire() and the rating operation; `flask reports rebuild` recomputes them from the applications."""

    __tablename__ = "report_flows"
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class SlaNotice(db.Model):
    """One deadline e-mail per unit and day, so the sweep can run as often as cron likes."""

    __tablename__ = "sla_notices"
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditLog(db.Model):
    """Administrative changes (staff, units, services, calendar): who did what to which record."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(60))
    target: Mapped[str] = mapped_column(sa.String(120))
    details: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

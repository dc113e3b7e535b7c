"""The schema. Tables change only through Alembic migrations (migrations/versions)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.dialects import postgresql
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


# "department": a provincial department (Sở) that decides procedures received at the communes (liên thông).
UNIT_LEVELS = ("province", "district", "commune", "department")
STAFF_ROLES = ("receiver", "handler", "leader")
USER_KINDS = ("citizen", "staff", "admin")
# Closed vocabularies the database itself refuses to leave (CHECK constraints; migration 0002 and later
# ones copy these lists, so a new value needs a migration too).
APPLICATION_STATES = ("draft", "submitted", "supplement_requested", "processing", "forwarded",  # DESIGN §4
                      "awaiting_approval", "awaiting_payment", "result_ready", "completed", "refused",
                      "denied", "withdrawn")
CHANNELS = ("online", "counter", "national")
# refund_due: the gateway took the money but the application no longer waited for it (paid at the desk
# meanwhile, or withdrawn): staff refund it. Only a `paid` payment paid the application.
PAYMENT_STATES = ("pending", "paid", "failed", "refund_due")
RATING_VALUES = ("satisfied", "normal", "unsatisfied")

# JSONB on PostgreSQL (binary, indexable), plain JSON elsewhere. Every JSON column uses this type.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def one_of(column: str, values, *, nullable: bool = False) -> sa.CheckConstraint:
    """CHECK (column IN (values)), named ck_<table>_<column> by the naming convention (extensions.NAMING)."""
    condition = f"{column} IN ({', '.join(repr(value) for value in values)})"
    return sa.CheckConstraint(f"{column} IS NULL OR {condition}" if nullable else condition, name=column)


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
    # Circular 03/2025 form headers: "Bộ phận Một cửa" when empty, or e.g. "Trung tâm Phục vụ hành chính công".
    one_stop_name: Mapped[str | None] = mapped_column(sa.String(200))
    return_time: Mapped[time | None] = mapped_column(sa.Time)  # hour of return on form 01; 17:00 when empty
    active: Mapped[bool] = mapped_column(default=True)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    # The code before the switch to two levels (admin/units.py); codes of older applications start with it.
    former_code: Mapped[str | None] = mapped_column(sa.String(40))
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
    __table_args__ = (one_of("kind", USER_KINDS), one_of("role", STAFF_ROLES, nullable=True))
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
    recovery_codes: Mapped[list | None] = mapped_column(JSON)  # argon2 hashes of unused codes
    session_token: Mapped[str] = mapped_column(sa.String(64), default="")  # rotated at login/logout/password change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship()

    def get_id(self):
        # Flask-Login stores this in the session; rotating session_token logs out every other session.
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self):
        return self.active

    def __repr__(self):
        return f"<User {self.email}>"


class Service(db.Model):
    """A procedure in the catalogue; its content lives in versions."""

    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Services and their versions reference each other: use_alter adds this key after both tables exist
    # (named by the convention, so SQLite can drop it in batch mode). catalogue.publish() is the only writer.
    current_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_versions.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    current: Mapped[ServiceVersion | None] = relationship(foreign_keys=[current_version_id], viewonly=True)
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
    # services.loader.to_dict(): the whole parsed file (~10 KB of JSON). Deferred: versions never change, so
    # catalogue.definition_of parses it once per process and every other load of the row skips it.
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)
    source_hash: Mapped[str] = mapped_column(sa.String(64))
    search_text: Mapped[str] = mapped_column(sa.Text, default="")  # accent-folded, lower-case name + code
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship(foreign_keys=[service_id], back_populates="versions")


class ServiceRoute(db.Model):
    """The unit that decides a service received at `unit` (or below it), where that is not the unit the
    service's `authority` level resolves to (portal/operations/routing.py): another commune, a department."""

    __tablename__ = "service_routes"
    __table_args__ = (sa.UniqueConstraint("service_id", "unit_id", name="uq_service_routes_service_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))  # the receiving unit (or an ancestor)
    deciding_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")  # the decision or delegation it follows
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship()
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    deciding_unit: Mapped[Unit] = relationship(foreign_keys=[deciding_unit_id])


class WorkflowVersion(db.Model):
    """One workflow definition as it was loaded (portal/workflows_registry.py records one per change of its
    hash); an application keeps the version it started under, so editing a definition changes no open
    application's rules."""

    __tablename__ = "workflow_versions"
    __table_args__ = (sa.UniqueConstraint("name", "source_hash", name="uq_workflow_versions_name_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))  # the definition's file stem
    # The definition file's text, parsed again when needed; deferred, as workflow_for_version reads it only
    # for a hash it has not cached.
    source: Mapped[str] = mapped_column(sa.Text, deferred=True)
    source_hash: Mapped[str] = mapped_column(sa.String(64))  # workflows.engine.definition_hash
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        sa.Index("ix_applications_inbox", "current_unit_id", "state", "due_date"),
        sa.Index("ix_applications_unit_received", "unit_id", "received_at"),
        # Period reports (portal/reports/metrics.py): a range on completed_at (NULL = still open) finds the
        # applications alive in a period, and the other columns answer every figure from the index alone.
        sa.Index("ix_applications_report", "completed_at", "submitted_at", "decided_at", "unit_id",
                 "service_id", "state", "channel", "due_date"),
        one_of("state", APPLICATION_STATES),
        one_of("channel", CHANNELS),
        # The desk's search (portal/application_search.py): a trigram index answers LIKE '%word%' on PostgreSQL.
        sa.Index("ix_applications_search_text", "search_text", postgresql_using="gin",
                 postgresql_ops={"search_text": "gin_trgm_ops"}),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    service_version_id: Mapped[int] = mapped_column(sa.ForeignKey("service_versions.id"))
    # NULL: a counter application for a person without an account (the person is then known by the applicant_*
    # columns below until they claim it: portal/citizen/claim.py).
    applicant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The person as identified at the desk (counter applications): personal identification number and name.
    applicant_national_id: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    applicant_name: Mapped[str | None] = mapped_column(sa.String(120))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))  # the receiving (intake) unit
    current_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))  # where it waits now
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    workflow: Mapped[str] = mapped_column(sa.String(60))
    # The rules it runs under, pinned with the service version (NULL: rows from before migration 0003 whose
    # definition file was missing then; they follow the current definition).
    workflow_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workflow_versions.id"))
    state: Mapped[str] = mapped_column(sa.String(30), index=True, default="draft")
    version: Mapped[int] = mapped_column(default=1)
    channel: Mapped[str] = mapped_column(sa.String(10), default="online")  # CHANNELS
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    applicant_phone: Mapped[str] = mapped_column(sa.String(20), default="")  # for the public lookup
    fee_amount: Mapped[int] = mapped_column(default=0)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivery: Mapped[dict | None] = mapped_column(JSON)  # {"method": "online"|"desk"|"post", "address": …}
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # accepted at the desk: clock starts
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    original_due_date: Mapped[date | None] = mapped_column(sa.Date)
    step_due_date: Mapped[date | None] = mapped_column(sa.Date)  # the current unit's own step deadline
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # clock stopped (waiting for the citizen)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # result delivered / refused / withdrawn
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # flagged by the deadline sweep
    # Form 01/07 of Circular 03/2025: the register book (one per receiving unit and year) and the serial in it.
    register_book: Mapped[str | None] = mapped_column(sa.String(20))
    register_serial: Mapped[int | None] = mapped_column(sa.Integer)
    # The code the national portal (Cổng DVCQG) gave an application submitted there (channel `national`), kept
    # beside ours; unique when set, so the same national message twice finds one application
    # (portal/national/inbound.py).
    national_code: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    # Code, person's name, identification number and phone, folded: kept by portal/application_search.py.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Optimistic locking: every UPDATE says WHERE version = <read version>. The version is stepped by
    # transitions.touch(), once per action however many flushes the action's effects need.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    service: Mapped[Service] = relationship()
    service_version: Mapped[ServiceVersion] = relationship()
    workflow_version: Mapped[WorkflowVersion | None] = relationship()
    applicant: Mapped[User | None] = relationship(foreign_keys=[applicant_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    current_unit: Mapped[Unit] = relationship(foreign_keys=[current_unit_id])
    attachments: Mapped[list[Attachment]] = relationship(back_populates="application", order_by="Attachment.id")
    events: Mapped[list[Event]] = relationship(back_populates="application", order_by="Event.id")
    documents: Mapped[list[Document]] = relationship(back_populates="application", order_by="Document.id")

    @property
    def applicant_full_name(self) -> str:
        """The person's name: as typed at the desk for a counter application, else the account's."""
        return self.applicant_name or (self.applicant.full_name if self.applicant else "")

    @property
    def applicant_nid(self) -> str:
        """The person's personal identification number, from the desk or the account."""
        return self.applicant_national_id or ((self.applicant.national_id or "") if self.applicant else "")


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
    # Digitised (số hóa, Circular 01/2023/TT-VPCP): a paper document scanned at the desk, by whom and when, and
    # whether the scan was checked against the original ("đã đối chiếu bản chính"). NULL: an online upload.
    digitised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    digitised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_against_original: Mapped[bool] = mapped_column(default=False)
    # Picked from the person's electronic store instead of scanned again (Decree 45/2020; migration 0008):
    # the earlier attachment or result it copies (the bytes are copied, so deleting the old draft leaves
    # this file in place and the link NULL).
    reused_from_attachment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attachments.id", ondelete="SET NULL"))
    reused_from_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="attachments")
    digitised_by: Mapped[User | None] = relationship(foreign_keys=[digitised_by_id])


class Event(db.Model):
    """Append-only history: one row per action."""

    __tablename__ = "events"
    __table_args__ = (sa.UniqueConstraint("application_id", "chain_seq", name="uq_events_application_chain"),)
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
    details: Mapped[dict | None] = mapped_column(MutableDict.as_mutable(JSON.copy()))  # a copy: as_mutable tags it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Hash chain per application (portal/audit/chain.py fills these as the row is inserted).
    chain_seq: Mapped[int | None] = mapped_column()
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    row_hash: Mapped[str | None] = mapped_column(sa.String(64))

    application: Mapped[Application] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class Counter(db.Model):
    """Gap-free sequences: application codes per unit and day, document numbers per unit, kind and year."""

    __tablename__ = "counters"
    scope: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


DOCUMENT_SOURCES = ("portal", "scan")  # issued and signed here | a paper (or other system's) result scanned here


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (one_of("source", DOCUMENT_SOURCES),)
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
    details: Mapped[dict | None] = mapped_column(JSON)
    # A digitised result (migration 0008, portal/documents/digitised_results.py): `source` "scan", `number`
    # and `document_date` as printed on the paper, who scanned it and when; not signed by the portal.
    source: Mapped[str] = mapped_column(sa.String(10), default="portal", server_default="portal")
    document_date: Mapped[date | None] = mapped_column(sa.Date)
    digitised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    digitised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # reports count by it (0009)

    application: Mapped[Application | None] = relationship(back_populates="documents")
    unit: Mapped[Unit] = relationship()


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        one_of("state", PAYMENT_STATES),
        # The fee is paid once: a second confirmed payment for one application is refused by the database
        # (the IPN then answers "call again" and, seeing the application paid, records it as refund_due).
        sa.Index("uq_payments_one_paid", "application_id", unique=True,
                 sqlite_where=sa.text("state = 'paid'"), postgresql_where=sa.text("state = 'paid'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(20))  # vnpay | desk
    txn_ref: Mapped[str] = mapped_column(sa.String(64), unique=True)
    amount: Mapped[int] = mapped_column()  # VND
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")  # PAYMENT_STATES
    gateway_txn_no: Mapped[str] = mapped_column(sa.String(64), default="")
    response_code: Mapped[str] = mapped_column(sa.String(8), default="")
    bank_code: Mapped[str] = mapped_column(sa.String(20), default="")
    raw: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    application: Mapped[Application] = relationship()


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (one_of("value", RATING_VALUES),)
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
    # The reports group by (unit, service, kind) over every day: this order, holding the count too, lets
    # SQLite answer without sorting (7x on a year of a province; migration 0009).
    __table_args__ = (sa.Index("ix_report_flows_by_kind", "unit_id", "service_id", "kind", "day", "count"),)
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
    target: Mapped[str] = mapped_column(sa.String(120))  # "unit:<slug>", "user:<id>", "document:<id>", …
    # The account an action was done to, by id (an e-mail in `target` would go stale when it changes).
    target_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    details: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # One hash chain over the whole log (portal/audit/chain.py fills these as the row is inserted).
    chain_seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    row_hash: Mapped[str | None] = mapped_column(sa.String(64))


class ClaimCode(db.Model):
    """A one-time code sent by SMS to the phone a counter application was entered with: with the code of the
    application and the person's identification number, it lets that person's account claim it
    (portal/citizen/claiming.py). Stored hashed; single use; expires; wrong tries counted outside the
    database (a refused request rolls back)."""

    __tablename__ = "claim_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the secret key and the six digits
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()


from . import application_search  # noqa: E402,F401  (keeps applications.search_text on every write)
from .national import inbound_models as _national_inbound  # noqa: E402,F401  (table national_submissions)
from .audit import chain as _audit_chain  # noqa: E402,F401  (hash-chains events and audit rows on insert)
from .outbox import models as _outbox_models  # noqa: E402,F401  (outbox_messages: portal/outbox)
from .reports import models as _report_models  # noqa: E402,F401  (report_submissions: reports/sending.py)

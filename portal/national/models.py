"""Tables of the national-portal status feature (migration 0011).

- `procedure_code_mappings`: the national procedure code (mã TTHC on the national catalogue) a service is
  known by, for a unit and the units below it, or for the whole province (unit NULL). Without a row the
  service's own `code` is sent.
- `dvcqg_sandbox_messages` and `dvcqg_sandbox_dossiers`: what the built-in sandbox national portal
  (portal/national/sandbox.py) received, and what it holds now per application code. Only the sandbox writes
  them; a deployment talking to the real portal leaves them empty."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import JSON, Service, Unit, UTCDateTime
from ..timeutil import utcnow


class ProcedureCodeMapping(db.Model):
    __tablename__ = "procedure_code_mappings"
    __table_args__ = (
        sa.UniqueConstraint("service_id", "unit_id", name="uq_procedure_code_mappings_service_unit"),
        # NULLs are distinct in a UNIQUE constraint: one province-wide row per service needs its own index.
        sa.Index("uq_procedure_code_mappings_province", "service_id", unique=True,
                 sqlite_where=sa.text("unit_id IS NULL"), postgresql_where=sa.text("unit_id IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    national_code: Mapped[str] = mapped_column(sa.String(40))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship()
    unit: Mapped[Unit | None] = relationship()


class SandboxMessage(db.Model):
    """One dossier record the sandbox accepted, once per idempotency key."""

    __tablename__ = "dvcqg_sandbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    client_id: Mapped[str] = mapped_column(sa.String(80))
    ma_ho_so: Mapped[str] = mapped_column(sa.String(60), index=True)
    # The province's own code (MaHoSoDonVi) when MaHoSo is the national portal's (applications submitted there).
    ma_ho_so_don_vi: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    ma_tthc: Mapped[str] = mapped_column(sa.String(40))
    trang_thai: Mapped[int] = mapped_column()
    record: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SandboxDossier(db.Model):
    """What the sandbox holds now for an application code: the last accepted record."""

    __tablename__ = "dvcqg_sandbox_dossiers"
    ma_ho_so: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    trang_thai: Mapped[int] = mapped_column()
    record: Mapped[dict] = mapped_column(JSON)
    # Named by hand: the convention's name is longer than PostgreSQL's 63 characters.
    last_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("dvcqg_sandbox_messages.id", name="fk_dvcqg_sandbox_dossiers_last_message_id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""What was sent to the reporting system: one row per version of a unit's period report (migration 0013).

Rows are only ever added: a corrected period gets version + 1 beside the earlier ones, so what the
receiver was told, and when, stays readable."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import JSON, UTCDateTime, Unit
from ..timeutil import utcnow


class ReportSubmission(db.Model):
    __tablename__ = "report_submissions"
    __table_args__ = (sa.UniqueConstraint("unit_id", "period", "version"),
                      sa.CheckConstraint("version >= 1", name="version"))
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(7))  # "2026-11" or "2026-Q4"
    version: Mapped[int] = mapped_column()
    previous_version: Mapped[int | None] = mapped_column()
    payload_hash: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the unit, period and indicators
    payload: Mapped[dict] = mapped_column(JSON)  # exactly what was put in the outbox
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    unit: Mapped[Unit] = relationship()

    def __repr__(self):
        return f"<ReportSubmission {self.unit_id} {self.period} v{self.version}>"

"""`outbox_messages`: what the portal must tell another system, written in the transaction of the change
that causes it (migration 0010). portal/models.py imports this module so the table is part of the schema."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import JSON, UTCDateTime, one_of
from ..timeutil import utcnow

OUTBOX_STATES = ("pending", "sent", "failed")


class OutboxMessage(db.Model):
    """One message to one destination. `key` is the receiver's idempotency key (unique per destination);
    messages sharing an `ordering_key` are delivered one after the other in id order. A sender owns a
    pending message while `claimed_until` is in the future (the lease): a killed sender's claim expires and
    another one takes the message over."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.UniqueConstraint("destination", "key"),
        one_of("state", OUTBOX_STATES),
        # the sender's question: which pending messages are due, and is an earlier one of their key waiting
        sa.Index("ix_outbox_messages_due", "state", "next_attempt_at"),
        sa.Index("ix_outbox_messages_ordering", "ordering_key", "state", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    destination: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(200))
    ordering_key: Mapped[str] = mapped_column(sa.String(200))
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(sa.String(40))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

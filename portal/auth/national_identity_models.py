"""Which national identity (an OpenID Connect subject at an issuer) signs in to which citizen account.

A table of its own rather than a column on `users`: the subject is the identity provider's opaque, stable
name for the person (the identification number travels as a claim), one account may in time be linked to
the sandbox and to the real VNeID, and unlinking is deleting a row."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import User, UTCDateTime
from ..timeutil import utcnow


class NationalIdentity(db.Model):
    __tablename__ = "national_identities"
    __table_args__ = (
        # One person at one issuer is one account, and an account has at most one identity per issuer.
        sa.UniqueConstraint("issuer", "subject", name="uq_national_identities_issuer_subject"),
        sa.UniqueConstraint("user_id", "issuer", name="uq_national_identities_user_id_issuer"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

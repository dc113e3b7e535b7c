"""What the portal keeps of an application that arrived from the national portal (migration 0012), beside
`applications.national_code`: the message's digest (the same national code sent again with other content is
refused, never silently taken for the first), the contact details the portal's own tables have no place for
(e-mail, address) and when the citizen submitted it there."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Application, UTCDateTime
from ..timeutil import utcnow


class NationalSubmission(db.Model):
    __tablename__ = "national_submissions"
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"),
                                                primary_key=True)
    digest: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the message without its signature headers
    applicant_email: Mapped[str] = mapped_column(sa.String(254), default="")
    applicant_address: Mapped[str] = mapped_column(sa.String(300), default="")
    submitted_nationally_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # NgayNopHoSo
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()

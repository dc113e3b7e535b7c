"""reports sent to the reporting system, versioned per period

Revision ID: 0013
Revises: 0012

- report_submissions: one row per version of a unit's period report ("2026-11", "2026-Q4") put in the
  outbox for the reporting system (portal/reports/sending.py): the version, the one it replaces, the hash of
  its figures, the payload as sent and its outbox message. Rows are only added, never rewritten.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        "report_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_version", sa.Integer(), nullable=True),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_report_submissions_version")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_report_submissions_unit_id_units")),
        sa.ForeignKeyConstraint(["outbox_message_id"], ["outbox_messages.id"], ondelete="SET NULL",
                                name=op.f("fk_report_submissions_outbox_message_id_outbox_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_submissions")),
        sa.UniqueConstraint("unit_id", "period", "version", name=op.f("uq_report_submissions_unit_id")),
    )
    with op.batch_alter_table("report_submissions") as batch:
        batch.create_index(batch.f("ix_report_submissions_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_submissions") as batch:
        batch.drop_index(batch.f("ix_report_submissions_unit_id"))
    op.drop_table("report_submissions")

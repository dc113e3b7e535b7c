"""outbox_messages: one table, one sender (portal/outbox)

Revision ID: 0010
Revises: 0009

- outbox_messages: what the portal must tell another system (the national portal, the reporting system,
  e-mail, SMS), written in the transaction of the change that causes it and delivered by portal/outbox's
  sender: state pending → sent, or failed for an administrator; the lease (claimed_until, claim_token) keeps
  two senders off the same message; (destination, key) is the receiver's idempotency key.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")  # a migration keeps its own copy


def upgrade():
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("destination", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("ordering_key", sa.String(length=200), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("claim_token", sa.String(length=40), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'sent', 'failed')", name=op.f("ck_outbox_messages_state")),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_outbox_messages_application_id_applications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("destination", "key", name=op.f("uq_outbox_messages_destination")),
    )
    with op.batch_alter_table("outbox_messages") as batch:
        batch.create_index(batch.f("ix_outbox_messages_application_id"), ["application_id"], unique=False)
        batch.create_index("ix_outbox_messages_due", ["state", "next_attempt_at"], unique=False)
        batch.create_index("ix_outbox_messages_ordering", ["ordering_key", "state", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_index("ix_outbox_messages_ordering")
        batch.drop_index("ix_outbox_messages_due")
        batch.drop_index(batch.f("ix_outbox_messages_application_id"))
    op.drop_table("outbox_messages")

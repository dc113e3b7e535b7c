"""national portal status: procedure code mapping per unit, sandbox store

Revision ID: 0011
Revises: 0010

- procedure_code_mappings: the national procedure code of a service for a unit and those below it, or for the
  whole province (unit_id NULL: one such row per service, a partial unique index, since NULLs never collide
  in a UNIQUE constraint).
- dvcqg_sandbox_messages / dvcqg_sandbox_dossiers: what the built-in sandbox national portal received (once
  per idempotency key) and what it holds now per application code (portal/national/sandbox.py).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
PROVINCE_INDEX = "uq_procedure_code_mappings_province"


def upgrade():
    op.create_table(
        "procedure_code_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("national_code", sa.String(length=40), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"],
                                name="fk_procedure_code_mappings_service_id_services"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_procedure_code_mappings_unit_id_units"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name="fk_procedure_code_mappings_updated_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_procedure_code_mappings"),
        sa.UniqueConstraint("service_id", "unit_id", name="uq_procedure_code_mappings_service_unit"),
    )
    op.create_index("ix_procedure_code_mappings_service_id", "procedure_code_mappings", ["service_id"],
                    unique=False)
    op.create_index(PROVINCE_INDEX, "procedure_code_mappings", ["service_id"], unique=True,
                    sqlite_where=sa.text("unit_id IS NULL"), postgresql_where=sa.text("unit_id IS NULL"))

    op.create_table(
        "dvcqg_sandbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("client_id", sa.String(length=80), nullable=False),
        sa.Column("ma_ho_so", sa.String(length=60), nullable=False),
        sa.Column("ma_ho_so_don_vi", sa.String(length=60), nullable=True),
        sa.Column("ma_tthc", sa.String(length=40), nullable=False),
        sa.Column("trang_thai", sa.Integer(), nullable=False),
        sa.Column("record", JSON, nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dvcqg_sandbox_messages"),
        sa.UniqueConstraint("idempotency_key", name="uq_dvcqg_sandbox_messages_idempotency_key"),
    )
    op.create_index("ix_dvcqg_sandbox_messages_ma_ho_so", "dvcqg_sandbox_messages", ["ma_ho_so"], unique=False)
    op.create_index("ix_dvcqg_sandbox_messages_ma_ho_so_don_vi", "dvcqg_sandbox_messages", ["ma_ho_so_don_vi"],
                    unique=False)

    op.create_table(
        "dvcqg_sandbox_dossiers",
        sa.Column("ma_ho_so", sa.String(length=60), nullable=False),
        sa.Column("trang_thai", sa.Integer(), nullable=False),
        sa.Column("record", JSON, nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["last_message_id"], ["dvcqg_sandbox_messages.id"],
                                name="fk_dvcqg_sandbox_dossiers_last_message_id"),
        sa.PrimaryKeyConstraint("ma_ho_so", name="pk_dvcqg_sandbox_dossiers"),
    )


def downgrade():
    op.drop_table("dvcqg_sandbox_dossiers")
    op.drop_index("ix_dvcqg_sandbox_messages_ma_ho_so_don_vi", table_name="dvcqg_sandbox_messages")
    op.drop_index("ix_dvcqg_sandbox_messages_ma_ho_so", table_name="dvcqg_sandbox_messages")
    op.drop_table("dvcqg_sandbox_messages")
    op.drop_index(PROVINCE_INDEX, table_name="procedure_code_mappings")
    op.drop_index("ix_procedure_code_mappings_service_id", table_name="procedure_code_mappings")
    op.drop_table("procedure_code_mappings")

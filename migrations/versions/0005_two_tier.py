"""two-tier province: service mapping and liên thông targets

Revision ID: 0005
Revises: 0004

- units.former_code: the code a unit had before the province switched to two levels (applications
  received before keep codes that start with it).
- service_routes: which unit decides a service received at a unit (and every unit below it), when that is
  not the unit the service's `authority` level resolves to: commune -> another commune, commune -> a
  provincial department (portal/operations/routing.py).
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("former_code", sa.String(length=40), nullable=True))
    op.create_table(
        "service_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("deciding_unit_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], name="fk_service_routes_service_id_services"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_service_routes_unit_id_units"),
        sa.ForeignKeyConstraint(["deciding_unit_id"], ["units.id"],
                                name="fk_service_routes_deciding_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_service_routes"),
        sa.UniqueConstraint("service_id", "unit_id", name="uq_service_routes_service_id"),
    )


def downgrade():
    op.drop_table("service_routes")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("former_code")

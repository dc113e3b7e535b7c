"""applications from the national portal: national code beside ours

Revision ID: 0012
Revises: 0011

- applications.national_code: the code the national portal (Cổng DVCQG) gave an application submitted there,
  unique when set (NULLs are distinct on both backends), so one national message makes one application.
- national_submissions: per such application, the message's digest, the e-mail and address the citizen gave
  there, and when they submitted it (portal/national/inbound_models.py).
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

NATIONAL_CODE_UNIQUE = "uq_applications_national_code"


def upgrade():
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("national_code", sa.String(length=60), nullable=True))
        batch.create_unique_constraint(NATIONAL_CODE_UNIQUE, ["national_code"])
    op.create_table(
        "national_submissions",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("applicant_email", sa.String(length=254), nullable=False),
        sa.Column("applicant_address", sa.String(length=300), nullable=False),
        sa.Column("submitted_nationally_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"], ondelete="CASCADE",
                                name="fk_national_submissions_application_id_applications"),
        sa.PrimaryKeyConstraint("application_id", name="pk_national_submissions"),
    )


def downgrade():
    op.drop_table("national_submissions")
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint(NATIONAL_CODE_UNIQUE, type_="unique")
        batch.drop_column("national_code")

"""counter intake: applications for people without an account, digitised attachments, claim codes

Revision ID: 0007
Revises: 0006

- applications.applicant_id becomes nullable: a walk-in applicant may have no account; the person is then
  known by applications.applicant_national_id / applicant_name (and the existing applicant_phone) until
  they claim the application with a one-time code (claim_codes).
- attachments.digitised_by_id / digitised_at / checked_against_original: a paper document scanned at the
  desk (số hóa), by whom, when, and whether checked against the original.
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

NID_INDEX = "ix_applications_applicant_national_id"
DIGITISED_BY_FK = "fk_attachments_digitised_by_id_users"


def upgrade():
    with op.batch_alter_table("applications") as batch:
        batch.alter_column("applicant_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("applicant_national_id", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("applicant_name", sa.String(length=120), nullable=True))
        batch.create_index(NID_INDEX, ["applicant_national_id"], unique=False)
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("digitised_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("digitised_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("checked_against_original", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_foreign_key(DIGITISED_BY_FK, "users", ["digitised_by_id"], ["id"])
    op.create_table(
        "claim_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name="fk_claim_codes_application_id_applications"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name="fk_claim_codes_requested_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_claim_codes"),
    )
    with op.batch_alter_table("claim_codes") as batch:
        batch.create_index("ix_claim_codes_application_id", ["application_id"], unique=False)
        batch.create_index("ix_claim_codes_requested_by_id", ["requested_by_id"], unique=False)


def downgrade():
    op.drop_table("claim_codes")
    with op.batch_alter_table("attachments") as batch:
        batch.drop_constraint(DIGITISED_BY_FK, type_="foreignkey")
        batch.drop_column("checked_against_original")
        batch.drop_column("digitised_at")
        batch.drop_column("digitised_by_id")
    _refuse_unclaimed()
    with op.batch_alter_table("applications") as batch:
        batch.drop_index(NID_INDEX)
        batch.drop_column("applicant_name")
        batch.drop_column("applicant_national_id")
        batch.alter_column("applicant_id", existing_type=sa.Integer(), nullable=False)


def _refuse_unclaimed():
    """Counter applications of people who never claimed them have no account to fall back on, and the old
    schema requires one: the downgrade stops rather than delete public records."""
    if op.get_context().as_sql:  # offline SQL scripts cannot read rows
        return
    left = op.get_bind().execute(sa.text("SELECT count(*) FROM applications WHERE applicant_id IS NULL")).scalar()
    if left:
        raise RuntimeError(f"{left} counter application(s) have no applicant account; claim or export them "
                           "before downgrading below 0007")

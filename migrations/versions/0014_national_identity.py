"""sign-in with the national identity (OpenID Connect)

Revision ID: 0014
Revises: 0013

- national_identities: which subject at which issuer (the VNeID-style identity provider, or its sandbox)
  signs in to which account (portal/auth/national_identity_models.py). Accounts themselves are unchanged:
  the identification number stays in users.national_id.
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "national_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_national_identities_user_id_users",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_national_identities"),
        sa.UniqueConstraint("issuer", "subject", name="uq_national_identities_issuer_subject"),
        sa.UniqueConstraint("user_id", "issuer", name="uq_national_identities_user_id_issuer"),
    )
    with op.batch_alter_table("national_identities") as batch:
        batch.create_index("ix_national_identities_user_id", ["user_id"], unique=False)


def downgrade():
    op.drop_table("national_identities")

"""Circular 03/2025 one-stop forms: unit one-stop names, register book

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # The one-stop unit's name and the hour results are returned (forms 01-07 of Circular 03/2025);
    # empty means "Bộ phận Một cửa" and 17:00.
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('one_stop_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('return_time', sa.Time(), nullable=True))
    # The register book (quyển sổ) and serial number given when an application is received (forms 01, 07).
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('register_book', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('register_serial', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('register_serial')
        batch_op.drop_column('register_book')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('return_time')
        batch_op.drop_column('one_stop_name')

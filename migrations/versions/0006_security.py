"""security: audit chain and account throttling

Revision ID: 0006
Revises: 0005

- events and audit_log: the hash chain (portal/audit/chain.py): chain_seq, prev_hash, row_hash; existing
  rows are sealed in id order (per application for events, one chain for the audit log).
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

CHAIN_COLUMNS = ("chain_seq", "prev_hash", "row_hash")


def upgrade():
    _audit_chain_upgrade()


def downgrade():
    _audit_chain_downgrade()


# -- the audit chain ------------------------------------------------------------------------------------

def _chain_columns():
    return [sa.Column("chain_seq", sa.Integer(), nullable=True),
            sa.Column("prev_hash", sa.String(length=64), nullable=True),
            sa.Column("row_hash", sa.String(length=64), nullable=True)]


def _audit_chain_upgrade():
    with op.batch_alter_table("events") as batch:
        for column in _chain_columns():
            batch.add_column(column)
    with op.batch_alter_table("audit_log") as batch:
        for column in _chain_columns():
            batch.add_column(column)
    _seal_existing_rows(op.get_bind())
    with op.batch_alter_table("events") as batch:
        batch.create_unique_constraint("uq_events_application_chain", ["application_id", "chain_seq"])
    with op.batch_alter_table("audit_log") as batch:
        batch.create_unique_constraint("uq_audit_log_chain_seq", ["chain_seq"])


def _seal_existing_rows(conn):
    # The hash is the one the portal computes (a copy here would drift from it).
    from portal.audit.chain import AUDIT_FIELDS, EVENT_FIELDS, GENESIS, audit_hash, event_hash
    events = _table("events", EVENT_FIELDS)
    previous_app, seq, previous = None, 0, GENESIS
    for row in conn.execute(sa.select(events).order_by(events.c.application_id, events.c.id)).mappings():
        if row["application_id"] != previous_app:
            previous_app, seq, previous = row["application_id"], 0, GENESIS
        seq += 1
        sealed = dict(row, chain_seq=seq, prev_hash=previous)
        previous = event_hash(sealed)
        conn.execute(events.update().where(events.c.id == row["id"])
                     .values(chain_seq=seq, prev_hash=sealed["prev_hash"], row_hash=previous))
    audit = _table("audit_log", AUDIT_FIELDS)
    seq, previous = 0, GENESIS
    for row in conn.execute(sa.select(audit).order_by(audit.c.id)).mappings():
        seq += 1
        sealed = dict(row, chain_seq=seq, prev_hash=previous)
        previous = audit_hash(sealed)
        conn.execute(audit.update().where(audit.c.id == row["id"])
                     .values(chain_seq=seq, prev_hash=sealed["prev_hash"], row_hash=previous))
    # The "audit:chain" counter (the tail's anchor) is made by the first audit row written after this.


def _table(name, fields):
    kinds = {"details": sa.JSON(), "created_at": sa.DateTime()}
    columns = [sa.column("id", sa.Integer)] + [sa.column(field, kinds.get(field)) for field in fields]
    columns += [sa.column("chain_seq", sa.Integer), sa.column("prev_hash", sa.String),
                sa.column("row_hash", sa.String)]
    return sa.table(name, *columns)


def _audit_chain_downgrade():
    sa_counters = sa.table("counters", sa.column("scope", sa.String))
    op.get_bind().execute(sa_counters.delete().where(sa_counters.c.scope == "audit:chain"))
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint("uq_audit_log_chain_seq", type_="unique")
        for name in reversed(CHAIN_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("events") as batch:
        batch.drop_constraint("uq_events_application_chain", type_="unique")
        for name in reversed(CHAIN_COLUMNS):
            batch.drop_column(name)

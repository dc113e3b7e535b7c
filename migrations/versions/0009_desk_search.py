"""desk search: applications.search_text, and an index for digitised results by date

Revision ID: 0009
Revises: 0008

- applications.search_text: code, the person's name, identification number and phone (and those in the
  data), folded to unaccented lower case (portal/application_search.py keeps it); filled here for existing
  rows. On PostgreSQL a trigram GIN index (extension pg_trgm) answers the desk's LIKE '%word%'.
- documents.digitised_at indexed: the reports count digitised results by the day they were scanned.
- report_flows (unit_id, service_id, kind, day, count): the reports' aggregate reads it in group order.
"""
import re

from alembic import op
import sqlalchemy as sa

from services.search import fold

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

SEARCH_INDEX = "ix_applications_search_text"
DIGITISED_INDEX = "ix_documents_digitised_at"
FLOWS_INDEX = "ix_report_flows_by_kind"  # the reports' GROUP BY (unit, service, kind) without a sort
# The same keys as portal/application_search.py at the time of this revision (a migration keeps its own copy).
_PERSON_KEYS = re.compile(r"(full_name|national_id|phone|ho_ten|so_dinh_danh|so_dien_thoai)$")


def _text(code, person, data):
    # The code's tails after each "-" too ("260301-0001", "0001"): words are matched from their start.
    code = code or ""
    tails = [code.split("-", i)[-1] for i in range(1, code.count("-") + 1)]
    parts = [code, *tails, *[value or "" for value in person]]
    for key, value in sorted((data or {}).items()):
        if isinstance(value, str) and _PERSON_KEYS.search(key):
            parts.append(value)
    return " " + fold(" ".join(part for part in parts if part))  # each word follows a space


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    _fill()
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(SEARCH_INDEX, "applications", ["search_text"], postgresql_using="gin",
                        postgresql_ops={"search_text": "gin_trgm_ops"})
    else:
        with op.batch_alter_table("applications") as batch:
            batch.create_index(SEARCH_INDEX, ["search_text"], unique=False)
    with op.batch_alter_table("documents") as batch:
        batch.create_index(DIGITISED_INDEX, ["digitised_at"], unique=False)
    with op.batch_alter_table("report_flows") as batch:
        batch.create_index(FLOWS_INDEX, ["unit_id", "service_id", "kind", "day", "count"], unique=False)


def _fill():
    if op.get_context().as_sql:  # offline SQL scripts cannot read rows
        return
    conn = op.get_bind()
    meta = sa.MetaData()
    applications = sa.Table("applications", meta, autoload_with=conn)
    users = sa.Table("users", meta, autoload_with=conn)
    rows = conn.execute(
        sa.select(applications.c.id, applications.c.code, applications.c.data, applications.c.applicant_name,
                  applications.c.applicant_national_id, applications.c.applicant_phone, users.c.full_name,
                  users.c.national_id, users.c.phone)
        .select_from(applications.outerjoin(users, users.c.id == applications.c.applicant_id))).all()
    updates = [{"row_id": row[0],
                "text": _text(row[1], (row[3] or row[6], row[4] or row[7], row[5] or row[8]), row[2])}
               for row in rows]
    if updates:
        conn.execute(applications.update().where(applications.c.id == sa.bindparam("row_id"))
                     .values(search_text=sa.bindparam("text")), updates)


def downgrade():
    with op.batch_alter_table("report_flows") as batch:
        batch.drop_index(FLOWS_INDEX)
    with op.batch_alter_table("documents") as batch:
        batch.drop_index(DIGITISED_INDEX)
    with op.batch_alter_table("applications") as batch:
        batch.drop_index(SEARCH_INDEX)
        batch.drop_column("search_text")

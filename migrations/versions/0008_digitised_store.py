"""digitised store: reused documents and digitised (scanned) results

Revision ID: 0008
Revises: 0007

- attachments.reused_from_attachment_id / reused_from_document_id: an attachment made by picking a document
  from the person's electronic store (Decree 45/2020, "kho dữ liệu điện tử") instead of scanning it again.
  The file is COPIED under a new stored name (same bytes, same sha256), so the copy stays available when the
  old application's draft and its files are deleted; the link then reads NULL (ON DELETE SET NULL).
- documents.source ('portal': issued and signed by the portal; 'scan': a result issued on paper or by another
  system, scanned here: "bản số hóa", not signed by the portal), document_date (the date printed on it),
  digitised_by_id / digitised_at (who scanned it, when).
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

FK_REUSED_ATTACHMENT = "fk_attachments_reused_from_attachment_id_attachments"
FK_REUSED_DOCUMENT = "fk_attachments_reused_from_document_id_documents"
FK_DIGITISED_BY = "fk_documents_digitised_by_id_users"
CK_SOURCE = "ck_documents_source"


def upgrade():
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("reused_from_attachment_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reused_from_document_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(FK_REUSED_ATTACHMENT, "attachments", ["reused_from_attachment_id"], ["id"],
                                 ondelete="SET NULL")
        batch.create_foreign_key(FK_REUSED_DOCUMENT, "documents", ["reused_from_document_id"], ["id"],
                                 ondelete="SET NULL")
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("source", sa.String(length=10), nullable=False, server_default="portal"))
        batch.add_column(sa.Column("document_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("digitised_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("digitised_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(FK_DIGITISED_BY, "users", ["digitised_by_id"], ["id"])
        batch.create_check_constraint(op.f(CK_SOURCE), "source IN ('portal', 'scan')")


def downgrade():
    _refuse_scans()
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint(op.f(CK_SOURCE), type_="check")
        batch.drop_constraint(FK_DIGITISED_BY, type_="foreignkey")
        batch.drop_column("digitised_at")
        batch.drop_column("digitised_by_id")
        batch.drop_column("document_date")
        batch.drop_column("source")
    with op.batch_alter_table("attachments") as batch:
        batch.drop_constraint(FK_REUSED_DOCUMENT, type_="foreignkey")
        batch.drop_constraint(FK_REUSED_ATTACHMENT, type_="foreignkey")
        batch.drop_column("reused_from_document_id")
        batch.drop_column("reused_from_attachment_id")


def _refuse_scans():
    """Below 0008 a scanned result would read as a result the portal issued: the downgrade stops rather
    than let a paper result pass for one the portal signed."""
    if op.get_context().as_sql:  # offline SQL scripts cannot read rows
        return
    left = op.get_bind().execute(sa.text("SELECT count(*) FROM documents WHERE source = 'scan'")).scalar()
    if left:
        raise RuntimeError(f"{left} digitised (scanned) result(s) exist; export them before downgrading below 0008")

"""CHECK constraints, the current-version foreign key, one confirmed payment, JSONB, audit by user id

Revision ID: 0002
Revises: 0001

The vocabularies are copied here as they stand at this revision (a migration never imports the
application): a later change to portal/models.py's lists needs a migration of its own.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

APPLICATION_STATES = ("draft", "submitted", "supplement_requested", "processing", "forwarded",
                      "awaiting_approval", "awaiting_payment", "result_ready", "completed", "refused",
                      "denied", "withdrawn")
# table -> [(column, allowed values, NULL allowed)]
VOCABULARIES = {
    "users": [("kind", ("citizen", "staff", "admin"), False),
              ("role", ("receiver", "handler", "leader"), True)],
    "applications": [("state", APPLICATION_STATES, False),
                     ("channel", ("online", "counter", "national"), False)],
    "payments": [("state", ("pending", "paid", "failed", "refund_due"), False)],
    "ratings": [("value", ("satisfied", "normal", "unsatisfied"), False)],
}
JSON_COLUMNS = [("users", "recovery_codes"), ("service_versions", "definition"), ("applications", "data"),
                ("applications", "delivery"), ("events", "details"), ("documents", "details"),
                ("payments", "raw"), ("audit_log", "details")]

CURRENT_VERSION_FK = "fk_services_current_version_id_service_versions"
ONE_PAID_INDEX = "uq_payments_one_paid"
AUDIT_USER_FK = "fk_audit_log_target_user_id_users"
AUDIT_USER_INDEX = "ix_audit_log_target_user_id"

payments = sa.table("payments", sa.column("id", sa.Integer), sa.column("application_id", sa.Integer),
                    sa.column("state", sa.String), sa.column("paid_at", sa.DateTime))
applications = sa.table("applications", sa.column("id", sa.Integer), sa.column("paid_at", sa.DateTime))
services = sa.table("services", sa.column("current_version_id", sa.Integer))
service_versions = sa.table("service_versions", sa.column("id", sa.Integer))
users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String))
audit_log = sa.table("audit_log", sa.column("target", sa.String), sa.column("target_user_id", sa.Integer))


def _condition(column, values, nullable):
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IS NULL OR {column} IN ({listed})" if nullable else f"{column} IN ({listed})"


def _refuse_unknown_values(bind):
    """A row outside a vocabulary would make the upgrade fail half-way on SQLite: say which, before."""
    found = []
    for table, checks in VOCABULARIES.items():
        for column, values, nullable in checks:
            bad = bind.execute(sa.text(f"SELECT DISTINCT {column} FROM {table} WHERE NOT "
                                       f"({_condition(column, values, nullable)})")).scalars().all()
            if bad:
                found.append(f"{table}.{column}: {sorted(map(str, bad))}")
    if found:
        raise RuntimeError("values outside the vocabularies; correct them first: " + "; ".join(found))


def _one_paid_payment_each(bind):
    """Before 0002 a fee paid twice left two `paid` rows. The one that paid the application (same paid_at,
    else the first) stays paid; the others become refund_due, which is what they are."""
    twice = (sa.select(payments.c.application_id).where(payments.c.state == "paid")
             .group_by(payments.c.application_id).having(sa.func.count() > 1))
    rows = bind.execute(
        sa.select(payments.c.id, payments.c.application_id, payments.c.paid_at, applications.c.paid_at)
        .join(applications, applications.c.id == payments.c.application_id)
        .where(payments.c.state == "paid", payments.c.application_id.in_(twice))
        .order_by(payments.c.application_id, payments.c.id)).all()
    by_application = {}
    for payment_id, application_id, paid_at, application_paid_at in rows:
        by_application.setdefault(application_id, []).append((paid_at != application_paid_at, payment_id))
    surplus = [payment_id for candidates in by_application.values() for _, payment_id in sorted(candidates)[1:]]
    if surplus:
        bind.execute(payments.update().where(payments.c.id.in_(surplus)).values(state="refund_due"))


def upgrade():
    bind = op.get_bind()
    _refuse_unknown_values(bind)
    _one_paid_payment_each(bind)
    for table, checks in VOCABULARIES.items():
        with op.batch_alter_table(table) as batch_op:
            for column, values, nullable in checks:
                batch_op.create_check_constraint(op.f(f"ck_{table}_{column}"), _condition(column, values, nullable))
    op.create_index(ONE_PAID_INDEX, "payments", ["application_id"], unique=True,
                    sqlite_where=sa.text("state = 'paid'"), postgresql_where=sa.text("state = 'paid'"))

    # A current version that does not exist would break the new key; such a service has no current version.
    bind.execute(services.update().where(services.c.current_version_id.not_in(sa.select(service_versions.c.id)))
                 .values(current_version_id=None))
    with op.batch_alter_table("services") as batch_op:
        batch_op.create_foreign_key(CURRENT_VERSION_FK, "service_versions", ["current_version_id"], ["id"])

    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("target_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(AUDIT_USER_FK, "users", ["target_user_id"], ["id"])
        batch_op.create_index(AUDIT_USER_INDEX, ["target_user_id"], unique=False)
    # "user:<e-mail>" -> target_user_id and "user:<id>"; an e-mail that matches no account stays as it was.
    by_email = (sa.select(users.c.id).where(sa.literal("user:") + users.c.email == audit_log.c.target)
                .scalar_subquery())
    bind.execute(audit_log.update().where(audit_log.c.target.like("user:%")).values(target_user_id=by_email))
    bind.execute(audit_log.update().where(audit_log.c.target_user_id.is_not(None))
                 .values(target=sa.literal("user:") + sa.cast(audit_log.c.target_user_id, sa.String)))

    if bind.dialect.name == "postgresql":
        for table, column in JSON_COLUMNS:
            op.alter_column(table, column, type_=postgresql.JSONB(), existing_type=sa.JSON(),
                            postgresql_using=f"{column}::jsonb")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table, column in JSON_COLUMNS:
            op.alter_column(table, column, type_=sa.JSON(), existing_type=postgresql.JSONB(),
                            postgresql_using=f"{column}::json")

    email = sa.select(users.c.email).where(users.c.id == audit_log.c.target_user_id).scalar_subquery()
    bind.execute(audit_log.update().where(audit_log.c.target_user_id.is_not(None))
                 .values(target=sa.literal("user:") + email))
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_index(AUDIT_USER_INDEX)
        batch_op.drop_constraint(AUDIT_USER_FK, type_="foreignkey")
        batch_op.drop_column("target_user_id")

    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_constraint(CURRENT_VERSION_FK, type_="foreignkey")

    op.drop_index(ONE_PAID_INDEX, table_name="payments")
    for table, checks in VOCABULARIES.items():
        with op.batch_alter_table(table) as batch_op:
            for column, _values, _nullable in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
    # Before 0002 a payment the application did not need was simply paid.
    bind.execute(payments.update().where(payments.c.state == "refund_due").values(state="paid"))

"""The schema comes only from the migrations: up, down, in agreement with the models, and (as SecureDrop
tests each revision) walked one step at a time WITH ROWS IN THE TABLES: the rows survive every upgrade and
every downgrade, and once the guards of 0002 are in place the database itself refuses bad rows.

A revision that rewrites existing rows on purpose lists the columns in REWRITES and checks them in
REVISION_CHECKS; a revision whose tables need rows of their own to be tested adds a loader to ROWS_BEFORE."""
import os
from datetime import date, datetime, time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

import config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
WHEN = datetime(2026, 11, 2, 8, 30)
PAID_AT = datetime(2026, 11, 3, 9, 15)


def _fresh_app(tmp_path):
    from portal import create_app
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql")):
        # A database of its own, named after the one given, so the suite's schema (and another run's) is untouched.
        given = config.TestConfig(tmp_path, url).SQLALCHEMY_DATABASE_URI
        server, name = given.rsplit("/", 1)
        own = f"{name}_migrations"
        admin = sa.create_engine(given, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{own}"'))
        admin.dispose()
        target = f"{server}/{own}"
    else:
        target = f"sqlite:///{tmp_path / 'migrations.db'}"
    return create_app(config.TestConfig(tmp_path, target))


@pytest.fixture
def fresh(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        from portal.extensions import db
        yield db
        db.session.remove()
        db.engine.dispose()


def test_upgrade_matches_models_and_downgrade_empties(fresh):
    db = fresh
    upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == [], diff
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"applications", "events", "units", "users", "documents", "payments"} <= tables
    downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "applications" in sa.inspect(db.engine).get_table_names()


# -- rows, written through the schema of the revision at hand (reflected, never the models) ----------------

def _tables(conn) -> dict[str, sa.Table]:
    meta = sa.MetaData()
    meta.reflect(bind=conn)
    return {name: table for name, table in meta.tables.items() if name != "alembic_version"}


def _table(conn, name):
    return sa.Table(name, sa.MetaData(), autoload_with=conn)


def _filler(column):
    """A plain value for a NOT NULL column a row does not name (later revisions add such columns)."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 0
    if isinstance(kind, sa.DateTime):
        return WHEN
    if isinstance(kind, sa.Date):
        return WHEN.date()
    if isinstance(kind, sa.Time):
        return time(17, 0)
    if isinstance(kind, sa.JSON):
        return {}
    return "x"


def _complete(table, values):
    row = dict(values)
    for column in table.columns:
        if (column.name not in row and not column.nullable and column.server_default is None
                and not (column.primary_key and column.autoincrement in (True, "auto"))):
            row[column.name] = _filler(column)
    return row


def insert(conn, table_name, /, **values):
    table = _table(conn, table_name)
    conn.execute(table.insert().values(**_complete(table, values)))


def _base_rows(conn):
    """Representative rows of the 0001 schema: every table, the vocabularies' values, and the cases 0002
    rewrites (a fee paid twice, audit rows naming a user by e-mail)."""
    insert(conn, "units", id=1, slug="huyen-a", code="H.01", name="UBND huyện A", short_name="A", level="district")
    insert(conn, "units", id=2, slug="xa-b", code="H.01.02", name="UBND xã B", short_name="B", level="commune",
           parent_id=1)
    people = [(1, "citizen@example.vn", "citizen", None), (2, "receiver@example.vn", "staff", "receiver"),
              (3, "handler@example.vn", "staff", "handler"), (4, "leader@example.vn", "staff", "leader"),
              (5, "admin@example.vn", "admin", None)]
    for user_id, email, kind, role in people:
        insert(conn, "users", id=user_id, email=email, full_name=f"Người {user_id}", kind=kind, role=role,
               unit_id=2 if kind == "staff" else None, recovery_codes=["$argon2id$a", "$argon2id$b"],
               national_id=f"0260990000{user_id:02d}" if kind == "citizen" else None, created_at=WHEN)
    insert(conn, "services", id=1, slug="khai-sinh", active=True, created_at=WHEN)
    insert(conn, "service_versions", id=1, service_id=1, version=1, code="1.001193", name="Đăng ký khai sinh",
           authority="commune", intake="commune", workflow="commune", online_level=4, processing_days=3,
           definition={"slug": "khai-sinh", "fields": [{"name": "ho_ten", "required": True}]},
           source_hash="0" * 64, created_at=WHEN)
    conn.execute(sa.text("UPDATE services SET current_version_id = 1 WHERE id = 1"))
    states = [(1, "processing", "online", None), (2, "awaiting_payment", "counter", PAID_AT),
              (3, "completed", "national", PAID_AT), (4, "draft", "online", None)]
    for app_id, state, channel, paid_at in states:
        insert(conn, "applications", id=app_id, code=None if state == "draft" else f"H.01.02-261102-000{app_id}",
               service_id=1, service_version_id=1, applicant_id=1, unit_id=2, current_unit_id=2, workflow="commune",
               state=state, version=3, channel=channel, data={"ho_ten": "Nguyễn Văn An", "so": 1},
               delivery={"method": "post", "address": "Số 1"}, fee_amount=75000, paid_at=paid_at,
               created_at=WHEN, updated_at=WHEN)
        insert(conn, "events", application_id=app_id, action="submit", actor_id=1, role="citizen", unit_id=2,
               from_state="draft", to_state="submitted", note="", details={"effects": ["receipt"]}, created_at=WHEN)
    insert(conn, "attachments", application_id=1, document_key="cccd", filename="cccd.pdf", stored_name="a1",
           content_type="application/pdf", size=10, sha256="1" * 64, superseded=False, created_at=WHEN)
    insert(conn, "documents", code="VC1", kind="receipt", number="1/2026/TNHS", title="Giấy tiếp nhận",
           application_id=1, unit_id=2, stored_name="d1", sha256="2" * 64, size=10, signed=True, issued_at=WHEN,
           revoked_reason="", details={"signed_by": "xa-b"})
    # Application 2 was paid at the desk while its online payment was on the gateway: two paid rows, and the
    # desk one (same paid_at as the application) is the one that paid it.
    insert(conn, "payments", id=1, application_id=2, provider="vnpay", txn_ref="HS2A", amount=75000, state="paid",
           paid_at=datetime(2026, 11, 3, 9, 20), raw={"vnp_ResponseCode": "00"}, created_at=WHEN)
    insert(conn, "payments", id=2, application_id=2, provider="desk", txn_ref="QUAY2", amount=75000, state="paid",
           paid_at=PAID_AT, recorded_by_id=2, created_at=WHEN)
    insert(conn, "payments", id=3, application_id=3, provider="vnpay", txn_ref="HS3", amount=75000, state="paid",
           paid_at=PAID_AT, created_at=WHEN)
    insert(conn, "payments", id=4, application_id=1, provider="vnpay", txn_ref="HS1", amount=75000,
           state="failed", created_at=WHEN)
    insert(conn, "payments", id=5, application_id=1, provider="vnpay", txn_ref="HS1B", amount=75000,
           state="pending", created_at=WHEN)
    insert(conn, "ratings", application_id=3, unit_id=2, service_id=1, value="satisfied", comment="", created_at=WHEN)
    for target in ("user:receiver@example.vn", "user:nobody@example.vn", "unit:xa-b"):
        insert(conn, "audit_log", actor_id=5, action="staff.create", target=target, details={"role": "receiver"},
               created_at=WHEN)
    insert(conn, "calendar_overrides", day=date(2026, 11, 7), kind="work", note="Làm bù", created_at=WHEN)
    insert(conn, "counters", scope="application:2:261102", value=4)
    insert(conn, "report_flows", unit_id=2, service_id=1, day=date(2026, 11, 2), kind="received", count=4)
    insert(conn, "sla_notices", unit_id=2, day=date(2026, 11, 2), sent_at=WHEN)


def snapshot(conn):
    """Every row of every table, in key order."""
    return {name: [dict(row) for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings()]
            for name, table in _tables(conn).items()}


def assert_rows_survived(before, after, rewritten=frozenset()):
    """Every row still there, with the same values in every column both revisions have (but those the
    revision rewrites on purpose)."""
    for name, rows in before.items():
        if name not in after:
            assert not rows, f"{name}: dropped with {len(rows)} rows in it"
            continue
        assert len(after[name]) == len(rows), f"{name}: {len(rows)} rows before, {len(after[name])} after"
        for old, new in zip(rows, after[name]):
            kept = {c for c in old.keys() & new.keys() if (name, c) not in rewritten}
            assert {c: old[c] for c in kept} == {c: new[c] for c in kept}, name


# -- the guards: the database refuses what the vocabularies and keys forbid ----------------------------

def _probe(engine, table, values) -> bool:
    """Whether the database accepts this row (always rolled back)."""
    with engine.connect() as conn:
        try:
            conn.execute(table.insert().values(**_complete(table, values)))
        except sa.exc.IntegrityError:
            return False
        finally:
            conn.rollback()
    return True


def _application(**changes):
    return {"id": 901, "service_id": 1, "service_version_id": 1, "applicant_id": 1, "unit_id": 2,
            "current_unit_id": 2, "workflow": "commune", "state": "submitted", "channel": "online", "version": 1,
            "data": {}, "fee_amount": 0, "created_at": WHEN, "updated_at": WHEN, **changes}


def _user(**changes):
    return {"id": 901, "email": "new@example.vn", "full_name": "Mới", "kind": "staff", "role": "handler",
            "unit_id": 2, "created_at": WHEN, **changes}


def _payment(**changes):
    return {"id": 901, "application_id": 1, "provider": "vnpay", "txn_ref": "PROBE", "amount": 1,
            "state": "pending", "created_at": WHEN, **changes}


def _service(**changes):
    return {"id": 901, "slug": "moi", "active": True, "created_at": WHEN, "current_version_id": 1, **changes}


def _audit(**changes):
    return {"id": 901, "action": "staff.create", "target": "user:2", "target_user_id": 2, "created_at": WHEN,
            **changes}


def _rating(**changes):
    return {"id": 901, "application_id": 1, "unit_id": 2, "service_id": 1, "value": "normal", "comment": "",
            "created_at": WHEN, **changes}


# (what, table, a row the database takes, the same row with one thing wrong)
GUARDS = [
    ("application state", "applications", _application(), _application(state="bogus")),
    ("application channel", "applications", _application(channel="national"), _application(channel="fax")),
    ("user kind", "users", _user(kind="citizen", role=None), _user(kind="robot", role=None)),
    ("staff role", "users", _user(), _user(role="janitor")),
    ("payment state", "payments", _payment(state="failed"), _payment(state="lost")),
    # application 2 and 3 already have their paid payment; 1 has none yet
    ("one paid payment", "payments", _payment(state="paid"), _payment(state="paid", application_id=3)),
    ("rating value", "ratings", _rating(), _rating(value="great")),
    ("service's current version", "services", _service(), _service(current_version_id=999)),
    ("audited user", "audit_log", _audit(), _audit(target="user:999", target_user_id=999)),
]


def assert_guards(engine, revision):
    with engine.connect() as conn:
        tables = _tables(conn)
    for what, name, good, bad in GUARDS:
        assert _probe(engine, tables[name], good), f"{revision}: {what}: a good row is refused"
        assert not _probe(engine, tables[name], bad), f"{revision}: {what}: a bad row is accepted"


def assert_no_guards(engine):
    """Before 0002 the same bad rows went in: the probes above can fail."""
    with engine.connect() as conn:
        tables = _tables(conn)
    for what, name, _good, bad in GUARDS:
        if name != "audit_log":  # no target_user_id before 0002
            assert _probe(engine, tables[name], bad), f"0001: {what}: refused already"


# -- what each revision does to existing rows ------------------------------------------------------------

def _check_0002(conn):
    # the e-mail of an account became its id; one that matches no account stays as it was
    targets = conn.execute(sa.text("SELECT target, target_user_id FROM audit_log ORDER BY id")).all()
    assert [tuple(t) for t in targets] == [("user:2", 2), ("user:nobody@example.vn", None), ("unit:xa-b", None)]
    states = dict(conn.execute(sa.text("SELECT id, state FROM payments")).all())
    # the desk payment paid application 2; the online one is money to refund
    assert states == {1: "refund_due", 2: "paid", 3: "paid", 4: "failed", 5: "pending"}


def _check_0006(conn):
    # existing history is sealed in id order: one chain per application, one for the audit log
    from portal.audit.chain import GENESIS, audit_hash, event_hash
    for name, scope, hash_of in (("events", "application_id", event_hash), ("audit_log", None, audit_hash)):
        table = _table(conn, name)
        order = [table.c[scope]] if scope else []
        rows = conn.execute(sa.select(table).order_by(*order, table.c.id)).mappings().all()
        assert rows, name
        for previous, row in zip([None, *rows], rows):
            first = previous is None or (scope and previous[scope] != row[scope])
            assert row["chain_seq"] == (1 if first else previous["chain_seq"] + 1), (name, dict(row))
            assert row["prev_hash"] == (GENESIS if first else previous["row_hash"]), (name, dict(row))
            assert row["row_hash"] == hash_of(dict(row)), (name, dict(row))


def assert_jsonb_only(conn, revision):
    """From 0002 on, every JSON column on PostgreSQL is JSONB (models.JSON), the later revisions' too."""
    if conn.dialect.name != "postgresql":
        return
    plain = conn.execute(sa.text("SELECT table_name || '.' || column_name FROM information_schema.columns "
                                 "WHERE table_schema = current_schema() AND data_type = 'json'")).scalars().all()
    assert not plain, f"{revision}: JSON, not JSONB: {plain}"


REWRITES = {"0002": {("audit_log", "target"), ("payments", "state")}}
REVISION_CHECKS = {"0002": _check_0002, "0006": _check_0006}
ROWS_BEFORE = {"0002": _base_rows}  # revision -> rows for it to migrate, loaded at its down revision


def _steps():
    script = ScriptDirectory(str(MIGRATIONS))
    return [(rev.down_revision or "base", rev.revision) for rev in reversed(list(script.walk_revisions()))]


def test_each_revision_up_and_down_with_rows(fresh):
    engine = fresh.engine
    steps = _steps()
    assert steps[0] == ("base", "0001") and len(steps) >= 2
    guarded = False
    for previous, revision in steps:
        if revision in ROWS_BEFORE:
            with engine.begin() as conn:
                ROWS_BEFORE[revision](conn)
        with engine.connect() as conn:
            before = snapshot(conn)
        upgrade(revision=revision)
        with engine.connect() as conn:
            after = snapshot(conn)
            assert_rows_survived(before, after, REWRITES.get(revision, frozenset()))
            if revision in REVISION_CHECKS:
                REVISION_CHECKS[revision](conn)
        guarded = guarded or revision == "0002"
        if guarded:
            assert_guards(engine, revision)
            with engine.connect() as conn:
                assert_jsonb_only(conn, revision)
        downgrade(revision=previous)
        with engine.connect() as conn:
            assert snapshot(conn) == before, f"{revision} down: the rows are not as they were"
        if previous == "0001":
            assert_no_guards(engine)
        upgrade(revision=revision)
    with engine.connect() as conn:
        final = snapshot(conn)
    assert final["applications"] and final["payments"] and final["audit_log"]

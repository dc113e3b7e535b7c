"""Migration 0003 pins the applications that exist when it runs to their definitions as the files stand then,
with rows in the tables, on SQLite (batch mode) and PostgreSQL; and it goes down again."""
import os
import shutil
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

import config
from workflows.engine import load_definitions

NOW = datetime(2026, 12, 1, 8, 0)


@pytest.fixture
def migrating(tmp_path):
    """A portal on an empty database of its own (never the suite's), definitions in a folder of the test's
    own; yields (app, definitions folder)."""
    from portal import create_app
    url = os.environ.get("DATABASE_URL")
    admin = None
    if url and url.startswith(("postgres://", "postgresql")):
        base = config.TestConfig(tmp_path, url).SQLALCHEMY_DATABASE_URI
        name = base.rsplit("/", 1)[1].split("?")[0] + "_pin_migration"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        target = base.rsplit("/", 1)[0] + "/" + name
    else:
        target = f"sqlite:///{tmp_path / 'pin_migration.db'}"
    settings = config.TestConfig(tmp_path, target)
    folder = tmp_path / "definitions"
    shutil.copytree(settings.WORKFLOWS_DIR, folder)
    settings.WORKFLOWS_DIR = str(folder)
    app = create_app(settings)
    yield app, folder
    with app.app_context():
        from portal.extensions import db
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _rows_at_0002(conn):
    """One unit, citizen and service, and applications of three workflows: one whose file is gone."""
    meta = sa.MetaData()
    meta.reflect(conn, only=["units", "users", "services", "service_versions", "applications"])
    t = meta.tables
    conn.execute(t["units"].insert(), [{"id": 1, "slug": "tam-hong", "code": "TH", "name": "UBND xã Tam Hồng",
                                        "short_name": "Tam Hồng", "level": "commune", "address": "", "phone": "",
                                        "active": True, "created_at": NOW}])
    conn.execute(t["users"].insert(), [{"id": 1, "email": "dan@demo.vn", "password_hash": "x", "full_name": "Dân",
                                        "phone": "", "address": "", "kind": "citizen", "title": "", "active": True,
                                        "locale": "vi", "session_token": "t", "created_at": NOW}])
    conn.execute(t["services"].insert(), [{"id": 1, "slug": "s", "active": True, "created_at": NOW}])
    conn.execute(t["service_versions"].insert(), [{
        "id": 1, "service_id": 1, "version": 1, "code": "1.1", "name": "Thủ tục", "name_en": "", "sector": "",
        "authority": "commune", "intake": "commune", "workflow": "commune", "online_level": 3,
        "processing_days": 3, "definition": {}, "source_hash": "h", "search_text": "", "created_at": NOW}])
    common = {"service_id": 1, "service_version_id": 1, "applicant_id": 1, "unit_id": 1, "current_unit_id": 1,
              "version": 1, "channel": "online", "data": {}, "applicant_phone": "", "fee_amount": 0,
              "created_at": NOW, "updated_at": NOW}
    conn.execute(t["applications"].insert(), [
        {**common, "id": 1, "workflow": "commune", "state": "awaiting_approval"},
        {**common, "id": 2, "workflow": "commune", "state": "completed"},
        {**common, "id": 3, "workflow": "district", "state": "processing"},
        {**common, "id": 4, "workflow": "retired", "state": "processing"},
    ])


def test_0003_pins_existing_applications_to_the_files_as_they_stand(migrating):
    app, folder = migrating
    with app.app_context():
        from portal.extensions import db
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            _rows_at_0002(conn)
        upgrade(revision="0003")
        with db.engine.connect() as conn:
            versions = {row.name: row for row in conn.execute(sa.text(
                "SELECT id, name, source, source_hash FROM workflow_versions"))}
            pinned = dict(conn.execute(sa.text("SELECT id, workflow_version_id FROM applications")).all())
        current = load_definitions(folder)
        assert set(versions) == {"commune", "district"}  # one row per workflow in use that has a file
        for name, row in versions.items():
            # The hash the portal computes: it finds these rows instead of recording the files again.
            assert row.source_hash == current[name].source_hash
            assert row.source == (folder / f"{name}.toml").read_text(encoding="utf-8")
        assert pinned == {1: versions["commune"].id, 2: versions["commune"].id, 3: versions["district"].id,
                          4: None}
        # SQLite rebuilt the table (batch mode): the guards of 0002 came along.
        checks = {c["name"] for c in sa.inspect(db.engine).get_check_constraints("applications")}
        assert {"ck_applications_state", "ck_applications_channel"} <= checks

        downgrade(revision="0002")
        inspector = sa.inspect(db.engine)
        assert "workflow_versions" not in inspector.get_table_names()
        assert "workflow_version_id" not in {c["name"] for c in inspector.get_columns("applications")}
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM applications")).scalar() == 4
        upgrade(revision="0003")  # and up again over the same rows
        with db.engine.connect() as conn:
            assert conn.execute(sa.text(
                "SELECT count(*) FROM applications WHERE workflow_version_id IS NOT NULL")).scalar() == 3

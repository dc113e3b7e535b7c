"""The schema comes only from the migrations: up, down, and in agreement with the models."""
import os

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

import config


def _fresh_app(tmp_path):
    from portal import create_app
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql")):
        # A database of its own, so the suite's schema is untouched.
        admin = sa.create_engine(config.TestConfig(tmp_path, url).SQLALCHEMY_DATABASE_URI, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS dvc_migrations_test"))
            conn.execute(sa.text("CREATE DATABASE dvc_migrations_test"))
        admin.dispose()
        target = config.TestConfig(tmp_path, url).SQLALCHEMY_DATABASE_URI.rsplit("/", 1)[0] + "/dvc_migrations_test"
    else:
        target = f"sqlite:///{tmp_path / 'migrations.db'}"
    return create_app(config.TestConfig(tmp_path, target))


def test_upgrade_matches_models_and_downgrade_empties(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        from portal.extensions import db
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
        db.session.remove()
        db.engine.dispose()

"""Fixtures: `app`, `client`, `db`. The schema is built once per session by the migrations (never by
create_all); every test starts from empty tables and empty file folders."""
import os
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
import sqlalchemy as sa

from config import TestConfig


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return TestConfig(tmp_root, url).SQLALCHEMY_DATABASE_URI
    return f"sqlite:///{tmp_root / 'test.db'}"


@pytest.fixture(scope="session")
def _session_app(tmp_path_factory):
    from flask_migrate import upgrade

    from portal import create_app
    root = tmp_path_factory.mktemp("instance")
    app = create_app(TestConfig(root, _database_url(root)))
    with app.app_context():
        from portal.extensions import db
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
        upgrade()
        for hook in SESSION_HOOKS:
            hook(app)
    yield app
    with app.app_context():
        from portal.extensions import db
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the interpreter collects them


# Features add session-wide set-up here (for example the development PKI, which is slow to create).
SESSION_HOOKS = []


def _wipe(app):
    from portal.extensions import db
    db.session.remove()
    meta = db.metadata
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in meta.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            conn.commit()
        else:
            # SQLite ignores the pragma inside a transaction: off before the deletes, on again after their
            # commit, so every test runs with foreign keys enforced as the portal does.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            for table in reversed(meta.sorted_tables):
                conn.execute(table.delete())
            conn.commit()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
    for key in ("UPLOAD_DIR", "DOCUMENT_DIR", "OUTBOX_DIR"):
        shutil.rmtree(app.config[key], ignore_errors=True)
    app.extensions.pop("dvc_service_defs", None)
    app.extensions.pop("dvc_frozen_rows", None)  # portal/frozen_rows.py: ids start again


@pytest.fixture
def app(_session_app):
    from portal.extensions import db
    with _session_app.app_context():
        _wipe(_session_app)
        yield _session_app
        db.session.remove()


@pytest.fixture
def db(app):
    from portal.extensions import db as database
    return database


class IsolatedClient(FlaskClient):
    """Each request in its own application context, as in production: the test's own context (and its
    `g`, its database session) is not shared with the requests it makes."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        from portal.extensions import db
        db.session.expire_all()  # the test then reads what the request committed
        return response


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def demo(app, db):
    """The demo units, accounts and services (DESIGN.md §6)."""
    from tests.factories import seed_everything
    return seed_everything(app, db)


@pytest.fixture
def live(app, monkeypatch, tmp_path):
    """The portal over real HTTP on 127.0.0.1 and a free port (tests/live_server.py); the sandbox
    gateway's registered IPN URL and querydr URL point at it. Yields the base URL."""
    from portal.payments.provider import IPN_PATH, SANDBOX_API_PATH
    from tests.live_server import serve
    monkeypatch.setitem(app.config, "VNPAY_SANDBOX_STORE", str(tmp_path / "sandbox.json"))
    with serve(app) as base:
        monkeypatch.setitem(app.config, "VNPAY_IPN_URL", base + IPN_PATH)
        monkeypatch.setitem(app.config, "VNPAY_API_URL", base + SANDBOX_API_PATH)
        yield base


@pytest.fixture
def redis_queue(app, monkeypatch):
    """The app queues its jobs on the test Redis database (tests/redis_support.py); yields the RQ queue `dvc`,
    emptied before and after."""
    from portal.notifications.jobs import queue
    from tests.redis_support import REDIS_URL
    rq_queue = queue(REDIS_URL)
    rq_queue.connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    yield rq_queue
    rq_queue.connection.flushdb()

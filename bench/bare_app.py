"""The baseline of bench/submit.py: a bare Flask + SQLAlchemy app doing only the writes and the read of the
portal's submit path, nothing else (no accounts, no forms, no workflow, no events, no mails).

    POST /apps                       a draft row (service, unit, data as JSON)            -> 201 {"id"}
    POST /apps/<id>/attachments      one uploaded file stored under a generated name + its row -> 201
    POST /apps/<id>/submit           the row updated: state, submitted_at and a code from a daily counter
    GET  /apps/<id>                  the application with its attachments as JSON

Served by the same gunicorn as the portal: `gunicorn -c gunicorn.conf.py 'bench.bare_app:create_app()'`
with BARE_DATABASE_URL (default: SQLite bare.db in BARE_DIR) and BARE_DIR (where files go). Its tables are
named bare_* so that it can share the portal's PostgreSQL database without touching the portal's tables."""
from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, abort, jsonify, request
from sqlalchemy import (JSON, Column, DateTime, ForeignKey, Integer, String, create_engine, event, insert,
                        update)
from sqlalchemy.orm import DeclarativeBase, relationship, scoped_session, sessionmaker


class Base(DeclarativeBase):
    pass


class BareApplication(Base):
    __tablename__ = "bare_application"
    id = Column(Integer, primary_key=True)
    service = Column(String(100), nullable=False)
    unit = Column(String(100), nullable=False)
    data = Column(JSON, nullable=False)
    state = Column(String(20), nullable=False, default="draft")
    code = Column(String(40), unique=True)
    version = Column(Integer, nullable=False, default=1)
    created_at = Column(DateTime(timezone=True), nullable=False)
    submitted_at = Column(DateTime(timezone=True))
    attachments = relationship("BareAttachment", order_by="BareAttachment.id")


class BareAttachment(Base):
    __tablename__ = "bare_attachment"
    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("bare_application.id"), nullable=False, index=True)
    document_key = Column(String(100), nullable=False)
    filename = Column(String(255), nullable=False)
    stored_name = Column(String(100), nullable=False)
    content_type = Column(String(100), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)


class BareCounter(Base):
    __tablename__ = "bare_counter"
    key = Column(String(40), primary_key=True)
    value = Column(Integer, nullable=False)


def _engine(url: str):
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        # The portal's SQLite settings (portal/sqlite_pragmas.py), so both pay the same for durability.
        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    return engine


def _next_code(session, unit: str) -> str:
    day = datetime.now(timezone.utc).strftime("%Y%m%d")
    key = f"{unit}-{day}"
    value = session.execute(update(BareCounter).where(BareCounter.key == key)
                            .values(value=BareCounter.value + 1).returning(BareCounter.value)).scalar()
    if value is None:
        session.execute(insert(BareCounter).values(key=key, value=1))
        value = 1
    return f"{unit.upper()}-{day}-{value:05d}"


def _as_json(application: BareApplication) -> dict:
    return {"id": application.id, "service": application.service, "unit": application.unit,
            "data": application.data, "state": application.state, "code": application.code,
            "version": application.version, "created_at": application.created_at.isoformat(),
            "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
            "attachments": [{"id": a.id, "document": a.document_key, "filename": a.filename,
                             "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
                            for a in application.attachments]}


def _folder_and_engine():
    folder = Path(os.environ.get("BARE_DIR", "instance/bare")).resolve()
    (folder / "uploads").mkdir(parents=True, exist_ok=True)
    return folder, _engine(os.environ.get("BARE_DATABASE_URL") or f"sqlite:///{folder / 'bare.db'}")


def create_schema() -> None:
    """The bare_* tables, made once before the workers start (four workers creating them at once race)."""
    _, engine = _folder_and_engine()
    Base.metadata.create_all(engine)
    engine.dispose()


def create_app() -> Flask:
    folder, engine = _folder_and_engine()
    session = scoped_session(sessionmaker(bind=engine))
    app = Flask(__name__)
    app.close_connections = engine.dispose  # as the portal's, for gunicorn.conf.py's worker_exit

    @app.teardown_appcontext
    def _end(_error):
        session.remove()

    def _get(application_id: int) -> BareApplication:
        application = session.get(BareApplication, application_id)
        if application is None:
            abort(404)
        return application

    @app.post("/apps")
    def create():
        body = request.get_json()
        application = BareApplication(service=body["service"], unit=body["unit"], data=body["data"],
                                      created_at=datetime.now(timezone.utc))
        session.add(application)
        session.commit()
        return jsonify(_as_json(application)), 201

    @app.post("/apps/<int:application_id>/attachments")
    def attach(application_id):
        application = _get(application_id)
        upload = request.files["file"]
        content = upload.read()
        stored_name = secrets.token_hex(16) + ".pdf"
        path = folder / "uploads" / stored_name
        with open(path, "wb") as fh:
            fh.write(content)
        attachment = BareAttachment(application_id=application.id, document_key=request.form["document"],
                                    filename=upload.filename, stored_name=stored_name,
                                    content_type=upload.mimetype, size=len(content),
                                    sha256=hashlib.sha256(content).hexdigest())
        session.add(attachment)
        session.commit()
        return jsonify({"id": attachment.id, "document": attachment.document_key, "size": attachment.size,
                        "sha256": attachment.sha256}), 201

    @app.post("/apps/<int:application_id>/submit")
    def submit(application_id):
        application = _get(application_id)
        application.code = _next_code(session, application.unit)
        application.state = "submitted"
        application.submitted_at = datetime.now(timezone.utc)
        application.version += 1
        session.commit()
        return jsonify(_as_json(application))

    @app.get("/apps/<int:application_id>")
    def read(application_id):
        return app.response_class(json.dumps(_as_json(_get(application_id))), mimetype="application/json")

    @app.get("/health")
    def health():
        return "ok"

    return app

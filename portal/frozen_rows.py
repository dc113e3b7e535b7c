"""Rows that never change once written, read once per process: service versions and workflow versions.

An application is pinned to the service version and the workflow version it started under (DESIGN.md §3), and
neither row is ever updated or deleted (a changed definition is a new row). Every new draft looks both up (the
service's current version, the workflow version of today's definition): each process keeps a detached copy
of each row it has read and puts it into the request's session without a query
(`session.merge(..., load=False)`). Deferred columns (the ~10 KB definition, the workflow's source) are left
out of the copy and load on first use, as before. (Reading one application joins its versions into the one
query that loads it: a copy merged in costs as much there, measured.)

A transaction that inserted such a row and is rolled back makes every process-kept row and id forgotten (the
row it may have kept is gone)."""
from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import db
from .models import ServiceVersion, WorkflowVersion

FROZEN = (ServiceVersion, WorkflowVersion)
_KEY = "dvc_frozen_rows"


def _cache() -> dict:
    return current_app.extensions.setdefault(_KEY, {})


def forget() -> None:
    """Drops every kept row and id (tests empty the tables between tests; ids start again)."""
    if has_app_context():
        current_app.extensions.pop(_KEY, None)


def kept_id(key):
    """An id kept under `key` (say, a workflow version's name and hash), or None."""
    return _cache().get(("id", key))


def keep(key, row) -> None:
    """Keeps `row` (read from the database, one of FROZEN) and its id under `key`."""
    _cache()[("id", key)] = row.id
    _cache()[(type(row), row.id)] = _detached_copy(row)


def _detached_copy(row):
    state = inspect(row)
    loaded = {attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs if attr.key in state.dict}
    copy = type(row)(**loaded)
    make_transient_to_detached(copy)
    return copy


def put_in_session(model, row_id: int | None):
    """The row `row_id` of `model` (one of FROZEN) in the request's session, with no query when this process
    has read it before. None for None."""
    if row_id is None:
        return None
    session = db.session()
    present = session.identity_map.get(session.identity_key(model, row_id))
    if present is not None:
        return present
    kept = _cache().get((model, row_id))
    if kept is not None:
        return session.merge(kept, load=False)
    row = session.get(model, row_id)
    if row is not None:
        _cache()[(model, row_id)] = _detached_copy(row)
    return row


def set_loaded(owner, relationship: str, model, row_id: int | None) -> None:
    """Fills the many-to-one `relationship` of `owner` with the kept row, as if it had been loaded with it
    (the session's identity map holds rows weakly: the owner keeps it alive). Nothing when already loaded."""
    if relationship not in inspect(owner).unloaded:
        return
    row = put_in_session(model, row_id)
    if row is not None:
        set_committed_value(owner, relationship, row)


@event.listens_for(Session, "after_flush")
def _note_inserts(session, _context):
    if any(isinstance(row, FROZEN) for row in session.new):
        session.info["inserted_frozen"] = True


@event.listens_for(Session, "after_commit")
def _inserts_kept(session):
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the outer transaction may still roll the row back
    session.info.pop("inserted_frozen", None)


@event.listens_for(Session, "after_rollback")
def _inserts_gone(session):
    if session.info.pop("inserted_frozen", None):
        forget()

"""Seals events and audit rows as they are inserted: each row carries the hash of the previous row of its
scope (`prev_hash`), its place in that scope (`chain_seq`, from 1) and a sha256 over a canonical JSON of
its own content and those two (`row_hash`).

Scopes: the events of one application ("application:<id>"), and the whole audit log ("audit"). Every writer
(transitions.fire, the unit merge, corrections, digitised results, the admin changes) adds rows through
the ORM, so the seal is put on in one place: the mapper's `before_insert`, when foreign keys are known.
Writers of one scope are kept in order by a row lock taken there: on PostgreSQL the application row
(`SELECT … FOR UPDATE`; `fire` also bumps its optimistic version) and the "audit" counter row (an UPDATE);
SQLite has one writer at a time anyway. The unique (scope, chain_seq) keys turn any race left into a
refused write rather than a fork."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, object_session

from ..models import AuditLog, Counter, Event
from ..timeutil import utcnow

GENESIS = "0" * 64
AUDIT_SCOPE = "audit"
AUDIT_COUNTER = "audit:chain"  # Counter row: the last chain_seq of the audit log (locks writers, anchors the tail)
EVENT_FIELDS = ("application_id", "action", "actor_id", "role", "unit_id", "from_state", "to_state", "note",
                "details", "created_at")
AUDIT_FIELDS = ("actor_id", "action", "target", "target_user_id", "details", "created_at")
_HEADS = "dvc_audit_chain_heads"  # session.info: the heads of the scopes written in the current flush


def plain(value):
    if isinstance(value, datetime):
        # As the UTCDateTime column gives it back: UTC, microseconds, on every backend (a naive value, read
        # without the column type as the migration does, is UTC already).
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    return value


def canonical(fields: dict) -> bytes:
    """The bytes that are hashed and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps({key: plain(value) for key, value in fields.items()}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False, default=str).encode()


def content_of(row, names) -> dict:
    """The hashed content of an ORM row, a Row or a dict."""
    if isinstance(row, dict):
        get = row.get
    else:
        mapping = getattr(row, "_mapping", None)
        get = mapping.get if mapping is not None else (lambda name: getattr(row, name, None))
    content = {name: get(name) for name in names}
    content["chain_seq"] = get("chain_seq")
    content["prev_hash"] = get("prev_hash")
    return content


def row_hash(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def event_hash(row) -> str:
    return row_hash(content_of(row, EVENT_FIELDS))


def audit_hash(row) -> str:
    return row_hash(content_of(row, AUDIT_FIELDS))


def seal_history(rows: list[dict], head: tuple[int, str] = (0, GENESIS)):
    """Seals dict rows of ONE application in the order they will be inserted (bulk writers that bypass the
    ORM, such as the demo volume generator)."""
    seq, previous = head
    for row in rows:
        seq += 1
        row["chain_seq"], row["prev_hash"] = seq, previous
        previous = row["row_hash"] = event_hash(row)
    return seq, previous


def seal_histories(rows: list[dict]):
    """`seal_history` for rows of new applications (no earlier events), grouped by application in order."""
    by_application: dict[int, list[dict]] = {}
    for row in rows:
        by_application.setdefault(row["application_id"], []).append(row)
    for history in by_application.values():
        seal_history(history)


# -- sealing on insert ------------------------------------------------------------------------------------

def _heads(target) -> dict:
    session = object_session(target)
    return session.info.setdefault(_HEADS, {}) if session is not None else {}


def _event_head(connection, application_id) -> tuple[int, str]:
    applications = sa.table("applications", sa.column("id"))
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(applications.c.id).where(applications.c.id == application_id)
                           .with_for_update())
    events = Event.__table__
    last = connection.execute(sa.select(events.c.chain_seq, events.c.row_hash)
                              .where(events.c.application_id == application_id, events.c.chain_seq.is_not(None))
                              .order_by(events.c.chain_seq.desc()).limit(1)).first()
    return (last.chain_seq, last.row_hash) if last else (0, GENESIS)


def _audit_next_seq(connection) -> int:
    """Takes the audit chain's lock (the counter row) and its next place."""
    counters = Counter.__table__
    take = (sa.update(counters).where(counters.c.scope == AUDIT_COUNTER)
            .values(value=counters.c.value + 1).returning(counters.c.value))
    value = connection.execute(take).scalar()
    if value is None:
        # The first audit row since migration 0006 sealed the log: the anchor starts at the log's last place.
        # Writers racing here insert it once (the others' inserts do nothing) and then queue on its lock.
        audit = AuditLog.__table__
        last = connection.execute(sa.select(sa.func.max(audit.c.chain_seq))).scalar() or 0
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        connection.execute(insert(counters).values(scope=AUDIT_COUNTER, value=last).on_conflict_do_nothing())
        value = connection.execute(take).scalar()
    return value


def _audit_previous_hash(connection, seq) -> str:
    if seq == 1:
        return GENESIS
    audit = AuditLog.__table__
    previous = connection.execute(sa.select(audit.c.row_hash).where(audit.c.chain_seq == seq - 1)).scalar()
    return previous or GENESIS


@event.listens_for(Event, "before_insert")
def _seal_event(mapper, connection, target):
    if target.row_hash is not None:
        return
    target.created_at = target.created_at or utcnow()
    heads = _heads(target)
    scope = ("application", target.application_id)
    seq, previous = heads.get(scope) or _event_head(connection, target.application_id)
    target.chain_seq, target.prev_hash = seq + 1, previous
    target.row_hash = event_hash(target)
    heads[scope] = (target.chain_seq, target.row_hash)


@event.listens_for(AuditLog, "before_insert")
def _seal_audit(mapper, connection, target):
    if target.row_hash is not None:
        return
    target.created_at = target.created_at or utcnow()
    heads = _heads(target)
    seq = _audit_next_seq(connection)
    previous = heads.get(AUDIT_SCOPE)
    target.chain_seq = seq
    target.prev_hash = previous[1] if previous and previous[0] == seq - 1 else _audit_previous_hash(connection, seq)
    target.row_hash = audit_hash(target)
    heads[AUDIT_SCOPE] = (seq, target.row_hash)


@event.listens_for(Session, "after_flush_postexec")
def _forget_heads(session, flush_context):
    session.info.pop(_HEADS, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_heads_on_rollback(session, previous_transaction):
    session.info.pop(_HEADS, None)

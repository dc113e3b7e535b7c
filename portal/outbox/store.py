"""`put`: adds a message to the outbox inside the caller's transaction, and arranges for its delivery once
that transaction commits (a rolled-back transaction takes its messages with it: nothing is sent)."""
import json
import logging

from flask import current_app, has_app_context
from sqlalchemy import inspect, select

from ..extensions import db
from ..unit_of_work import after_commit
from ..timeutil import utcnow
from .models import OutboxMessage

log = logging.getLogger("portal.outbox")

MAX_KEY = 200


def enabled() -> bool:
    """OUTBOX_ENABLED=false writes nothing (bench/outbox.py measures the outbox's cost against it)."""
    return not has_app_context() or current_app.config.get("OUTBOX_ENABLED", True)


def put(destination: str, payload: dict, *, key: str, ordering_key: str,
        application_id: int | None = None, fresh_key: bool = False) -> OutboxMessage | None:
    """Adds one message (never commits). The same `key` put twice for a destination keeps the first message
    and returns it: a repeated cause is not a second message. Returns None when the outbox is switched off.

    `fresh_key=True` (e-mail, SMS: keys generated for this very message) skips the look-up and the early
    flush: the row is inserted with the transaction's other rows at its commit, and its `id` is None until
    then."""
    if not enabled():
        return None
    if not destination or not key or not ordering_key:
        raise ValueError("outbox.put needs a destination, a key and an ordering_key")
    if len(key) > MAX_KEY or len(ordering_key) > MAX_KEY:
        raise ValueError(f"outbox keys are at most {MAX_KEY} characters")
    try:
        json.dumps(payload, allow_nan=False)  # refused now, in the caller's transaction, not by the sender
    except (TypeError, ValueError) as error:
        raise ValueError(f"outbox payload for {destination!r} is not plain JSON: {error}") from None
    session = db.session()
    if not fresh_key:
        existing = session.execute(select(OutboxMessage).where(
            OutboxMessage.destination == destination, OutboxMessage.key == key)).scalar_one_or_none()
        if existing is not None:
            log.info("outbox: %s message %s already queued as #%s, not added twice", destination, key,
                     existing.id)
            return existing
    message = OutboxMessage(destination=destination, key=key, ordering_key=ordering_key,
                            application_id=application_id, payload=payload, state="pending", attempts=0,
                            next_attempt_at=utcnow())
    session.add(message)
    if not fresh_key:
        session.flush()  # the id now: callers keep it beside their own rows
    deliver_after_commit(session, message)
    return message


def deliver_after_commit(session, message) -> None:
    """`message`: a row added in this transaction, or the id of one."""
    queued = session.info.get("outbox_new")
    if queued is None or not _scheduled(session):
        queued = session.info["outbox_new"] = []
        after_commit(session, _committed, queued)
    queued.append(message)


def _scheduled(session) -> bool:
    return any(func is _committed for func, _args, _kwargs in session.info.get("after_commit", []))


def _committed(messages: list) -> None:
    from .sender import kick
    ids = []
    for message in messages:
        if isinstance(message, int):
            ids.append(message)
            continue
        # the row's identity survives the commit's expiry: no SQL (none may run in an after-commit hook)
        identity = inspect(message).identity
        if identity:
            ids.append(identity[0])
    if ids:
        kick(ids)

"""The sender: takes due messages one at a time under a lease, hands each to its destination, records the
outcome.

- A message is due when it is pending, its next attempt is not in the future, nobody holds a live lease on
  it, and no earlier message of its ordering key is still pending (in order per key; a message being retried
  holds the later ones of its key, never those of another key). A failed message (refused, or out of
  attempts) no longer holds its key: it waits for an administrator while the application's later news goes on.
- Claiming is a compare-and-set UPDATE in its own short transaction, committed before the receiver is
  called: no row lock is held over the network, two senders never send the same message at once, and the
  lease of a sender killed mid-delivery runs out so another sender takes the message over (at least once;
  the receiver drops the repeat by the key).
- The sender works in a session of its own: called after a request's commit, it must not touch the
  request's session (which can no longer emit SQL there) nor commit anything of the caller's.
"""
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from ..extensions import db
from ..timeutil import utcnow
from .errors import Refused
from .models import OutboxMessage
from .registry import sender_for

log = logging.getLogger("portal.outbox")

# Seconds before attempt n+1 (the last one repeats): half a minute, two, ten, half an hour, then hours.
BACKOFF = (30, 120, 600, 1800, 3600, 7200, 14400)
DEFAULT_MAX_ATTEMPTS = 10
DEFAULT_LEASE_SECONDS = 300  # longer than any receiver's timeout: a live sender keeps its claim
BATCH = 50
CLAIM_BATCH = 10  # messages taken under one lease: few writes, and no sender hoards the queue


@dataclass(frozen=True)
class Message:
    """What a destination's send function gets: plain values, detached from any session."""
    id: int
    destination: str
    key: str
    ordering_key: str
    payload: dict
    attempts: int  # attempts before this one
    application_id: int | None = None


@dataclass
class Outcome:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    more: bool = False  # stopped by its limit or time budget with messages still due

    def add(self, other: "Outcome") -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.more = self.more or other.more

    def __bool__(self):
        return bool(self.sent or self.retried or self.failed)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt (1 = the first)."""
    return timedelta(seconds=BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1])


def max_attempts() -> int:
    return int(current_app.config.get("OUTBOX_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)


def lease() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("OUTBOX_LEASE_SECONDS") or DEFAULT_LEASE_SECONDS))


def own_session() -> Session:
    return Session(db.engine, expire_on_commit=False)


# -- which messages are due --------------------------------------------------------------------------

def due_condition(now):
    earlier = aliased(OutboxMessage)
    waiting_before = exists().where(earlier.ordering_key == OutboxMessage.ordering_key,
                                    earlier.id < OutboxMessage.id, earlier.state == "pending")
    return and_(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
                ~waiting_before)


def due_ids(session, *, ordering_keys=None, limit=BATCH, now=None, skip_locked=False) -> list[int]:
    query = select(OutboxMessage.id).where(due_condition(now or utcnow()))
    if ordering_keys is not None:
        query = query.where(OutboxMessage.ordering_key.in_(list(ordering_keys)))
    query = query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    if skip_locked and session.get_bind().dialect.name == "postgresql":
        # concurrent senders each take other rows instead of queueing on the same ones
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    return list(session.execute(query).scalars())


def claim_due(session, *, ordering_keys=None, ids=None, limit=CLAIM_BATCH) -> list[tuple[Message, str]]:
    """Takes up to `limit` due messages (of `ordering_keys`, or among `ids`) under one lease, in one short
    transaction; the UPDATE checks again that each is due, so a message another sender took meanwhile is
    not taken twice."""
    now = utcnow()
    if ids is None:
        ids = due_ids(session, ordering_keys=ordering_keys, limit=limit, now=now, skip_locked=True)
    if not ids:
        session.commit()  # ends the read: nothing is held while the sender waits
        return []
    token = secrets.token_hex(16)
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), due_condition(now))
        .values(claimed_until=now + lease(), claim_token=token)
        .execution_options(synchronize_session=False))
    session.commit()  # the lease holds before any receiver is called
    rows = session.execute(select(OutboxMessage).where(OutboxMessage.claim_token == token)
                           .order_by(OutboxMessage.id).execution_options(populate_existing=True)).scalars()
    taken = [(Message(id=row.id, destination=row.destination, key=row.key, ordering_key=row.ordering_key,
                      payload=dict(row.payload or {}), attempts=row.attempts,
                      application_id=row.application_id), token) for row in rows]
    session.commit()  # no transaction stays open across the calls to receivers
    return taken


def claim(session, message_id: int) -> tuple[Message, str] | None:
    """Takes one message under a lease, or None when it is not due (another sender holds it)."""
    taken = claim_due(session, ids=[message_id])
    return taken[0] if taken else None


# -- one delivery ------------------------------------------------------------------------------------

def deliver(session, message: Message, token: str) -> Outcome:
    send = sender_for(message.destination)
    try:
        if send is None:
            raise Refused(f"no destination {message.destination!r} is registered")
        # An application context of its own: a destination that reads the database gets a fresh session,
        # not the caller's (which, inside an after-commit hook, can emit no more SQL).
        with current_app.app_context():
            send(message)
    except Refused as refusal:
        return _failed(session, message, token, f"refused: {refusal.reason or refusal}")
    except Exception as error:  # anything else may pass later: retried with back-off
        return _retry(session, message, token, f"{error.__class__.__name__}: {error}")
    _sent(session, message)
    return Outcome(sent=1)


def _sent(session, message: Message) -> None:
    # Whoever holds the lease now: the message reached the receiver, so it is sent (a second sender that
    # took over an expired lease may deliver it once more; the receiver keeps one by the key).
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id,
                                                OutboxMessage.state == "pending")
                    .values(state="sent", sent_at=utcnow(), attempts=OutboxMessage.attempts + 1,
                            claimed_until=None, claim_token=None, last_error=None)
                    .execution_options(synchronize_session=False))
    session.commit()  # recorded at once: the next message of the key may go
    log.info("outbox: %s message #%s (%s) delivered on attempt %s", message.destination, message.id,
             message.key, message.attempts + 1)


def _retry(session, message: Message, token: str, error: str) -> Outcome:
    attempts = message.attempts + 1
    if attempts >= max_attempts():
        return _failed(session, message, token, f"gave up after {attempts} attempts: {error}")
    wait = backoff(attempts)
    done = _record(session, message, token, state="pending", attempts=attempts,
                   next_attempt_at=utcnow() + wait, last_error=error[:2000])
    if done:
        log.warning("outbox: %s message #%s (%s) attempt %s failed, retried in %s s: %s",
                    message.destination, message.id, message.key, attempts, int(wait.total_seconds()), error)
        from .jobs import retry_later
        retry_later(message.id, wait)
    return Outcome(retried=1)


def _failed(session, message: Message, token: str, error: str) -> Outcome:
    done = _record(session, message, token, state="failed", attempts=message.attempts + 1,
                   last_error=error[:2000])
    if done:
        log.error("outbox: %s message #%s (%s) FAILED, an administrator must look at it "
                  "(flask outbox status): %s", message.destination, message.id, message.key, error)
    return Outcome(failed=1)


def _record(session, message: Message, token: str, **values) -> bool:
    """Writes a failed attempt, if this sender still holds the claim (its lease may have run out and another
    sender taken over: then that one's outcome counts)."""
    result = session.execute(update(OutboxMessage)
                             .where(OutboxMessage.id == message.id, OutboxMessage.claim_token == token,
                                    OutboxMessage.state == "pending")
                             .values(claimed_until=None, claim_token=None, **values)
                             .execution_options(synchronize_session=False))
    session.commit()  # the outcome (retry time, or failed) holds even if the sender dies next
    if result.rowcount != 1:
        log.warning("outbox: %s message #%s: the claim was lost (lease expired) before its outcome was "
                    "recorded", message.destination, message.id)
    return result.rowcount == 1


# -- many deliveries ---------------------------------------------------------------------------------

def send_due(*, ordering_keys=None, limit: int | None = None, budget_seconds: float | None = None) -> Outcome:
    """Delivers what is due (only of `ordering_keys` when given), until nothing is due, `limit` messages
    were tried or `budget_seconds` have passed. Returns the counts."""
    import time
    started = time.monotonic()
    outcome = Outcome()
    tried = 0
    with own_session() as session:
        while limit is None or tried < limit:
            batch = claim_due(session, ordering_keys=ordering_keys,
                              limit=CLAIM_BATCH if limit is None else min(CLAIM_BATCH, limit - tried))
            if not batch:
                break
            for message, token in batch:  # a claimed batch is finished: its lease covers it
                tried += 1
                outcome.add(deliver(session, message, token))
            if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                outcome.more = True
                break
        else:
            outcome.more = True  # the limit was reached
    return outcome


def send_messages(message_ids: list[int]) -> Outcome:
    """Delivers the given messages, and after each the ones of its ordering key that become due."""
    if not message_ids:
        return Outcome()
    with own_session() as session:
        keys = set(session.execute(select(OutboxMessage.ordering_key)
                                   .where(OutboxMessage.id.in_(message_ids))).scalars())
    return send_due(ordering_keys=sorted(keys)) if keys else Outcome()


def kick(message_ids: list[int]) -> None:
    """After the commit that wrote `message_ids`: deliver now (no REDIS_URL) or queue a job for a worker."""
    from .jobs import redis_url, schedule_send
    if redis_url():
        schedule_send(message_ids)
    else:
        send_messages(message_ids)

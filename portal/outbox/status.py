"""What administrators see and do with the outbox: counts, the messages that keep failing, and a retry.
Used by the page /quan-tri/hop-thu-di (portal/admin/outbox_admin.py) and `flask outbox status|retry`.
Nothing here commits: the request (or the CLI command) does."""
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select

from ..extensions import db
from ..i18n import N_
from ..operations import Conflict, NotFound
from ..timeutil import utcnow
from .models import OutboxMessage

log = logging.getLogger("portal.outbox")


@dataclass
class Summary:
    counts: dict  # {(destination, state): n}
    oldest_pending: timedelta | None
    failing: int  # pending messages whose last attempt failed

    @property
    def destinations(self) -> list[str]:
        return sorted({destination for destination, _ in self.counts})

    def count(self, destination: str, state: str) -> int:
        return self.counts.get((destination, state), 0)


def summary() -> Summary:
    rows = db.session.execute(select(OutboxMessage.destination, OutboxMessage.state, func.count())
                              .group_by(OutboxMessage.destination, OutboxMessage.state)).all()
    oldest = db.session.execute(select(func.min(OutboxMessage.created_at))
                                .where(OutboxMessage.state == "pending")).scalar()
    if oldest is not None and oldest.tzinfo is None:  # min() of a UTCDateTime column comes back naive
        from datetime import timezone
        oldest = oldest.replace(tzinfo=timezone.utc)
    failing = db.session.execute(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.state == "pending", OutboxMessage.attempts > 0)).scalar()
    return Summary(counts={(d, s): n for d, s, n in rows},
                   oldest_pending=(utcnow() - oldest) if oldest is not None else None, failing=failing)


def troubled(limit: int = 200) -> list[OutboxMessage]:
    """Failed messages, and pending ones whose last attempt failed: newest trouble first."""
    return list(db.session.execute(
        select(OutboxMessage)
        .where(or_(OutboxMessage.state == "failed",
                   (OutboxMessage.state == "pending") & (OutboxMessage.attempts > 0)))
        .order_by(OutboxMessage.state, OutboxMessage.id.desc()).limit(limit)).scalars())


def retry(message_id: int, actor: str = "") -> OutboxMessage:
    """Makes a failed (or backing-off) message due now, with its attempts counted from zero again."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(N_("Không có tin nhắn này trong hộp thư đi."))
    if message.state == "sent":
        raise Conflict(N_("Tin nhắn đã được gửi, không cần gửi lại."))
    if message.claimed_until is not None and message.claimed_until > utcnow():
        raise Conflict(N_("Tin nhắn đang được gửi; hãy thử lại sau ít phút."))
    _make_due(message)
    log.info("outbox: %s message #%s (%s) queued again by %s", message.destination, message.id, message.key,
             actor or "an administrator")
    _deliver_after_commit([message.id])
    return message


def retry_all_failed(actor: str = "") -> int:
    messages = list(db.session.execute(select(OutboxMessage).where(OutboxMessage.state == "failed")).scalars())
    for message in messages:
        _make_due(message)
    if messages:
        log.info("outbox: %s failed messages queued again by %s", len(messages), actor or "an administrator")
        _deliver_after_commit([m.id for m in messages])
    return len(messages)


def _make_due(message: OutboxMessage) -> None:
    message.state = "pending"
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_until = None
    message.claim_token = None


def _deliver_after_commit(ids: list[int]) -> None:
    from .store import deliver_after_commit as schedule
    session = db.session()
    for message_id in ids:
        schedule(session, message_id)

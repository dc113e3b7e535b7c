"""The outbox in RQ (REDIS_URL set): a job per committed transaction (at most MAX_WAITING waiting; each
delivers its own messages, then whatever else is due) delivers its messages; a failed
attempt is queued again for its retry time (`rq worker --with-scheduler`, what `make worker` runs); and a
sweep, repeated every SWEEP_SECONDS, picks up whatever is due without a request (retries whose job was
lost, claims of a killed sender that expired, messages written while Redis was down).

The sweep keeps itself going: each run queues the next one before it starts its work and refreshes a mark
in Redis, so there is one chain and a worker killed mid-sweep does not end it; `ensure_sweep` (called with
every commit that queues, and by `flask outbox schedule`) starts the chain again if it was lost anyway.

A send job whose worker was killed is handed back by RQ (the worker's own check when only its work horse
died, or another worker's clean-up of the started registry when both did) and runs again once the lease of
the messages it held has run out: on a quiet portal nothing waits for the next sweep or a next commit.

Jobs run in a worker with no Flask app: each process creates the portal once and keeps it."""
import logging
import time
from datetime import timedelta

from rq import Retry

from ..notifications.jobs import QUEUE_NAME, queue
from ..notifications.jobs import redis_url as _redis_url

log = logging.getLogger("portal.outbox")

SWEEP_SECONDS = 60
# While the sweep chain lives its mark is fresh; a broken chain's mark expires and the next kick restarts it.
SWEEP_MARK = "dvc:outbox:sweep"
SWEEP_MARK_TTL = SWEEP_SECONDS * 3
SWEEP_BUDGET = 50  # seconds: a sweep ends before the next one is due
# At most this many send jobs wait in the queue; the count expires, so a job lost with a killed worker
# cannot hold it up for long (the sweep delivers meanwhile).
WAITING = "dvc:outbox:waiting"
WAITING_TTL = 120
MAX_WAITING = 4
DRAIN_BUDGET = 30  # seconds a send job goes on with other due messages
SEND_RETRIES = 3  # a killed (or failed) send job runs again, each time after the messages' lease
_worker_app = None
_sweep_checked_at = 0.0


def redis_url() -> str:
    return _redis_url()


# -- queuing (in the app) ------------------------------------------------------------------------------

def schedule_send(message_ids: list[int]) -> None:
    """Queues the delivery of `message_ids`, unless MAX_WAITING send jobs already wait: each of those, once
    it starts, delivers everything due (this commit's messages included), so a burst of commits is a few
    jobs, not one fork of a worker per commit. If Redis cannot be reached the messages stay pending in the
    table, and the next sweep (or `flask outbox send`) delivers them: nothing is lost."""
    try:
        q = queue(redis_url())
        with q.connection.pipeline() as pipe:
            waiting, _ = pipe.incr(WAITING).expire(WAITING, WAITING_TTL).execute()
        if waiting > MAX_WAITING:
            q.connection.decr(WAITING)
        else:
            q.enqueue(send_job, list(message_ids), job_timeout=600, result_ttl=300, retry=_send_retry())
        ensure_sweep()
    except Exception:
        log.exception("outbox: could not queue messages %s; they stay pending for the sweep", message_ids)


def retry_later(message_id: int, wait: timedelta) -> None:
    url = redis_url()
    if not url:
        return  # inline: `flask outbox send` (or the next request of the same ordering key) retries it
    try:
        queue(url).enqueue_in(wait, send_job, [message_id], job_timeout=600, result_ttl=300,
                              retry=_send_retry())
    except Exception:
        log.exception("outbox: could not schedule the retry of message #%s; the sweep will", message_id)


def _send_retry() -> Retry:
    """Once the claims of a killed job's sender have run out, its messages can be taken again."""
    from .sender import lease
    return Retry(max=SEND_RETRIES, interval=int(lease().total_seconds()) + 1)


def ensure_sweep(force: bool = False) -> bool:
    """Queues a sweep unless the chain is alive (its mark in Redis is fresh). Checked at most once a minute
    per process unless `force`. True if a sweep was queued."""
    global _sweep_checked_at
    now = time.monotonic()
    if not force and now - _sweep_checked_at < SWEEP_SECONDS:
        return False
    _sweep_checked_at = now
    q = queue(redis_url())
    if not q.connection.set(SWEEP_MARK, "1", nx=True, ex=SWEEP_MARK_TTL):
        return False
    q.enqueue_in(timedelta(seconds=SWEEP_SECONDS), sweep_job, result_ttl=300, job_timeout=SWEEP_SECONDS * 2)
    return True


def _next_sweep(url: str) -> None:
    q = queue(url)
    q.connection.set(SWEEP_MARK, "1", ex=SWEEP_MARK_TTL)
    q.enqueue_in(timedelta(seconds=SWEEP_SECONDS), sweep_job, result_ttl=300, job_timeout=SWEEP_SECONDS * 2)


# -- the jobs (in a worker) ----------------------------------------------------------------------------

def worker_app():
    """The portal app of this worker process, created on first use (portal.create_app reads the same
    environment as the web servers: DATABASE_URL, REDIS_URL, …)."""
    global _worker_app
    from flask import current_app, has_app_context
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        from portal import create_app
        _worker_app = create_app()
    return _worker_app


def send_job(message_ids: list[int]) -> dict:
    """Delivers `message_ids` (and the later ones of their keys), then whatever else is due. It leaves the
    waiting count before it looks at the table: a commit after that point queues a job of its own."""
    from .sender import send_due, send_messages
    app = worker_app()
    with app.app_context():
        _left_waiting(app.config.get("REDIS_URL", ""))
        outcome = send_messages(message_ids)
        outcome.add(send_due(budget_seconds=DRAIN_BUDGET))
        if outcome.more:
            schedule_send([])  # its budget ran out with messages still due: another job goes on
    return vars(outcome)


def _left_waiting(url: str) -> None:
    if not url:
        return
    try:
        connection = queue(url).connection
        if connection.decr(WAITING) < 0:
            connection.set(WAITING, 0, ex=WAITING_TTL)
    except Exception:
        log.exception("outbox: could not update the waiting count")


def sweep_job() -> dict:
    from .sender import send_due
    app = worker_app()
    with app.app_context():
        _next_sweep(app.config["REDIS_URL"])  # first: a sweep killed midway leaves its successor queued
        outcome = send_due(budget_seconds=SWEEP_BUDGET)
        if outcome.more:
            schedule_send([])  # a backlog: send jobs go on with it
    if outcome:
        log.info("outbox sweep: %s sent, %s to retry, %s failed", outcome.sent, outcome.retried, outcome.failed)
    return vars(outcome)


__all__ = ["QUEUE_NAME", "schedule_send", "retry_later", "ensure_sweep", "send_job", "sweep_job"]

"""With REDIS_URL set the outbox is delivered by RQ workers: a job per commit, a retry scheduled for its
back-off time, and a sweep that repeats itself. Needs REDIS_URL_FOR_TESTS (the database is flushed)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.outbox import jobs, put
from portal.outbox.models import OutboxMessage
from tests.outbox import destinations
from tests.outbox.conftest import make_due, rows
from tests.redis_support import REDIS_URL, needs_redis

pytestmark = needs_redis
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_queue(redis_queue, monkeypatch):
    monkeypatch.setattr(jobs, "_sweep_checked_at", 0.0)  # each test sees the sweep started anew
    return redis_queue


def work(rq_queue, with_scheduler=False):
    from rq import SimpleWorker
    SimpleWorker([rq_queue], connection=rq_queue.connection).work(burst=True, with_scheduler=with_scheduler)


def scheduled(rq_queue) -> list[str]:
    return sorted(job.func_name for job in rq_queue.job_class.fetch_many(
        rq_queue.scheduled_job_registry.get_job_ids(), connection=rq_queue.connection) if job)


def test_a_commit_queues_one_job_and_a_worker_delivers(app, db, redis_queue):
    put("test-local", {}, key="q1", ordering_key="Q")
    put("test-local", {}, key="q2", ordering_key="Q")
    assert redis_queue.count == 0  # nothing before the commit
    db.session.commit()
    assert redis_queue.count == 1 and destinations.delivered == []
    assert scheduled(redis_queue) == ["portal.outbox.jobs.sweep_job"]  # the periodic sweep is started
    work(redis_queue)
    assert destinations.delivered == [("q1", 0), ("q2", 0)]
    assert len(redis_queue.failed_job_registry) == 0


def test_a_failed_attempt_is_scheduled_again_and_the_sweep_repeats_itself(app, db, redis_queue):
    from portal.outbox.jobs import sweep_job
    destinations.failing_keys.add("R")
    put("test-local", {}, key="r1", ordering_key="R")
    db.session.commit()
    work(redis_queue)
    [row] = rows(db, "test-local")
    assert (row.state, row.attempts) == ("pending", 1)
    # the retry waits in RQ's scheduled registry for its back-off time (rq worker --with-scheduler)
    assert scheduled(redis_queue) == ["portal.outbox.jobs.send_job", "portal.outbox.jobs.sweep_job"]
    destinations.failing_keys.clear()
    make_due(db)
    assert sweep_job() == {"sent": 1, "retried": 0, "failed": 0, "more": False}
    assert destinations.delivered == [("r1", 1)]
    # the sweep queued its successor
    assert scheduled(redis_queue).count("portal.outbox.jobs.sweep_job") == 2


def test_without_redis_the_messages_wait_for_the_sweep(app, db, redis_queue, monkeypatch, caplog):
    from portal.outbox.sender import send_due
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    put("test-local", {}, key="w1", ordering_key="W")
    db.session.commit()  # the commit stands; queueing fails with a log line
    assert any("stay pending for the sweep" in r.getMessage() for r in caplog.records)
    assert [m.state for m in rows(db, "test-local")] == ["pending"]
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    assert send_due().sent == 1


def test_a_sweep_queues_its_successor_before_its_work(app, db, redis_queue, monkeypatch):
    """A worker killed in the middle of a sweep must not end the chain: nothing else would restart it on a
    portal where nobody commits."""
    from portal.outbox import sender
    seen = []

    def killed_midway(**_):
        seen.append(scheduled(redis_queue))
        raise SystemExit("the work horse dies here")

    monkeypatch.setattr(sender, "send_due", killed_midway)
    with pytest.raises(SystemExit):
        jobs.sweep_job()
    assert seen == [["portal.outbox.jobs.sweep_job"]]
    assert redis_queue.connection.ttl(jobs.SWEEP_MARK) > jobs.SWEEP_SECONDS


def test_a_send_job_whose_worker_was_killed_runs_again_after_the_lease(app, db, redis_queue, receiver,
                                                                       monkeypatch, tmp_path):
    """A real `rq worker` whose work horse is SIGKILLed after delivering, before recording; the job comes back
    once the lease has run out, with no commit and no sweep, and the receiver keeps one copy."""
    monkeypatch.setitem(app.config, "OUTBOX_LEASE_SECONDS", 1)
    db.session.add(OutboxMessage(destination="test-crash", key="k-rq-crash", ordering_key="HS-8",
                                 payload={"n": 8}, state="pending", attempts=0))
    db.session.commit()
    [row] = rows(db, "test-crash")
    jobs.schedule_send([row.id])
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=REDIS_URL,
               INSTANCE_PATH=str(tmp_path / "worker"), OUTBOX_TEST_DIE="1", OUTBOX_LEASE_SECONDS="1",
               PUBLIC_URL="http://localhost")
    rq = Path(sys.executable).with_name("rq")
    done = subprocess.run([str(rq), "worker", "--url", REDIS_URL, "--burst", "--config", "tests.outbox.rq_settings",
                           "dvc"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-2000:]
    assert f"signal {signal.SIGKILL.value}" in said  # the horse died ...
    assert receiver.seen == ["k-rq-crash"]  # ... after delivering
    [row] = rows(db, "test-crash")
    assert row.state == "pending" and row.claimed_until is not None
    assert len(redis_queue.failed_job_registry) == 0
    assert "portal.outbox.jobs.send_job" in scheduled(redis_queue)  # handed back, for after the lease
    time.sleep(2.2)
    work(redis_queue, with_scheduler=True)  # the scheduler queues the retry that is due
    [row] = rows(db, "test-crash")
    assert row.state == "sent"
    assert receiver.seen == ["k-rq-crash", "k-rq-crash"] and list(receiver.kept) == ["k-rq-crash"]

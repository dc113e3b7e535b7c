"""With REDIS_URL set the outbox is delivered by RQ workers: a job per commit, a retry scheduled for its
back-off time, and a sweep that repeats itself. Needs REDIS_URL_FOR_TESTS (the database is flushed)."""

import pytest

from portal.outbox import put
from tests.outbox import destinations
from tests.outbox.conftest import make_due, rows
from tests.redis_support import needs_redis

pytestmark = needs_redis


@pytest.fixture
def redis_queue(redis_queue, monkeypatch):
    from portal.outbox import jobs
    monkeypatch.setattr(jobs, "_sweep_checked_at", 0.0)  # each test sees the sweep started anew
    return redis_queue


def work(rq_queue):
    from rq import SimpleWorker
    SimpleWorker([rq_queue], connection=rq_queue.connection).work(burst=True)


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

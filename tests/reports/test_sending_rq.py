"""With REDIS_URL the reports are sent by a daily RQ job that schedules its successor. Needs
REDIS_URL_FOR_TESTS (the database is flushed)."""

import pytest
from rq import SimpleWorker

from portal.notifications.jobs import job_path
from portal.outbox.models import OutboxMessage
from portal.reports.models import ReportSubmission
from portal.reports.periods import closed_periods
from portal.reports.sending import JOB_PREFIX, reporting_units, schedule_daily, send_due_job
from portal.timeutil import vn_today
from tests.redis_support import needs_redis

pytestmark = needs_redis


@pytest.fixture
def redis_queue(redis_queue, app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "REPORTING_SANDBOX_STORE", str(tmp_path / "reporting.json"))
    monkeypatch.setitem(app.config, "REPORTING_LOOKBACK_MONTHS", 1)
    return redis_queue


def _daily_jobs(rq_queue):
    return sorted(i for i in rq_queue.scheduled_job_registry.get_job_ids() if i.startswith(JOB_PREFIX))


def test_every_start_asks_for_the_same_daily_job(app, redis_queue):
    first, second = schedule_daily(app), schedule_daily(app)
    assert first == second and _daily_jobs(redis_queue) == [first]
    job = redis_queue.fetch_job(first)
    assert job.func_name == "portal.reports.sending.send_due_job"


def test_the_daily_job_sends_through_rq_and_schedules_the_next(app, db, demo, redis_queue):
    redis_queue.enqueue(job_path(send_due_job))
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)  # the job, then the outbox's
    assert len(redis_queue.failed_job_registry) == 0
    submissions = db.session.query(ReportSubmission).all()
    expected = {p.code for p in closed_periods(vn_today(), 1)}
    assert {s.period for s in submissions} == expected and len(submissions) == len(expected) * len(reporting_units())
    db.session.expire_all()
    states = {m.state for m in db.session.query(OutboxMessage).filter_by(destination="reporting")}
    assert states == {"sent"}
    assert len(_daily_jobs(redis_queue)) == 1  # tomorrow's run

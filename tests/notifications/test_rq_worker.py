"""With REDIS_URL set, notifications go through Redis and are sent by a real RQ worker: in this process
(SimpleWorker) and as `make worker` runs it (the `rq worker` command in its own process, with no Flask app).
Needs a Redis server: REDIS_URL_FOR_TESTS, e.g. redis://127.0.0.1:6379/15 (the database is flushed)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.notifications.jobs import QUEUE_NAME, queue
from portal.operations.transitions import fire
from tests.notifications.conftest import text_of
from tests.notifications.flows import UNIT, submitted

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "")
PROJECT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="set REDIS_URL_FOR_TESTS to run the Redis and RQ tests"),
]


@pytest.fixture
def redis_queue(app, monkeypatch):
    """The app queues jobs on the test Redis database; yields the RQ queue, emptied before and after."""
    rq_queue = queue(REDIS_URL)
    rq_queue.connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    yield rq_queue
    rq_queue.connection.flushdb()


def test_jobs_wait_in_redis_until_an_in_process_worker_sends_them(db, demo, mail_to, redis_queue, caplog):
    from rq import SimpleWorker
    caplog.set_level("INFO", logger="portal.sms")
    application = submitted(db, demo)
    assert redis_queue.count == 2  # the e-mail and the SMS, queued at the commit
    assert mail_to.received == []  # nothing sent by the web request itself
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    message = mail_to.wait_for(1)[0]
    assert message["subject"] == f"Đã nhận hồ sơ {application.code}"
    assert application.code in text_of(message)
    assert any(application.code in r.getMessage() for r in caplog.records if r.name == "portal.sms")
    assert redis_queue.count == 0 and len(redis_queue.failed_job_registry) == 0


def test_the_rq_worker_command_sends_the_mail_without_the_web_app(app, db, demo, mail_to, redis_queue,
                                                                  tmp_path):
    application = submitted(db, demo)
    assert redis_queue.count == 2
    env = dict(os.environ, MAIL_URL=app.config["MAIL_URL"], INSTANCE_PATH=str(tmp_path / "worker-instance"),
               SMS_PROVIDER="log", REDIS_URL=REDIS_URL)
    env.pop("DATABASE_URL", None)  # the worker needs no database to send a rendered message
    rq = Path(sys.executable).with_name("rq")
    done = subprocess.run([str(rq), "worker", "--url", REDIS_URL, "--burst", QUEUE_NAME], cwd=PROJECT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    message = mail_to.wait_for(1)[0]
    assert message["subject"] == f"Đã nhận hồ sơ {application.code}"
    assert redis_queue.count == 0 and len(redis_queue.failed_job_registry) == 0


def test_a_rolled_back_change_queues_nothing(app, db, demo, redis_queue):
    application = submitted(db, demo)
    redis_queue.empty()
    fire(application, "accept", demo.staff("receiver", UNIT))
    db.session.rollback()
    assert redis_queue.count == 0
    fire(application, "accept", demo.staff("receiver", UNIT))
    db.session.commit()
    assert redis_queue.count == 2
    assert {job.func_name for job in redis_queue.jobs} == {
        "portal.notifications.mail.deliver_email", "portal.notifications.sms.deliver_sms"}

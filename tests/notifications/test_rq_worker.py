"""With REDIS_URL set, notifications are outbox messages delivered by a real RQ worker: in this process
(SimpleWorker) and as `make worker` runs it (the `rq worker` command in its own process, which creates the
portal app to read the outbox).
Needs a Redis server: REDIS_URL_FOR_TESTS, e.g. redis://127.0.0.1:6379/15 (the database is flushed)."""
import os
import subprocess
import sys
from pathlib import Path


from portal.notifications.jobs import QUEUE_NAME
from portal.operations.transitions import fire
from tests.notifications.conftest import text_of
from tests.notifications.flows import UNIT, submitted
from tests.redis_support import REDIS_URL, needs_redis

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = needs_redis


def outbox_states(db):
    from portal.outbox.models import OutboxMessage
    db.session.expire_all()
    return sorted((m.destination, m.state) for m in db.session.query(OutboxMessage)
                  if m.destination in ("mail", "sms"))  # the national portal's messages are not ours here


def test_jobs_wait_in_redis_until_an_in_process_worker_sends_them(db, demo, mail_to, redis_queue, caplog):
    from rq import SimpleWorker
    caplog.set_level("INFO", logger="portal.sms")
    application = submitted(db, demo)
    # The e-mail and the SMS are outbox messages of the commit; one job delivers them.
    assert redis_queue.count == 1
    assert outbox_states(db) == [("mail", "pending"), ("sms", "pending")]
    assert mail_to.received == []  # nothing sent by the web request itself
    SimpleWorker([redis_queue], connection=redis_queue.connection).work(burst=True)
    message = mail_to.wait_for(1)[0]
    assert message["subject"] == f"Đã nhận hồ sơ {application.code}"
    assert application.code in text_of(message)
    assert any(application.code in r.getMessage() for r in caplog.records if r.name == "portal.sms")
    assert redis_queue.count == 0 and len(redis_queue.failed_job_registry) == 0
    assert outbox_states(db) == [("mail", "sent"), ("sms", "sent")]


def test_the_rq_worker_command_sends_the_mail(app, db, demo, mail_to, redis_queue, tmp_path):
    application = submitted(db, demo)
    assert redis_queue.count == 1
    # The worker reads the outbox: it needs the database, not a request.
    env = dict(os.environ, MAIL_URL=app.config["MAIL_URL"], INSTANCE_PATH=str(tmp_path / "worker-instance"),
               SMS_PROVIDER="log", REDIS_URL=REDIS_URL, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])
    rq = Path(sys.executable).with_name("rq")
    done = subprocess.run([str(rq), "worker", "--url", REDIS_URL, "--burst", QUEUE_NAME], cwd=PROJECT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    message = mail_to.wait_for(1)[0]
    assert message["subject"] == f"Đã nhận hồ sơ {application.code}"
    assert redis_queue.count == 0 and len(redis_queue.failed_job_registry) == 0
    assert outbox_states(db) == [("mail", "sent"), ("sms", "sent")]


def test_a_rolled_back_change_queues_nothing(app, db, demo, redis_queue):
    application = submitted(db, demo)
    redis_queue.empty()
    before = outbox_states(db)
    fire(application, "accept", demo.staff("receiver", UNIT))
    db.session.rollback()
    assert redis_queue.count == 0
    assert outbox_states(db) == before
    fire(application, "accept", demo.staff("receiver", UNIT))
    db.session.commit()
    assert redis_queue.count == 1
    assert {job.func_name for job in redis_queue.jobs} == {"portal.outbox.jobs.send_job"}
    assert outbox_states(db) == sorted(before + [("mail", "pending"), ("sms", "pending")])

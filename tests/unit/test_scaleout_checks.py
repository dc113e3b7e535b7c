"""The scale-out run's verdict on the job queue (tests/scaleout/run_scaleout.py): a send job the SIGKILLed
worker held is handed back by RQ and runs again (a sweep it held is failed as abandoned: its successor was
already queued), so one abandoned job is allowed; any other failed job, a job left or still waiting for its
retry, or a message not delivered is a problem."""
from tests.scaleout.run_scaleout import KILLED_WORKERS, check_jobs

SENT = {"mail:sent": 5, "sms:sent": 5, "dvcqg:sent": 5}


def jobs(**counts):
    return {"queued": 0, "started": 0, "retries": 0, "failed": 0, "abandoned_by_the_killed_worker": 0,
            "finished": {},
            **counts}


def test_the_killed_workers_abandoned_job_is_allowed_when_every_message_went_out():
    assert check_jobs(jobs(abandoned_by_the_killed_worker=KILLED_WORKERS), SENT, 5) == []


def test_another_failed_job_more_abandoned_ones_or_a_message_not_sent_are_problems():
    assert check_jobs(jobs(failed=1), SENT, 5) == ["jobs left: 0 queued, 0 started, 1 failed, "
                                                   "0 waiting for a retry"]
    assert check_jobs(jobs(retries=1), SENT, 5) == ["jobs left: 0 queued, 0 started, 0 failed, "
                                                    "1 waiting for a retry"]
    assert check_jobs(jobs(abandoned_by_the_killed_worker=KILLED_WORKERS + 1), SENT, 5)
    assert check_jobs(jobs(), {**SENT, "sms:pending": 1}, 5) == ["outbox: 1 sms:pending"]
    assert check_jobs(jobs(), {**SENT, "mail:sent": 4}, 5) == ["outbox mail: 4 sent, 5 expected"]

"""Settings module for `rq worker --config bench.outbox_worker` (bench/outbox.py): the worker's main process
creates the portal app and registers the bench destination once, so every forked work horse starts with
them (portal/outbox/jobs.py keeps the app it finds)."""
import os

from portal.outbox import destination
from portal.outbox import jobs
from portal.outbox.http import post_json

URL = os.environ.get("OUTBOX_BENCH_RECEIVER", "http://127.0.0.1:7101")


@destination("bench")
def send(message):
    post_json(URL + "/receive", message.payload, headers={"Idempotency-Key": message.key}, timeout=10)


jobs.worker_app()  # the app, created before the fork

"""Destinations registered by the outbox tests (imported by the tests and by the sender subprocess)."""
import os
import signal

from portal.outbox import Refused, destination
from portal.outbox.http import post_json

URL_ENV = "OUTBOX_TEST_RECEIVER"
delivered = []  # (key, attempts) of every call to the in-process destination `test-local`
failing_keys = set()  # ordering keys `test-local` fails for (transient)
refused_keys = set()


@destination("test-http")
def send_http(message):
    post_json(os.environ[URL_ENV] + "/receive", message.payload, headers={"Idempotency-Key": message.key},
              timeout=float(os.environ.get("OUTBOX_TEST_TIMEOUT", "5")))


@destination("test-crash")
def send_then_die(message):
    """Delivers; in the sender subprocess (OUTBOX_TEST_DIE=1) the process then dies before the outbox
    records the delivery (a real SIGKILL)."""
    post_json(os.environ[URL_ENV] + "/receive", message.payload, headers={"Idempotency-Key": message.key})
    if os.environ.get("OUTBOX_TEST_DIE") == "1":
        os.kill(os.getpid(), signal.SIGKILL)


@destination("test-local")
def send_local(message):
    if message.ordering_key in refused_keys:
        raise Refused("the receiver refuses this payload")
    if message.ordering_key in failing_keys:
        raise ConnectionError("receiver unreachable")
    delivered.append((message.key, message.attempts))

"""Settings module for `rq worker --config tests.scaleout.rq_preload`: imported once by the worker's main
process, so every forked work horse starts with the portal's job modules and its app loaded. Without it each
horse imports the portal for its one job (seconds on a busy machine: 5 s per e-mail was measured here)."""
import portal.notifications.mail  # noqa: F401
import portal.notifications.sms  # noqa: F401
from portal.outbox import jobs

jobs.worker_app()  # the outbox's jobs read the database through the app: created once, before the forks

"""Settings module for `rq worker --config tests.scaleout.rq_preload`: imported once by the worker's main
process, so every forked work horse starts with the portal's job modules loaded. Without it each horse
imports the portal for its one job (seconds on a busy machine: 5 s per e-mail was measured here)."""
import portal.notifications.mail  # noqa: F401
import portal.notifications.sms  # noqa: F401

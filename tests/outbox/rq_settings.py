"""Settings module for the `rq worker --config tests.outbox.rq_settings` of the outbox's kill tests: the
worker's work horses know the test destinations."""
import tests.outbox.destinations  # noqa: F401

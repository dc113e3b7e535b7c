"""Fixtures of the security tests. The rest of the suite runs without a per-account sign-in limit
(config.TestConfig): here it is switched on, on a fresh in-memory store for the test."""
import pytest

from portal.auth.throttle import EXTENSION

PRODUCTION_ACCOUNT_LIMIT = "5 per minute;20 per hour"  # config.Config's default


@pytest.fixture
def account_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_LOGIN_LIMIT", PRODUCTION_ACCOUNT_LIMIT)
    app.extensions.pop(EXTENSION, None)
    yield PRODUCTION_ACCOUNT_LIMIT
    app.extensions.pop(EXTENSION, None)

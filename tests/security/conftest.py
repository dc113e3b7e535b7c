"""Fixtures of the security tests. The rest of the suite runs without a per-account sign-in limit
(config.TestConfig): here it is switched on, on a fresh in-memory store for the test."""
import os
import subprocess
import sys
from contextlib import contextmanager

import pytest

from portal.auth.throttle import EXTENSION
from tests.lookup.test_rate_limit import PROJECT, SERVER

PRODUCTION_ACCOUNT_LIMIT = "5 per minute;20 per hour"  # config.Config's default


@pytest.fixture
def account_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_LOGIN_LIMIT", PRODUCTION_ACCOUNT_LIMIT)
    app.extensions.pop(EXTENSION, None)
    yield PRODUCTION_ACCOUNT_LIMIT
    app.extensions.pop(EXTENSION, None)


@contextmanager
def limited_portal(app, tmp_path, **settings):
    """A portal with rate limits on, in a subprocess on the test database (the limiter is one object per
    process and the test app runs with limits off); yields its port. `settings` are environment variables."""
    env = dict(os.environ, INSTANCE_PATH=str(tmp_path / "instance"),
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED="1",
               RATELIMIT_STORAGE_URI="memory://", REDIS_URL="", **settings)
    process = subprocess.Popen([sys.executable, "-c", SERVER], cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.strip().isdigit(), process.stderr.read()[-3000:] if process.poll() is not None else line
        yield int(line)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()

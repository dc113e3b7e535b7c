"""The Redis and RQ tests: they run when REDIS_URL_FOR_TESTS names a Redis database they may empty (CI gives
redis://127.0.0.1:6379/15), and are skipped otherwise. The `redis_queue` fixture is in tests/conftest.py."""
import os

import pytest

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "")
needs_redis = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="set REDIS_URL_FOR_TESTS to run the Redis and RQ tests"),
]

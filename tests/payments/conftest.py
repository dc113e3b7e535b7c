"""Fixtures of the payment tests: a real HTTP server (tests/live_server.py)."""
import pytest

from tests.live_server import serve


@pytest.fixture
def http_server():
    """The `serve` context manager, for tests that start servers of their own."""
    return serve

import pytest


@pytest.fixture(autouse=True)
def _fresh_claim_throttle(app):
    """The claim throttle counts in the rate limiter's store (memory in tests), kept on the session's app:
    each test starts with no earlier test's failures (account ids repeat once the tables are wiped)."""
    from portal.citizen.claiming import EXTENSION
    app.extensions.pop(EXTENSION, None)
    yield
    app.extensions.pop(EXTENSION, None)

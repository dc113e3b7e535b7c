import pytest


@pytest.fixture(autouse=True)
def fresh_reset_limits(app):
    """Every test counts password-reset requests from zero (the counts live in the limiter's store)."""
    from portal.auth.recovery import EXTENSION
    app.extensions.pop(EXTENSION, None)
    yield
    app.extensions.pop(EXTENSION, None)

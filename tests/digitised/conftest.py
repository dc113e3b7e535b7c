"""The digitised-store tests move applications along the workflow as the desk tests do."""
from tests.staff.conftest import advance, approved  # noqa: F401  (fixtures)

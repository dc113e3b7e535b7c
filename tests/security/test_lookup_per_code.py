"""Public lookup: besides the per-client budget, each application code has its own budget of misses
(LOOKUP_CODE_RATE_LIMIT) whatever the address, so many addresses cannot together walk the 10,000 endings
of one code. The limited portal runs in a subprocess, as in tests/public/test_rate_limit.py (the limiter
is one object per process and the test app runs with limits off)."""
import http.client
import json

import pytest

from portal.operations.transitions import fire
from tests.factories import make_application
from tests.public.test_rate_limit import get
from tests.live_server import limited_portal


@pytest.fixture
def code_limited_portal(app, tmp_path):
    with limited_portal(app, tmp_path, LOOKUP_RATE_LIMIT="100 per minute", LOOKUP_CODE_RATE_LIMIT="4 per hour") as port:
        yield port


def test_misses_on_one_code_from_many_addresses_share_one_budget(db, demo, code_limited_portal):
    application = make_application(db, demo.citizen)
    other = make_application(db, demo.citizen2)
    for one in (application, other):
        fire(one, "accept", demo.staff("receiver", "tam-hong"))
    db.session.commit()
    digits = application.applicant_phone[-4:]
    wrong = [f"{n:04d}" for n in range(10) if f"{n:04d}" != digits][:4]
    port = code_limited_portal

    # The owner's own successful lookups never use the budget up.
    for _ in range(3):
        assert get(port, f"/api/v1/lookup?code={application.code}&phone={digits}")[0] == 200
    for n, guess in enumerate(wrong):  # four misses, from four addresses, page and API alike
        path = f"/api/v1/lookup?code={application.code}&phone={guess}" if n % 2 else \
            f"/tra-cuu?code={application.code}&phone={guess}"
        assert get(port, path, source=f"127.0.0.{n + 1}")[0] == 404
    status, content_type, body = get(port, f"/api/v1/lookup?code={application.code}&phone={digits}",
                                     source="127.0.0.9")
    assert status == 429 and content_type.startswith("application/problem+json")  # even with the right digits
    assert json.loads(body)["status"] == 429
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", f"/api/v1/lookup?code={application.code}&phone={digits}")
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status == 429 and int(answer.getheader("Retry-After")) >= 1
    assert get(port, f"/tra-cuu?code={application.code.lower()}&phone={digits}", source="127.0.0.8")[0] == 429
    # Another code keeps its own budget.
    other_digits = other.applicant_phone[-4:]
    assert get(port, f"/api/v1/lookup?code={other.code}&phone={other_digits}", source="127.0.0.9")[0] == 200

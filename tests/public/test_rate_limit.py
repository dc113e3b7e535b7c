"""Rate limiting per client, on a portal of its own: the test app runs with limits off, and the limiter is
one object per process, so the limited portal runs in a subprocess (a real HTTP server on the test
database) and the test talks to it over HTTP from two client addresses."""
import http.client
import json

import pytest

from portal.operations.transitions import fire
from tests.factories import make_application
from tests.live_server import limited_portal as portal_with_limits


@pytest.fixture
def limited_portal(app, tmp_path):
    with portal_with_limits(app, tmp_path, LOOKUP_RATE_LIMIT="3 per minute") as port:
        yield port


def get(port, path, source="127.0.0.1"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode()
    finally:
        connection.close()


def test_the_page_and_the_api_share_one_budget_per_client(db, demo, limited_portal):
    application = make_application(db, demo.citizen)
    fire(application, "accept", demo.staff("receiver", "tam-hong"))
    db.session.commit()
    digits = application.applicant_phone[-4:]
    wrong = "0000" if digits != "0000" else "1111"
    port = limited_portal

    for _ in range(4):  # opening the empty form looks nothing up and costs nothing
        assert get(port, "/tra-cuu")[0] == 200
    assert get(port, f"/api/v1/lookup?code={application.code}&phone={digits}")[0] == 200
    assert get(port, f"/tra-cuu?code={application.code}&phone={digits}")[0] == 200
    assert get(port, f"/api/v1/lookup?code={application.code}&phone={wrong}")[0] == 404

    status, content_type, body = get(port, f"/api/v1/lookup?code={application.code}&phone={digits}")
    assert status == 429 and content_type.startswith("application/problem+json")
    assert json.loads(body)["status"] == 429
    status, content_type, body = get(port, f"/tra-cuu?code={application.code}&phone={digits}")
    assert status == 429 and content_type.startswith("text/html") and "Quá nhiều yêu cầu" in body

    # Another client has its own budget.
    status, _, body = get(port, f"/api/v1/lookup?code={application.code}&phone={digits}", source="127.0.0.2")
    assert status == 200 and json.loads(body)["state"] == "processing"

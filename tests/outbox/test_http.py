"""post_json: how answers are read (2xx delivered, 4xx refused, 5xx/timeouts/connection errors retried), and
URLs on the portal's own origin answered in-process with the same HTTP semantics."""
import socket

import pytest

from portal.outbox import Refused, Transient
from portal.outbox.http import post_json


def test_the_portals_own_origin_is_answered_in_process(app, db, demo):
    base = app.config["PUBLIC_URL"]  # http://localhost: nothing listens there, the app answers itself
    answer = post_json(base + "/api/v1/auth/token", {"email": "citizen@demo.vn", "password": "Demo@12345"})
    assert answer.status_code == 200 and answer.json()["access_token"]
    with pytest.raises(Refused, match="HTTP 401"):
        post_json(base + "/api/v1/auth/token", {"email": "citizen@demo.vn", "password": "wrong"})
    with pytest.raises(Refused, match="HTTP 404"):
        post_json(base + "/khong-co-trang-nay", {})


def test_statuses_over_the_network(app, receiver):
    import os
    from tests.outbox.destinations import URL_ENV
    url = os.environ[URL_ENV] + "/receive"
    receiver.answer_next(500, 503, 408, 429, 400, 409)
    for status in (500, 503, 408, 429):
        with pytest.raises(Transient, match=f"HTTP {status}"):
            post_json(url, {}, headers={"Idempotency-Key": "k"})
    for status in (400, 409):
        with pytest.raises(Refused, match=f"HTTP {status}"):
            post_json(url, {}, headers={"Idempotency-Key": "k"})
    assert post_json(url, {"a": "Hồ sơ"}, headers={"Idempotency-Key": "k2"}).json()["accepted"] is True
    assert receiver.kept["k2"] == {"a": "Hồ sơ"}


def test_a_closed_port_is_a_transient_error(app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(Transient, match="ConnectionError"):
        post_json(f"http://127.0.0.1:{port}/x", {}, timeout=2)

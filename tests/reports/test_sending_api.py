"""/api/v1/reports/submissions: the sent versions with their delivery, and sending a period (administrators)."""
import pytest

from tests.factories import api_token
from tests.reports import dataset

URL = "/api/v1/reports/submissions"


@pytest.fixture(autouse=True)
def sandbox_store(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "REPORTING_SANDBOX_STORE", str(tmp_path / "reporting.json"))


def test_an_administrator_sends_a_period_and_reads_its_delivery(client, db, demo):
    dataset.build(db, demo)
    admin = api_token(client, "admin@demo.vn")
    sent = client.post(URL, json={"period": "2026-03", "unit": "yen-lac"}, headers=admin)
    assert sent.status_code == 200, sent.get_json()
    [row] = sent.get_json()
    assert (row["unit"], row["period"], row["version"], row["created"]) == ("yen-lac", "2026-03", 1, True)
    again = client.post(URL, json={"period": "2026-03", "unit": "yen-lac"}, headers=admin).get_json()
    assert [(r["version"], r["created"]) for r in again] == [(1, False)]
    [listed] = client.get(URL, query_string={"period": "2026-03"}, headers=admin).get_json()
    assert listed["outbox"]["state"] == "sent" and listed["outbox"]["attempts"] == 1
    assert listed["payload_hash"] == row["payload_hash"] and "created" not in listed


def test_refusals_are_problems(client, demo):
    admin = api_token(client, "admin@demo.vn")
    bad = client.post(URL, json={"period": "2026-13"}, headers=admin)
    assert bad.status_code == 422 and "period" in bad.get_json()["errors"]
    assert client.post(URL, json={"period": "2099-Q1"}, headers=admin).status_code == 422
    assert client.post(URL, json={}, headers=admin).status_code == 422
    assert client.post(URL, json={"period": "2026-03", "unit": "khong-co"}, headers=admin).status_code == 404
    assert client.get(URL, query_string={"period": "x"}, headers=admin).status_code == 422
    leader = api_token(client, "leader.yen-lac@demo.vn")
    assert client.get(URL, headers=leader).status_code == 403
    assert client.post(URL, json={"period": "2026-03"}, headers=leader).status_code == 403
    assert client.get(URL).status_code == 401

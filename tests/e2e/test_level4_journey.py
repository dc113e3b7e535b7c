"""The whole level-4 journey the citizen never leaves home for, through the API and the sandbox gateway
over real HTTP: apply at the commune desk for a district procedure, pay online, the commune forwards, the
district decides and signs, the result comes back and the citizen downloads the signed PDF, checks it on
the public verification API, confirms receipt and rates the service."""
import io
import re
import subprocess
from urllib.parse import urlsplit

import pytest

from tests.factories import api_token, csrf_token_from, pdf_bytes, valid_data

SERVICE = "dang-ky-thanh-lap-ho-kinh-doanh"  # level 4, fee, received at the commune, decided by the district
COMMUNE, DISTRICT = "tam-hong", "yen-lac"


@pytest.fixture
def signing_keys(app):
    from portal.documents import keys
    from portal.documents.pki import UnitIdentity, init_dev
    from portal.operations.seed import UNITS
    init_dev(app.config["PKI_DIR"], [UnitIdentity(slug, name) for slug, _code, name, *_rest in UNITS])
    keys.forget()


def act(client, headers, application, action, **body):
    response = client.post(f"/api/v1/applications/{application['id']}/actions/{action}", headers=headers,
                           json={"version": application["version"], **body})
    assert response.status_code == 200, (action, response.get_json())
    return response.get_json()


def pay_at_the_sandbox(client, payment_url, choice="success"):
    location = urlsplit(payment_url)
    page = client.get(f"{location.path}?{location.query}")
    assert page.status_code == 200 and "MÔI TRƯỜNG THỬ NGHIỆM (SANDBOX)" in page.text
    number = re.search(r'name="transaction_no" value="([^"]+)"', page.text).group(1)
    answer = client.post(location.path, data={"csrf_token": csrf_token_from(page.text),
                                              "transaction_no": number, "choice": choice})
    assert answer.status_code == 302  # back to the portal's return URL, after the server-side IPN


def test_level_4_from_application_to_signed_result_without_visiting_a_desk(
        app, client, db, demo, live, signing_keys):
    citizen = api_token(client, "citizen@demo.vn")
    service = client.get(f"/api/v1/services/{SERVICE}").get_json()
    assert service["online_level"] == 4 and service["workflow"] == "commune-to-district"
    draft = client.post("/api/v1/applications", headers=citizen, json={
        "service": SERVICE, "unit": COMMUNE, "data": valid_data(SERVICE)}).get_json()
    for document in service["documents"]:
        attached = client.post(f"/api/v1/applications/{draft['id']}/attachments", headers=citizen,
                               data={"document": document["key"], "file": (io.BytesIO(pdf_bytes()), "ban-scan.pdf")},
                               content_type="multipart/form-data")
        assert attached.status_code == 201
    application = client.post(f"/api/v1/applications/{draft['id']}/submit", headers=citizen).get_json()
    assert application["state"] == "submitted" and application["fee_amount"] == 100_000

    application = act(client, api_token(client, f"receiver.{COMMUNE}@demo.vn"), application, "accept")
    assert application["state"] == "awaiting_payment"
    assert application["due_date"] is not None

    started = client.post(f"/api/v1/applications/{application['id']}/payments", headers=citizen)
    assert started.status_code == 201 and started.get_json()["amount"] == 100_000
    pay_at_the_sandbox(client, started.get_json()["payment_url"])
    application = client.get(f"/api/v1/applications/{application['id']}", headers=citizen).get_json()
    assert application["state"] == "processing" and application["paid_at"] is not None
    assert [d["kind"] for d in application["documents"]] == ["receipt", "payment_receipt"]

    application = act(client, api_token(client, f"receiver.{COMMUNE}@demo.vn"), application, "forward")
    assert (application["state"], application["current_unit"]) == ("forwarded", DISTRICT)
    application = act(client, api_token(client, f"receiver.{DISTRICT}@demo.vn"), application, "accept_transfer")
    application = act(client, api_token(client, f"handler.{DISTRICT}@demo.vn"), application,
                      "submit_for_approval")
    application = act(client, api_token(client, f"leader.{DISTRICT}@demo.vn"), application, "approve")
    assert (application["state"], application["current_unit"]) == ("result_ready", COMMUNE)

    application = client.get(f"/api/v1/applications/{application['id']}", headers=citizen).get_json()
    [result] = [d for d in application["documents"] if d["kind"] == "result"]
    pdf = client.get(f"/api/v1/documents/{result['id']}", headers=citizen)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout.decode()
    assert application["code"] in " ".join(text.split())
    assert "Độc lập - Tự do - Hạnh phúc" in text
    verified = client.get(f"/api/v1/verify/{result['code']}").get_json()
    assert verified["signature"]["status"] == "valid"
    assert "huyện Yên Lạc" in verified["signature"]["signer"]  # the deciding unit signs
    assert client.get(f"/api/v1/documents/{result['id']}",
                      headers=api_token(client, "citizen2@demo.vn")).status_code == 404

    # the citizen has the result in hand: the application is completed, once
    application = client.get(f"/api/v1/applications/{application['id']}", headers=citizen).get_json()
    assert application["state"] == "completed"
    assert client.get(f"/api/v1/documents/{result['id']}", headers=citizen).data == pdf.data
    rated = client.post(f"/api/v1/applications/{application['id']}/rating", headers=citizen,
                        json={"value": "satisfied", "comment": "Không phải đến bộ phận một cửa."})
    assert rated.status_code == 201
    events = [e["action"] for e in application["events"]]
    assert events == ["submit", "accept", "pay", "forward", "accept_transfer", "submit_for_approval",
                      "approve", "deliver"]

"""Shared by the counter tests: a walk-in person, the API calls of the desk, and what is on disk."""
import io
import os

from tests.factories import api_token, pdf_bytes, valid_data

SERVICE = "dang-ky-khai-sinh"  # one required document: the birth notice
PERSON = {"full_name": "  Lê Thị   Hoa ", "national_id": "026195004321", "phone": "+84 912.345.679"}


def desk(client, slug="tam-hong"):
    return api_token(client, f"receiver.{slug}@demo.vn")


def start(client, headers, applicant=None, **extra):
    body = {"service": SERVICE, "data": valid_data(SERVICE),
            "applicant": PERSON if applicant is None else applicant, **extra}
    return client.post("/api/v1/applications", json=body, headers=headers)


def scan(client, headers, application_id, checked=True, data=None, key="birth_notice"):
    return client.post(f"/api/v1/applications/{application_id}/attachments", headers=headers,
                       data={"document": key, "checked_against_original": "true" if checked else "false",
                             "file": (io.BytesIO(data or pdf_bytes("Giay chung sinh")), "giay-chung-sinh.pdf")},
                       content_type="multipart/form-data")


def walk_in(client, headers, applicant=None):
    """Start, scan and submit at the desk; returns the submitted application's JSON."""
    created = start(client, headers, applicant)
    assert created.status_code == 201, created.get_json()
    application_id = created.get_json()["id"]
    assert scan(client, headers, application_id).status_code == 201
    submitted = client.post(f"/api/v1/applications/{application_id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.get_json()
    return submitted.get_json()


def stored_files(app) -> list[str]:
    folder = app.config["UPLOAD_DIR"]
    return [name for _root, _dirs, names in os.walk(folder) for name in names] if os.path.isdir(folder) else []

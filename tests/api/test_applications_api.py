"""The citizen's path through /api/v1: token, catalogue, draft, attachments, submission, list, detail."""
import io
import os
import re

import pytest

from tests.factories import api_token, pdf_bytes, png_bytes, valid_data


def _files(app):
    folder = app.config["UPLOAD_DIR"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def _draft(client, headers, data=None, service="dang-ky-khai-sinh", unit="tam-hong"):
    response = client.post("/api/v1/applications", headers=headers,
                           json={"service": service, "unit": unit, "data": data or {}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _attach_all(client, headers, application_id, service="dang-ky-khai-sinh"):
    detail = client.get(f"/api/v1/services/{service}").get_json()
    for document in detail["documents"]:
        response = client.post(f"/api/v1/applications/{application_id}/attachments", headers=headers,
                               data={"document": document["key"],
                                     "file": (io.BytesIO(pdf_bytes()), f"C:\\Users\\an\\{document['key']}.pdf")},
                               content_type="multipart/form-data")
        assert response.status_code == 201, response.get_json()
        assert "\\" not in response.get_json()["filename"] and "/" not in response.get_json()["filename"]


def test_catalogue_and_units(client, demo):
    services = client.get("/api/v1/services").get_json()
    slugs = {s["slug"] for s in services}
    assert {"dang-ky-khai-sinh", "xac-nhan-tinh-trang-hon-nhan", "dang-ky-khai-tu",
            "chung-thuc-ban-sao-tu-ban-chinh", "dang-ky-thanh-lap-ho-kinh-doanh",
            "cap-giay-phep-xay-dung-nha-o-rieng-le"} <= slugs
    birth = client.get("/api/v1/services/dang-ky-khai-sinh").get_json()
    assert birth["code"] == "1.001193" and birth["fields"] and birth["documents"]
    assert client.get("/api/v1/services/khong-co").status_code == 404
    units = {u["slug"]: u for u in client.get("/api/v1/units").get_json()}
    assert units["tam-hong"]["parent"] == "yen-lac" and units["tam-hong"]["level"] == "commune"
    assert units["vinh-phuc"]["parent"] is None


def test_full_submission_through_the_api(app, client, demo):
    headers = api_token(client, "citizen@demo.vn")
    draft = _draft(client, headers, valid_data("dang-ky-khai-sinh", khong_co_truong_nay="x"))
    assert draft["state"] == "draft" and "khong_co_truong_nay" not in draft["data"]
    _attach_all(client, headers, draft["id"])
    submitted = client.post(f"/api/v1/applications/{draft['id']}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.get_json()
    body = submitted.get_json()
    assert body["state"] == "submitted"
    assert re.fullmatch(r"000\.21\.31\.H62-\d{6}-0001", body["code"])
    listed = client.get("/api/v1/applications", headers=headers).get_json()
    assert [a["id"] for a in listed] == [draft["id"]]
    detail = client.get(f"/api/v1/applications/{draft['id']}", headers=headers).get_json()
    assert detail["events"][0]["action"] == "submit" and detail["version"] >= 1
    # the second application of the day at the same unit gets the next number
    second = _draft(client, headers, valid_data("dang-ky-khai-sinh"))
    _attach_all(client, headers, second["id"])
    code2 = client.post(f"/api/v1/applications/{second['id']}/submit", headers=headers).get_json()["code"]
    assert code2.endswith("-0002") and code2[:-5] == body["code"][:-5]


def test_validation_errors_by_field_and_nothing_saved(app, client, db, demo):
    from portal.models import Application
    headers = api_token(client, "citizen@demo.vn")
    response = client.post("/api/v1/applications", headers=headers, json={
        "service": "dang-ky-khai-sinh", "unit": "dong-da-khong-co", "data": {}})
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json" and "unit" in problem["errors"]
    definition_fields = client.get("/api/v1/services/dang-ky-khai-sinh").get_json()["fields"]
    id_field = next((f["name"] for f in definition_fields if f["type"] == "national_id"), None)
    date_field = next((f["name"] for f in definition_fields if f["type"] == "date"), None)
    bad = {}
    if id_field:
        bad[id_field] = "12345"
    if date_field:
        bad[date_field] = "2026-02-30"
    response = client.post("/api/v1/applications", headers=headers,
                           json={"service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": bad})
    assert response.status_code == 422
    assert set(bad) <= set(response.get_json()["errors"])
    assert db.session.query(Application).count() == 0


def test_submit_incomplete_lists_what_is_missing(client, demo):
    headers = api_token(client, "citizen@demo.vn")
    draft = _draft(client, headers)
    response = client.post(f"/api/v1/applications/{draft['id']}/submit", headers=headers)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert any(key.startswith("documents.") for key in errors)
    assert client.get(f"/api/v1/applications/{draft['id']}", headers=headers).get_json()["state"] == "draft"


@pytest.mark.parametrize("payload,name,status", [
    (b"just text, not a scan", "scan.pdf", 415),
    (b"", "empty.pdf", 422),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image.png", 415),
])
def test_uploads_checked_by_content_and_nothing_stored(app, client, db, demo, payload, name, status):
    from portal.models import Attachment
    headers = api_token(client, "citizen@demo.vn")
    draft = _draft(client, headers)
    response = client.post(f"/api/v1/applications/{draft['id']}/attachments", headers=headers,
                           data={"document": client.get("/api/v1/services/dang-ky-khai-sinh").get_json()
                                 ["documents"][0]["key"], "file": (io.BytesIO(payload), name)},
                           content_type="multipart/form-data")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert db.session.query(Attachment).count() == 0
    assert _files(app) == []


def test_oversized_upload_refused(app, client, db, demo):
    from portal.models import Attachment
    app.config["MAX_UPLOAD_MB"] = 0.1  # small enough that the test client keeps the body in memory
    try:
        headers = api_token(client, "citizen@demo.vn")
        draft = _draft(client, headers)
        key = client.get("/api/v1/services/dang-ky-khai-sinh").get_json()["documents"][0]["key"]
        big = png_bytes() + b"\0" * (110 * 1024)
        response = client.post(f"/api/v1/applications/{draft['id']}/attachments", headers=headers,
                               data={"document": key, "file": (io.BytesIO(big), "big.png")},
                               content_type="multipart/form-data")
        assert response.status_code == 413
        assert db.session.query(Attachment).count() == 0 and _files(app) == []
    finally:
        app.config["MAX_UPLOAD_MB"] = 10


def test_png_and_jpeg_accepted(client, demo):
    headers = api_token(client, "citizen@demo.vn")
    draft = _draft(client, headers)
    key = client.get("/api/v1/services/dang-ky-khai-sinh").get_json()["documents"][0]["key"]
    response = client.post(f"/api/v1/applications/{draft['id']}/attachments", headers=headers,
                           data={"document": key, "file": (io.BytesIO(png_bytes()), "../../etc/anh.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 201
    assert response.get_json()["filename"] == "anh.png"
    assert response.get_json()["content_type"] == "image/png"


def test_nfd_input_is_stored_nfc(client, demo):
    headers = api_token(client, "citizen@demo.vn")
    fields = client.get("/api/v1/services/dang-ky-khai-sinh").get_json()["fields"]
    text_field = next(f["name"] for f in fields if f["type"] == "text")
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"
    draft = _draft(client, headers, {text_field: decomposed})
    assert draft["data"][text_field] == "Nguyễn Văn A"


def test_other_citizens_application_is_404_and_anonymous_401(client, db, demo):
    headers = api_token(client, "citizen@demo.vn")
    draft = _draft(client, headers)
    other = api_token(client, "citizen2@demo.vn")
    assert client.get(f"/api/v1/applications/{draft['id']}", headers=other).status_code == 404
    assert client.post(f"/api/v1/applications/{draft['id']}/submit", headers=other).status_code == 404
    assert client.get(f"/api/v1/applications/{draft['id']}").status_code == 401
    assert client.get("/api/v1/applications", headers=other).get_json() == []


def test_malformed_json_and_wrong_content_type(client, demo):
    headers = api_token(client, "citizen@demo.vn")
    response = client.post("/api/v1/applications", headers=headers, data="{oops",
                           content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    response = client.post("/api/v1/applications", headers=headers, data="service=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    response = client.post("/api/v1/applications", headers=headers, json=["not", "an", "object"])
    assert response.status_code == 400


def test_staff_cannot_create_applications(client, demo):
    headers = api_token(client, "receiver.tam-hong@demo.vn")
    response = client.post("/api/v1/applications", headers=headers,
                           json={"service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": {}})
    assert response.status_code == 403


def test_openapi_document_lists_the_contract(client, demo):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/auth/token", "/api/v1/services", "/api/v1/services/{slug}", "/api/v1/units",
                 "/api/v1/applications", "/api/v1/applications/{application_id}",
                 "/api/v1/applications/{application_id}/attachments",
                 "/api/v1/applications/{application_id}/submit",
                 "/api/v1/applications/{application_id}/actions",
                 "/api/v1/applications/{application_id}/actions/{action}"):
        assert path in spec["paths"], path


def test_new_service_version_keeps_old_applications(app, client, db, demo, tmp_path):
    import shutil

    from portal.operations.catalogue import load_catalogue
    headers = api_token(client, "citizen@demo.vn")
    draft = _draft(client, headers)
    _attach_all(client, headers, draft["id"])
    client.post(f"/api/v1/applications/{draft['id']}/submit", headers=headers)
    folder = tmp_path / "services"
    shutil.copytree(app.config["SERVICES_DIR"], folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = folder / "dang-ky-khai-sinh.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^processing_days = \d+", "processing_days = 5", text), encoding="utf-8")
    published, unchanged, errors = load_catalogue(str(folder))
    db.session.commit()
    assert [v.service.slug for v in published] == ["dang-ky-khai-sinh"] and not errors
    assert client.get("/api/v1/services/dang-ky-khai-sinh").get_json()["version"] == 2
    assert client.get(f"/api/v1/applications/{draft['id']}", headers=headers).get_json()["service_version"] == 1


def test_bad_service_file_refused_others_still_served(app, db, demo, tmp_path):
    import shutil

    from portal.operations.catalogue import load_catalogue
    folder = tmp_path / "services"
    shutil.copytree(app.config["SERVICES_DIR"], folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (folder / "hong.toml").write_text('code = "1"\nslug = "hong"\n', encoding="utf-8")
    published, unchanged, errors = load_catalogue(str(folder))
    assert len(errors) == 1 and "hong.toml" in str(errors[0])
    assert len(unchanged) == 6

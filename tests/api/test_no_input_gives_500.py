"""No input produces a 500: every write endpoint of the OpenAPI document, fed malformed bodies of every
JSON shape, answers with a 4xx problem (the test app re-raises unexpected errors, so a crash fails here)."""
import io
import re

import pytest

from tests.factories import api_token, make_application, post_form

BAD_BODIES = [
    None, [], "texte", 123, 1.5e308, True,
    {"service": [], "unit": {}, "data": "x"},
    {"service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": {"a" * 300: "\x00" * 10}},
    {"version": "abc", "note": ["x"], "new_due_date": "2026-02-30", "handler": "one", "data": []},
    {"version": -1, "note": "x" * 100_000, "new_due_date": 20261130},
    {"version": 10 ** 30},
    {"email": None, "password": {"$ne": ""}, "totp": 123456},
    {"value": "rất hài lòng", "comment": 42, "address": None, "phone": ["0912345678"]},
    {"reason": None, "document": {"key": 1}},
]


def _write_paths(spec):
    for path, operations in spec["paths"].items():
        for method in operations:
            if method in ("post", "patch", "put", "delete"):
                yield method, path


def _concrete(path, application_id, document_id):
    path = path.replace("{application_id}", str(application_id)).replace("{document_id}", str(document_id))
    path = path.replace("{action}", "accept").replace("{slug}", "dang-ky-khai-sinh")
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize("who", ["citizen@demo.vn", "receiver.tam-hong@demo.vn", "admin@demo.vn"])
def test_malformed_bodies_never_crash(app, client, db, demo, who):
    application = make_application(db, demo.citizen)
    headers = api_token(client, who)
    spec = client.get("/api/v1/openapi.json").get_json()
    checked = 0
    for method, path in _write_paths(spec):
        url = _concrete(path, application.id, 1)
        for body in BAD_BODIES:
            response = client.open(url, method=method.upper(), headers=headers, json=body)
            assert response.status_code < 500, (method, url, body, response.status_code)
            if response.status_code >= 400 and response.mimetype != "application/pdf":
                assert response.mimetype == "application/problem+json", (method, url, response.mimetype)
            checked += 1
        for raw, content_type in ((b"\xff\xfe{", "application/json"), (b"a=1&b", "application/x-www-form-urlencoded"),
                                  (b"--x\r\n", "multipart/form-data; boundary=x")):
            response = client.open(url, method=method.upper(), headers=headers, data=raw, content_type=content_type)
            assert response.status_code < 500, (method, url, raw, response.status_code)
        response = client.open(url, method=method.upper(), headers=headers,
                               data={"document": "x", "file": (io.BytesIO(b"%PDF-1.4 broken"), "a.pdf")},
                               content_type="multipart/form-data")
        assert response.status_code < 500, (method, url, "multipart", response.status_code)
    assert checked > 100


def test_a_nul_character_is_refused_everywhere(client, demo):
    headers = api_token(client, "citizen@demo.vn")
    assert client.get("/api/v1/lookup?code=%00&phone=1234").status_code == 400
    refused = client.post("/api/v1/applications", headers=headers,
                          json={"service": "dang-ky-khai-sinh", "unit": "tam-hong", "data": {"x": "a\x00b"}})
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    page = post_form(client, "/dang-nhap", {"email": "a\x00@b.vn", "password": "x"})
    assert page.status_code == 400 and "ký tự không hợp lệ" in page.get_data(as_text=True)


@pytest.mark.parametrize("who", [None, "citizen@demo.vn", "leader.tam-hong@demo.vn", "admin@demo.vn"])
def test_junk_query_strings_never_crash(app, client, db, demo, who):
    application = make_application(db, demo.citizen)
    headers = api_token(client, who) if who else {}
    spec = client.get("/api/v1/openapi.json").get_json()
    junk = "from=2026-13-40&to=x&unit=%00&code=%27%20OR%201%3D1&phone=abcd&page=-1&per_page=10000000" \
           "&state=%E2%80%AE&due=soon&service=..%2F..&q=" + "a" * 5000
    for path, operations in spec["paths"].items():
        if "get" in operations:
            url = _concrete(path, application.id, 1)
            response = client.get(f"{url}?{junk}", headers=headers)
            response.close()  # file downloads stream from disk
            assert response.status_code < 500, (url, response.status_code)

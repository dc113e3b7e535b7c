from tests.admin.helpers import enrol, fresh_code
from tests.factories import api_token


def _admin_headers(client, db, demo):
    admin = demo.user("admin@demo.vn")
    secret = admin.totp_secret or enrol(db, admin)
    response = client.post("/api/v1/auth/token", json={"email": "admin@demo.vn", "password": "Demo@12345",
                                                       "totp": fresh_code(db, admin, secret)})
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_admin_api_is_for_administrators_only(client, demo):
    assert client.get("/api/v1/admin/units").status_code == 401
    refused = client.get("/api/v1/admin/units", headers=api_token(client, "receiver.tam-hong@demo.vn"))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"


def test_admin_api_units_staff_calendar_services(client, db, demo):
    headers = _admin_headers(client, db, demo)
    tree = client.get("/api/v1/admin/units", headers=headers).get_json()["units"]
    assert tree[0]["slug"] == "vinh-phuc" and {u["slug"] for u in tree if u["depth"] == 2} >= {"tam-hong"}
    created = client.post("/api/v1/admin/staff", headers=headers, json={
        "email": "new.staff@example.vn", "full_name": "Đỗ Thị Hà", "role": "handler", "unit": "dong-da"})
    assert created.status_code == 201 and created.get_json()["temporary_password"]
    staff_id = created.get_json()["id"]
    changed = client.patch(f"/api/v1/admin/staff/{staff_id}", headers=headers, json={"role": "leader",
                                                                                     "active": False})
    assert changed.get_json()["role"] == "leader" and changed.get_json()["active"] is False
    bad = client.post("/api/v1/admin/calendar", headers=headers, json={"day": "2026-02-30", "kind": "off"})
    assert bad.status_code == 422 and "day" in bad.get_json()["errors"]
    added = client.post("/api/v1/admin/calendar", headers=headers, json={"day": "2026-09-04", "kind": "off"})
    assert added.status_code == 201
    assert client.delete(f"/api/v1/admin/calendar/{added.get_json()['id']}",
                         headers=headers).status_code == 204
    toml = client.get("/api/v1/admin/services/dang-ky-khai-tu.toml", headers=headers).get_data(as_text=True)
    same = client.post("/api/v1/admin/services", headers=headers, json={"toml": toml})
    assert same.status_code == 200 and same.get_json()["created"] is False
    changed_toml = toml.replace("processing_days = 0", "processing_days = 2")  # same-day service (0)
    assert changed_toml != toml
    assert client.post("/api/v1/admin/services", headers=headers,
                       json={"toml": changed_toml}).get_json()["version"] == 2
    merged = client.post("/api/v1/admin/units/dong-da/merge", headers=headers, json={"into": "tich-son"})
    assert merged.status_code == 200 and merged.get_json()["moved"]["staff"] == 4  # demo three + new
    assert client.get("/api/v1/admin/workflows/commune.svg", headers=headers).mimetype == "image/svg+xml"

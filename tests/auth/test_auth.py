from tests.factories import api_token, csrf_token_from, login, post_form


def test_home_page_is_vietnamese(client, demo):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="vi"' in html
    assert "Dịch vụ công trực tuyến" in html


def test_register_login_logout(client, db, demo):
    response = post_form(client, "/dang-ky", {
        "full_name": "Tra\u0302\u0300n Thị Hoa",  # decomposed: must be stored composed (NFC)
        "email": "Hoa@Example.vn", "phone": "+84912000111", "national_id": "026199012345",
        "password": "MatKhau123", "confirm": "MatKhau123"})
    assert response.status_code == 302
    user = demo.user("hoa@example.vn")
    assert user.full_name == "Trần Thị Hoa"
    assert user.phone == "0912000111"
    assert user.password_hash.startswith("$argon2id$")
    page = client.get("/")
    post = client.post("/dang-xuat", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert post.status_code == 302
    login(client, "hoa@example.vn", "MatKhau123")


def test_register_errors_are_shown_beside_fields_and_nothing_saved(client, db, demo):
    from portal.models import User
    before = db.session.query(User).count()
    response = post_form(client, "/dang-ky", {
        "full_name": "", "email": "citizen@demo.vn", "phone": "12345", "national_id": "12345",
        "password": "short", "confirm": "other"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in html
    assert "Số điện thoại di động không hợp lệ" in html
    assert 'id="error-summary"' in html
    assert db.session.query(User).count() == before


def test_login_rotates_the_session_and_rejects_bad_password(client, demo):
    response = post_form(client, "/dang-nhap", {"email": "citizen@demo.vn", "password": "wrong"})
    assert response.status_code == 200
    assert "Email hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    login(client, "citizen@demo.vn")


def test_missing_csrf_token_is_refused(client, demo):
    response = client.post("/dang-nhap", data={"email": "citizen@demo.vn", "password": "Demo@12345"})
    assert response.status_code == 400


def test_api_token_and_problem_json(client, demo):
    headers = api_token(client, "citizen@demo.vn")
    assert client.get("/api/v1/applications", headers=headers).status_code == 200
    bad = client.post("/api/v1/auth/token", json={"email": "citizen@demo.vn", "password": "nope"})
    assert bad.status_code == 401
    assert bad.mimetype == "application/problem+json"
    assert bad.get_json()["status"] == 401
    anonymous = client.get("/api/v1/applications")
    assert anonymous.status_code == 401 and anonymous.mimetype == "application/problem+json"
    malformed = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert malformed.status_code == 400
    wrong_type = client.post("/api/v1/auth/token", data="email=x", content_type="text/plain")
    assert wrong_type.status_code == 415

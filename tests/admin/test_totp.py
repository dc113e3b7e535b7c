import re

import pyotp
import pytest

from tests.admin.helpers import enrol, fresh_code, login_with_totp
from tests.factories import csrf_token_from, login, post_form


def test_admin_password_alone_does_not_open_a_session(client, db, demo):
    enrol(db, demo.user("admin@demo.vn"))
    first = post_form(client, "/dang-nhap", {"email": "admin@demo.vn", "password": "Demo@12345"})
    assert first.status_code == 302 and first.headers["Location"].endswith("/quan-tri/xac-thuc-hai-buoc")
    assert client.get("/quan-tri/").status_code == 302  # still anonymous: sent to the login page


def test_code_completes_the_sign_in_and_cannot_be_replayed(client, db, demo):
    admin = demo.user("admin@demo.vn")
    secret = enrol(db, admin)
    post_form(client, "/dang-nhap", {"email": "admin@demo.vn", "password": "Demo@12345"})
    bad_code = "000000" if fresh_code(db, admin, secret) != "000000" else "111111"
    wrong = post_form(client, "/quan-tri/xac-thuc-hai-buoc", {"code": bad_code})
    assert wrong.status_code == 200 and "Mã xác thực không đúng" in wrong.get_data(as_text=True)
    code = fresh_code(db, admin, secret)
    done = post_form(client, "/quan-tri/xac-thuc-hai-buoc", {"code": code})
    assert done.status_code == 302 and done.headers["Location"].endswith("/quan-tri/")
    assert client.get("/quan-tri/").status_code == 200
    # the same code again, in a new sign-in, is refused
    page = client.get("/")
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    post_form(client, "/dang-nhap", {"email": "admin@demo.vn", "password": "Demo@12345"})
    replay = post_form(client, "/quan-tri/xac-thuc-hai-buoc", {"code": code})
    assert replay.status_code == 200
    assert client.get("/quan-tri/").status_code == 302


def test_first_sign_in_enrols_with_a_qr_code_and_gives_recovery_codes(client, db, demo):
    first = post_form(client, "/dang-nhap", {"email": "leader.yen-lac@demo.vn", "password": "Demo@12345"})
    assert first.headers["Location"].endswith("/quan-tri/xac-thuc-hai-buoc/dang-ky")
    page = client.get("/quan-tri/xac-thuc-hai-buoc/dang-ky")
    html = page.get_data(as_text=True)
    assert "<svg" in html and page.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)
    code = pyotp.TOTP(secret).now()
    done = client.post("/quan-tri/xac-thuc-hai-buoc/dang-ky", data={"csrf_token": csrf_token_from(html),
                                                                    "code": code})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4})</li>", done.get_data(as_text=True))
    assert len(codes) == 10
    leader = demo.user("leader.yen-lac@demo.vn")
    db.session.refresh(leader)
    assert leader.totp_secret == secret
    assert all(h.startswith("$argon2id$") for h in leader.recovery_codes)
    assert codes[0] not in str(leader.recovery_codes)
    # signed in: the leader's reports are open
    assert client.get("/bao-cao/").status_code == 200
    # a recovery code works once
    page = client.get("/")
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    post_form(client, "/dang-nhap", {"email": "leader.yen-lac@demo.vn", "password": "Demo@12345"})
    assert post_form(client, "/quan-tri/xac-thuc-hai-buoc", {"code": codes[0].upper()}).status_code == 302
    db.session.refresh(leader)
    assert len(leader.recovery_codes) == 9


@pytest.mark.parametrize("email", ["citizen@demo.vn", "receiver.tam-hong@demo.vn", "handler.yen-lac@demo.vn"])
def test_citizens_and_other_staff_sign_in_with_a_password(client, demo, email):
    assert "xac-thuc" not in login(client, email).headers["Location"]
    assert client.get("/dang-nhap").status_code == 302  # signed in already


def test_code_page_without_a_pending_sign_in_goes_back_to_login(client, demo):
    response = client.get("/quan-tri/xac-thuc-hai-buoc")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_five_wrong_codes_end_the_attempt(client, db, demo):
    admin = demo.user("admin@demo.vn")
    secret = enrol(db, admin)
    post_form(client, "/dang-nhap", {"email": "admin@demo.vn", "password": "Demo@12345"})
    good = fresh_code(db, admin, secret)
    bad = "123456" if good != "123456" else "654321"
    for _ in range(5):
        post_form(client, "/quan-tri/xac-thuc-hai-buoc", {"code": bad})
    response = client.get("/quan-tri/xac-thuc-hai-buoc")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_helper_logs_in(client, db, demo):
    login_with_totp(client, db, "admin@demo.vn")
    assert client.get("/quan-tri/").status_code == 200


def test_helpers_for_the_shared_login_factory(client, db, demo):
    from tests.admin.helpers import complete_second_step, second_factor_code
    assert second_factor_code("citizen@demo.vn") is None
    first = post_form(client, "/dang-nhap", {"email": "leader.tam-hong@demo.vn", "password": "Demo@12345"})
    assert "dang-ky" in first.headers["Location"]  # not enrolled yet
    complete_second_step(client, "leader.tam-hong@demo.vn")
    assert client.get("/bao-cao/").status_code == 200

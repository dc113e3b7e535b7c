"""Every administration page: anonymous -> login, citizen and staff (leaders included) -> 403."""
import pytest

from tests.admin.helpers import login_with_totp
from tests.factories import login, post_form

GET_PAGES = ["/quan-tri/", "/quan-tri/don-vi", "/quan-tri/don-vi/moi", "/quan-tri/don-vi/tam-hong",
             "/quan-tri/can-bo",
             "/quan-tri/can-bo/moi", "/quan-tri/thu-tuc", "/quan-tri/thu-tuc/dang-ky-khai-sinh",
             "/quan-tri/thu-tuc/dang-ky-khai-sinh.toml", "/quan-tri/lich", "/quan-tri/quy-trinh",
             "/quan-tri/quy-trinh/commune.svg"]
POST_PAGES = ["/quan-tri/don-vi/dong-van/sap-nhap", "/quan-tri/don-vi/vinh-phuc/hai-cap",
              "/quan-tri/can-bo/moi",
              "/quan-tri/thu-tuc/nhap", "/quan-tri/lich", "/quan-tri/thu-tuc/dang-ky-khai-sinh/ngung"]


def _staff_page(demo):
    return f"/quan-tri/can-bo/{demo.staff('handler', 'tam-hong').id}"


def test_anonymous_is_sent_to_login(client, demo):
    for url in GET_PAGES + [_staff_page(demo)]:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"], url


@pytest.mark.parametrize("email", ["citizen@demo.vn", "receiver.tam-hong@demo.vn", "leader.yen-lac@demo.vn"])
def test_non_administrators_get_403(client, db, demo, email):
    if email.startswith("leader"):
        login_with_totp(client, db, email)
    else:
        login(client, email)
    for url in GET_PAGES + [_staff_page(demo)]:
        assert client.get(url).status_code == 403, url
    token_page = client.get("/")  # any page carries a CSRF token in the header forms
    from tests.factories import csrf_token_from
    token = csrf_token_from(token_page.get_data(as_text=True))
    for url in POST_PAGES + [_staff_page(demo) + "/khoa"]:
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert demo.unit("dong-van").active and demo.staff("handler", "tam-hong").active


def test_administrator_sees_every_page(client, db, demo):
    login_with_totp(client, db, "admin@demo.vn")
    for url in GET_PAGES + [_staff_page(demo)]:
        assert client.get(url).status_code == 200, url
    assert client.get("/quan-tri/don-vi/khong-co").status_code == 404
    assert client.get("/quan-tri/can-bo/999999").status_code == 404
    assert client.get(f"/quan-tri/can-bo/{demo.citizen.id}").status_code == 404  # citizens are not staff


def test_post_without_csrf_is_refused(client, db, demo):
    login_with_totp(client, db, "admin@demo.vn")
    assert client.post("/quan-tri/lich", data={"day": "2026-09-04", "kind": "off"}).status_code == 400
    assert post_form(client, "/quan-tri/lich", {"day": "không phải ngày", "kind": "off"}).status_code == 200

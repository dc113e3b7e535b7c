"""A level-4 result the citizen asked to receive by post: the desk page shows where to send it, and the API's
application detail carries it as `delivery` (null when the citizen asked for nothing)."""
import pytest

from portal.ratings.delivery import request_postal_delivery
from tests.factories import api_token, login, make_application

from .conftest import MARITAL, desk_url, staff

ADDRESS = "Số 12, thôn Đồng Lạc, xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc"
PHONE = "0912345678"


@pytest.fixture
def ready(db, demo, advance):
    application = make_application(db, demo.citizen, MARITAL)
    advance(application, "accept", "submit_for_approval", "approve")
    assert application.state == "result_ready"
    return application


@pytest.fixture
def posted(app, db, demo, ready):
    with app.test_request_context():
        request_postal_delivery(ready, demo.citizen, ADDRESS, PHONE)
        db.session.commit()
    return ready


def test_the_desk_page_shows_the_postal_request(client, db, posted):
    login(client, staff("receiver"))
    html = client.get(desk_url(posted)).get_data(as_text=True)
    assert "Công dân đề nghị nhận kết quả qua bưu chính" in html
    box = html[html.index('id="postal-delivery"'):]
    box = box[:box.index("</section>")]
    assert ADDRESS in box and PHONE in box


def test_no_postal_box_without_a_request(client, db, ready):
    login(client, staff("receiver"))
    html = client.get(desk_url(ready)).get_data(as_text=True)
    assert "qua bưu chính" not in html


def test_the_api_detail_carries_the_delivery(client, db, posted):
    for email in (staff("receiver"), "citizen@demo.vn"):
        answer = client.get(f"/api/v1/applications/{posted.id}", headers=api_token(client, email))
        assert answer.status_code == 200, answer.get_json()
        delivery = answer.get_json()["delivery"]
        assert (delivery["method"], delivery["address"], delivery["phone"]) == ("post", ADDRESS, PHONE)
        assert delivery["requested_at"]
        assert delivery == client.get(f"/api/v1/applications/{posted.id}/delivery",
                                      headers=api_token(client, email)).get_json()


def test_the_api_detail_says_null_without_a_request(client, db, ready):
    answer = client.get(f"/api/v1/applications/{ready.id}", headers=api_token(client, "citizen@demo.vn"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert "delivery" in body and body["delivery"] is None


def test_the_openapi_document_describes_the_delivery(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert set(schemas["DeliveryOut"]["properties"]) == {"method", "address", "phone", "requested_at"}
    delivery = schemas["ApplicationOut"]["properties"]["delivery"]
    parts = delivery.get("anyOf", [delivery])
    assert {"$ref": "#/components/schemas/DeliveryOut"} in parts
    assert any(part.get("nullable") for part in parts)

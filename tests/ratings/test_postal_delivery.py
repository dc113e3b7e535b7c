"""A level-4 result by post: the citizen gives the address while the result is ready; the desk sees it."""
import pytest

from portal.operations.transitions import fire
from portal.ratings.delivery import postal_request
from tests.factories import api_token, csrf_token_from, login, make_application, post_form

UNIT = "tam-hong"
ADDRESS = "Số 12, thôn Đông, xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc"


def to_result_ready(db, demo, service):
    application = make_application(db, demo.citizen, service, UNIT)
    for action, role in (("accept", "receiver"), ("pay", "receiver"), ("submit_for_approval", "handler"),
                         ("approve", "leader")):
        if action == "pay" and application.state != "awaiting_payment":
            continue  # a free service goes straight to processing
        fire(application, action, demo.staff(role, UNIT))
        db.session.commit()
    assert application.state == "result_ready"
    return application


@pytest.fixture
def level4_ready(db, demo):
    return to_result_ready(db, demo, "dang-ky-khai-sinh")


def test_the_citizen_asks_for_the_result_by_post_and_the_desk_sees_it(client, db, demo, level4_ready):
    login(client, "citizen@demo.vn")
    page = client.get(f"/ho-so/{level4_ready.id}")
    assert page.status_code == 200 and "Nhận kết quả qua dịch vụ bưu chính" in page.get_data(as_text=True)
    form = {"address": f"  {ADDRESS}  ", "phone": "0987 654 321", "next": f"/ho-so/{level4_ready.id}"}
    answer = post_form(client, f"/ho-so/{level4_ready.id}", form,
                       post_url=f"/ho-so/{level4_ready.id}/nhan-qua-buu-dien")
    assert answer.status_code == 303 and answer.headers["Location"] == f"/ho-so/{level4_ready.id}"
    db.session.refresh(level4_ready)
    assert level4_ready.delivery["method"] == "post"
    assert postal_request(level4_ready)["address"] == ADDRESS
    assert postal_request(level4_ready)["phone"] == "0987654321"
    assert level4_ready.state == "result_ready"  # a request, not a state change

    shown = client.get(f"/ho-so/{level4_ready.id}").get_data(as_text=True)
    assert 'data-postal="requested"' in shown and ADDRESS in shown

    desk = client.get(f"/api/v1/applications/{level4_ready.id}/delivery",
                      headers=api_token(client, "receiver.tam-hong@demo.vn"))
    assert desk.status_code == 200
    assert desk.get_json()["address"] == ADDRESS and desk.get_json()["phone"] == "0987654321"
    other_commune = client.get(f"/api/v1/applications/{level4_ready.id}/delivery",
                               headers=api_token(client, "receiver.dong-van@demo.vn"))
    assert other_commune.status_code == 404


def test_wrong_address_or_phone_is_explained_and_nothing_is_stored(client, db, demo, level4_ready):
    login(client, "citizen@demo.vn")
    url = f"/ho-so/{level4_ready.id}/nhan-qua-buu-dien"
    answer = post_form(client, f"/ho-so/{level4_ready.id}/danh-gia", {"address": "Xã", "phone": "12345"},
                       post_url=url)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="postal-address-error"' in html and 'id="postal-phone-error"' in html
    db.session.refresh(level4_ready)
    assert level4_ready.delivery is None


def test_no_postal_delivery_for_a_level_3_result(client, db, demo):
    level3 = to_result_ready(db, demo, "chung-thuc-ban-sao-tu-ban-chinh")
    login(client, "citizen@demo.vn")
    page = client.get(f"/ho-so/{level3.id}/danh-gia").get_data(as_text=True)
    assert "Nhận kết quả qua dịch vụ bưu chính" not in page
    refused = client.post(f"/ho-so/{level3.id}/nhan-qua-buu-dien", data={
        "csrf_token": csrf_token_from(page), "address": ADDRESS, "phone": "0987654321"})
    assert refused.status_code == 422 and "mức độ 4" in refused.get_data(as_text=True)
    db.session.refresh(level3)
    assert level3.delivery is None

    api = client.post(f"/api/v1/applications/{level3.id}/delivery",
                      json={"address": ADDRESS, "phone": "0987654321"},
                      headers=api_token(client, "citizen@demo.vn"))
    assert api.status_code == 422 and api.get_json()["code"] == "postal_not_available"


def test_the_api_takes_the_request_from_the_applicant_only_and_checks_the_version(client, db, level4_ready):
    url = f"/api/v1/applications/{level4_ready.id}/delivery"
    body = {"address": ADDRESS, "phone": "0987654321"}
    assert client.post(url, json=body, headers=api_token(client, "citizen2@demo.vn")).status_code == 404
    citizen = api_token(client, "citizen@demo.vn")
    stale = client.post(url, json={**body, "version": level4_ready.version - 1}, headers=citizen)
    assert stale.status_code == 409
    bad = client.post(url, json={"address": "", "phone": "0123"}, headers=citizen)
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"address", "phone"}
    db.session.refresh(level4_ready)
    assert level4_ready.delivery is None
    assert client.get(url, headers=citizen).status_code == 404

    done = client.post(url, json={**body, "version": level4_ready.version}, headers=citizen)
    assert done.status_code == 200
    assert done.get_json()["method"] == "post" and done.get_json()["address"] == ADDRESS
    assert client.get(url, headers=citizen).get_json()["phone"] == "0987654321"


def test_no_postal_delivery_once_the_result_was_delivered(client, db, demo, level4_ready):
    fire(level4_ready, "deliver", demo.citizen)
    db.session.commit()
    answer = client.post(f"/api/v1/applications/{level4_ready.id}/delivery",
                         json={"address": ADDRESS, "phone": "0987654321"},
                         headers=api_token(client, "citizen@demo.vn"))
    assert answer.status_code == 422 and answer.get_json()["code"] == "postal_not_available"
    login(client, "citizen@demo.vn")
    page = client.get(f"/ho-so/{level4_ready.id}").get_data(as_text=True)
    assert "Nhận kết quả qua dịch vụ bưu chính" not in page and "Đánh giá mức độ hài lòng" in page

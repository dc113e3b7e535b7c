"""The satisfaction rating: once, by the applicant, after completion; stored with unit and service."""
import unicodedata

import pytest
from sqlalchemy import func, select

from portal.models import Rating
from portal.operations.transitions import fire
from tests.factories import api_token, csrf_token_from, login, make_application, post_form

UNIT = "tam-hong"


def count_ratings(db):
    return db.session.scalar(select(func.count()).select_from(Rating))


@pytest.fixture
def completed(db, demo):
    """A level-4 birth registration taken through the whole workflow; the citizen downloads the result."""
    application = make_application(db, demo.citizen)
    for action, actor in (("accept", demo.staff("receiver", UNIT)),
                          ("submit_for_approval", demo.staff("handler", UNIT)),
                          ("approve", demo.staff("leader", UNIT)), ("deliver", demo.citizen)):
        fire(application, action, actor)
        db.session.commit()
    assert application.state == "completed"
    return application


def test_the_citizen_rates_once_from_the_application_page(client, db, demo, completed):
    login(client, "citizen@demo.vn")
    page = client.get(f"/ho-so/{completed.id}")  # the citizen's application page includes the rating box
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Đánh giá mức độ hài lòng" in html
    for label in ("Hài lòng", "Bình thường", "Không hài lòng"):
        assert label in html
    comment = unicodedata.normalize("NFD", "Cán bộ hướng dẫn tận tình, trả kết quả sớm.")
    answer = post_form(client, f"/ho-so/{completed.id}", {"value": "satisfied", "comment": comment,
                                                          "next": f"/ho-so/{completed.id}"},
                       post_url=f"/ho-so/{completed.id}/danh-gia")
    assert answer.status_code == 303 and answer.headers["Location"] == f"/ho-so/{completed.id}"
    rating = db.session.execute(select(Rating)).scalar_one()
    assert (rating.application_id, rating.unit_id, rating.service_id, rating.value) == (
        completed.id, completed.unit_id, completed.service_id, "satisfied")
    assert rating.comment == unicodedata.normalize("NFC", comment)

    after = client.get(f"/ho-so/{completed.id}").get_data(as_text=True)
    assert 'data-rating="satisfied"' in after and 'name="value"' not in after
    again = client.post(f"/ho-so/{completed.id}/danh-gia", data={
        "csrf_token": csrf_token_from(after), "value": "unsatisfied"})
    assert again.status_code == 422
    assert "chỉ được đánh giá một lần" in again.get_data(as_text=True)
    assert count_ratings(db) == 1
    assert db.session.execute(select(Rating)).scalar_one().value == "satisfied"


def test_a_rating_needs_a_value_and_a_short_comment(client, db, demo, completed):
    login(client, "citizen@demo.vn")
    url = f"/ho-so/{completed.id}/danh-gia"
    no_value = post_form(client, url, {"comment": "Tốt"})
    assert no_value.status_code == 422
    assert "Vui lòng chọn một mức đánh giá." in no_value.get_data(as_text=True)
    too_long = post_form(client, url, {"value": "normal", "comment": "ạ" * 1001})
    assert too_long.status_code == 422 and "Tối đa 1000 ký tự." in too_long.get_data(as_text=True)
    forged = post_form(client, url, {"value": "excellent"})
    assert forged.status_code == 422
    assert count_ratings(db) == 0
    assert post_form(client, url, {"value": "normal", "comment": "ạ" * 1000}).status_code == 303
    assert count_ratings(db) == 1


def test_no_rating_before_completion_nor_without_the_csrf_token(client, db, demo):
    application = make_application(db, demo.citizen)
    login(client, "citizen@demo.vn")
    page = client.get(f"/ho-so/{application.id}/danh-gia")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="value"' not in html and "chưa hoàn thành" in html
    refused = client.post(f"/ho-so/{application.id}/danh-gia", data={
        "csrf_token": csrf_token_from(html), "value": "satisfied"})
    assert refused.status_code == 422
    assert "Chỉ đánh giá được hồ sơ đã hoàn thành" in refused.get_data(as_text=True)
    no_token = client.post(f"/ho-so/{application.id}/danh-gia", data={"value": "satisfied"})
    assert no_token.status_code == 400
    assert count_ratings(db) == 0


def test_another_person_cannot_see_or_rate(client, db, demo, completed):
    login(client, "citizen2@demo.vn")
    assert client.get(f"/ho-so/{completed.id}/danh-gia").status_code == 404
    token = csrf_token_from(client.get("/tra-cuu").get_data(as_text=True))
    assert client.post(f"/ho-so/{completed.id}/danh-gia", data={"csrf_token": token, "value": "unsatisfied"}
                       ).status_code == 404
    assert count_ratings(db) == 0


def test_the_api_rates_once_and_refuses_the_rest(client, db, demo, completed):
    url = f"/api/v1/applications/{completed.id}/rating"
    other = client.post(url, json={"value": "unsatisfied"}, headers=api_token(client, "citizen2@demo.vn"))
    assert other.status_code == 404 and other.mimetype == "application/problem+json"
    receiver = client.post(url, json={"value": "satisfied"},
                           headers=api_token(client, "receiver.tam-hong@demo.vn"))
    assert receiver.status_code == 404
    assert client.post(url, json={"value": "satisfied"}).status_code == 401

    citizen = api_token(client, "citizen@demo.vn")
    bad = client.post(url, json={"value": "great", "comment": "x" * 1001}, headers=citizen)
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"value", "comment"}
    assert client.post(url, json={}, headers=citizen).get_json()["errors"]["value"]
    assert client.post(url, data="value=normal", headers=citizen).status_code == 415

    first = client.post(url, json={"value": "normal", "comment": "  Thủ tục nhanh  "}, headers=citizen)
    assert first.status_code == 201
    assert first.get_json()["value"] == "normal" and first.get_json()["label"] == "Bình thường"
    assert first.get_json()["comment"] == "Thủ tục nhanh"
    second = client.post(url, json={"value": "satisfied"}, headers=citizen)
    assert second.status_code == 422 and second.get_json()["code"] == "already_rated"
    assert count_ratings(db) == 1

    seen_by_desk = client.get(url, headers=api_token(client, "receiver.tam-hong@demo.vn"))
    assert seen_by_desk.status_code == 200 and seen_by_desk.get_json()["value"] == "normal"


def test_the_api_refuses_a_rating_before_completion(client, db, demo):
    application = make_application(db, demo.citizen)
    answer = client.post(f"/api/v1/applications/{application.id}/rating", json={"value": "satisfied"},
                         headers=api_token(client, "citizen@demo.vn"))
    assert answer.status_code == 422 and answer.get_json()["code"] == "not_completed"
    assert client.get(f"/api/v1/applications/{application.id}/rating",
                      headers=api_token(client, "citizen@demo.vn")).status_code == 404
    assert count_ratings(db) == 0


def test_a_second_rating_racing_the_first_is_refused_not_a_crash(app, db, demo, completed, monkeypatch):
    from portal.operations import Invalid
    from portal.ratings import operations
    operations.rate(completed, demo.citizen, "satisfied")
    db.session.commit()
    # The second request read "no rating yet" just before the first committed.
    monkeypatch.setattr(operations, "rating_of", lambda application: None)
    with pytest.raises(Invalid, match="một lần"):
        operations.rate(completed, demo.citizen, "unsatisfied")
    db.session.rollback()
    assert count_ratings(db) == 1

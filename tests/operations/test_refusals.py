"""Every refusal, through the API and the desk pages: wrong role (403), another commune (404), the right unit
but not the current one (403), once-only rules and a late reschedule (422), a missing note (422), a stale
version (409). A refused request changes nothing: same state, same version, no event."""
from datetime import timedelta

import pytest

from tests.factories import login, make_application
from tests.operations.helpers import (COMMUNE_SERVICE, LIEN_THONG_SERVICE, Api, desk_url,
                                      event_count, fresh, page_fire, staff)

TH, YL, DV, VY = "tam-hong", "yen-lac", "dong-van", "vinh-yen"


@pytest.fixture
def api(client, db):
    return Api(client, db)


def accepted(db, demo, api, service=COMMUNE_SERVICE):
    application = make_application(db, demo.citizen, service, TH)
    api.ok(staff("receiver", TH), application, "accept")
    return fresh(db, application)


def forwarded(db, demo, api):
    application = make_application(db, demo.citizen, LIEN_THONG_SERVICE, TH)
    api.ok(staff("receiver", TH), application, "accept")
    api.ok(staff("receiver", TH), application, "pay")
    api.ok(staff("handler", TH), application, "forward")
    return fresh(db, application)


def assert_unchanged(db, application, before_state, before_version, before_events):
    after = fresh(db, application)
    assert (after.state, after.version) == (before_state, before_version)
    assert event_count(db, application) == before_events


def refused(db, api, email, application, action, status, note="", **extra):
    before = fresh(db, application)
    state, version, events = before.state, before.version, event_count(db, application)
    response = api.fire(email, application, action, note, **extra)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert_unchanged(db, application, state, version, events)
    return response.get_json()


# -- wrong role, wrong unit ---------------------------------------------------------------------

def test_wrong_role_is_403(db, demo, api):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    body = refused(db, api, staff("handler", TH), application, "accept", 403)
    assert "Vai trò của bạn không được thực hiện «Tiếp nhận hồ sơ»" in body["detail"]
    refused(db, api, staff("leader", TH), application, "refuse", 403, note="x")
    refused(db, api, "citizen@demo.vn", application, "accept", 403)


def test_another_communes_staff_get_404_through_api_and_pages(client, db, demo, api):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    for role in ("receiver", "handler", "leader"):
        refused(db, api, staff(role, DV), application, "accept", 404)
        response = client.get(f"/api/v1/applications/{application.id}", headers=api.headers(staff(role, DV)))
        assert response.status_code == 404
    # another district's staff too
    refused(db, api, staff("receiver", VY), application, "accept", 404)
    login(client, staff("receiver", DV))
    assert client.get(desk_url(application)).status_code == 404
    from tests.factories import csrf_token_from
    token = csrf_token_from(client.get("/can-bo/hop-viec").get_data(as_text=True))
    response = client.post(f"{desk_url(application)}/thao-tac/accept",
                           data={"csrf_token": token, "version": 1})
    assert response.status_code == 404
    assert fresh(db, application).state == "submitted"


def test_district_staff_do_not_see_a_commune_application_until_it_is_forwarded(client, db, demo, api):
    application = accepted(db, demo, api, LIEN_THONG_SERVICE)
    refused(db, api, staff("receiver", YL), application, "accept_transfer", 404)
    api.ok(staff("receiver", TH), application, "pay")
    api.ok(staff("handler", TH), application, "forward")
    assert api.actions(staff("receiver", YL), application) >= {"accept_transfer", "refuse"}


def test_commune_desk_after_forwarding_sees_but_may_not_act_403(client, db, demo, api):
    application = forwarded(db, demo, api)
    assert client.get(f"/api/v1/applications/{application.id}",
                      headers=api.headers(staff("receiver", TH))).status_code == 200
    assert api.actions(staff("receiver", TH), application) == set()
    body = refused(db, api, staff("receiver", TH), application, "accept_transfer", 403)
    assert "không do đơn vị của bạn giải quyết" in body["detail"]
    refused(db, api, staff("leader", TH), application, "reschedule", 403, note="Trễ hạn.",
            new_due_date=(fresh(db, application).due_date + timedelta(days=7)).isoformat())
    # the same through the desk page: the page shows no action, and a forged post is refused
    login(client, staff("receiver", TH))
    html = client.get(desk_url(application)).get_data(as_text=True)
    assert 'id="no-actions"' in html
    response = page_fire(client, application, "accept_transfer", version=fresh(db, application).version)
    assert response.status_code == 403
    assert fresh(db, application).state == "forwarded"


# -- once-only rules, reschedule too late, missing inputs ----------------------------------------

def test_a_second_supplement_request_is_422(db, demo, api):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    api.ok(staff("receiver", TH), application, "request_supplement", "Thiếu bản sao CCCD.")
    api.ok("citizen@demo.vn", application, "resubmit")
    api.ok(staff("receiver", TH), application, "accept")
    body = refused(db, api, staff("handler", TH), application, "request_supplement", 422, note="Thiếu nữa.")
    assert "chỉ được thực hiện một lần" in body["detail"]


def test_a_second_reschedule_is_422(db, demo, api):
    application = accepted(db, demo, api)
    due = fresh(db, application).due_date
    api.ok(staff("handler", TH), application, "reschedule", "Cần xác minh.",
           new_due_date=_next_working(due + timedelta(days=14)).isoformat())
    later = _next_working(fresh(db, application).due_date + timedelta(days=7))
    body = refused(db, api, staff("leader", TH), application, "reschedule", 422, note="Lần nữa.",
                   new_due_date=later.isoformat())
    assert "chỉ được thực hiện một lần" in body["detail"]


def test_reschedule_less_than_one_working_day_before_due_is_422(db, demo, api):
    from portal.timeutil import vn_today
    application = accepted(db, demo, api)
    application.due_date = vn_today()  # due today: no working day left before it
    db.session.commit()
    body = refused(db, api, staff("handler", TH), application, "reschedule", 422, note="Trễ.",
                   new_due_date=_next_working(vn_today() + timedelta(days=5)).isoformat())
    assert "chậm nhất một ngày làm việc trước ngày hẹn trả" in body["detail"]
    assert "reschedule" not in api.actions(staff("handler", TH), application)


def test_reschedule_to_an_earlier_or_non_working_day_is_422(db, demo, api):
    application = accepted(db, demo, api)
    due = fresh(db, application).due_date
    body = refused(db, api, staff("handler", TH), application, "reschedule", 422, note="Trễ.",
                   new_due_date=due.isoformat())
    assert body["errors"]["new_due_date"]
    sunday = due + timedelta(days=(6 - due.weekday()) or 7)
    body = refused(db, api, staff("handler", TH), application, "reschedule", 422, note="Trễ.",
                   new_due_date=sunday.isoformat())
    assert body["errors"]["new_due_date"] == ["Ngày hẹn mới phải là ngày làm việc."]


@pytest.mark.parametrize("action,who", [("refuse", "receiver"), ("request_supplement", "receiver")])
def test_missing_note_is_422_with_the_field(db, demo, api, action, who):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    body = refused(db, api, staff(who, TH), application, action, 422, note="   ")
    assert body["errors"]["note"]


def test_missing_new_due_date_is_reported_on_that_field(db, demo, api):
    """The engine names the missing input; the error must sit beside that field, not beside the note."""
    application = accepted(db, demo, api)
    body = refused(db, api, staff("handler", TH), application, "reschedule", 422, note="Cần thêm thời gian.")
    assert body["errors"] == {"new_due_date": ["Vui lòng chọn ngày hẹn trả mới."]}


def test_missing_note_on_the_desk_page_is_shown_beside_the_field(client, db, demo, api):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    login(client, staff("receiver", TH))
    version = fresh(db, application).version
    response = page_fire(client, application, "refuse", note="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="note-refuse-error"' in html
    assert "Vui lòng nhập nội dung (lý do) cho thao tác «Từ chối tiếp nhận»." in html
    assert_unchanged(db, application, "submitted", version, 1)


# -- stale versions ------------------------------------------------------------------------------

def test_stale_version_is_409_and_nothing_changes(db, demo, api):
    from portal.operations.transitions import STALE_MESSAGE
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    stale = fresh(db, application).version
    api.ok(staff("receiver", TH), application, "accept")
    body = refused(db, api, staff("handler", TH), application, "submit_for_approval", 409, version=stale)
    assert body["detail"] == STALE_MESSAGE
    assert body["code"] == "stale_version"


def test_stale_version_on_the_desk_page_is_409_with_the_message(client, db, demo, api):
    from portal.operations.transitions import STALE_MESSAGE
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    login(client, staff("receiver", TH))
    page = client.get(desk_url(application)).get_data(as_text=True)
    from tests.factories import csrf_token_from
    token, stale = csrf_token_from(page), fresh(db, application).version
    # someone else, meanwhile
    api.ok(staff("receiver", TH), application, "request_supplement", "Thiếu giấy tờ.")
    before = fresh(db, application)
    version, events = before.version, event_count(db, application)
    response = client.post(f"{desk_url(application)}/thao-tac/refuse",
                           data={"csrf_token": token, "version": stale, "note": "Không hợp lệ."})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert STALE_MESSAGE in html
    assert 'data-state="supplement_requested"' in html  # the page shows what the other person did
    assert_unchanged(db, application, "supplement_requested", version, events)


def test_submit_through_the_actions_endpoint_with_its_version(db, demo, api):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH, submit=False)
    response = api.fire("citizen@demo.vn", application, "submit", version=fresh(db, application).version)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == fresh(db, application).version


def _working(day):
    from portal.operations.calendar import current_calendar
    return current_calendar().is_working_day(day)


def _next_working(day):
    from portal.operations.calendar import current_calendar
    return day if _working(day) else current_calendar().next_working_day(day)

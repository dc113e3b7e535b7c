"""The staff inbox page and API: what waits for the person's role at their unit, counts per state, filters,
the order by due date, the "còn N ngày" / "quá hạn N ngày" badges, paging, and the unit's register."""
import re
from datetime import timedelta

import pytest

from tests.factories import api_token, login, make_application
from tests.operations.helpers import COMMUNE_SERVICE, DISTRICT_SERVICE, fresh, sign_in

TH = "tam-hong"


def _set_due(db, application, due):
    application = fresh(db, application)
    application.due_date = due
    db.session.commit()
    return application


@pytest.fixture
def desk(db, demo):
    """Two submitted and three accepted applications at Tam Hồng, one submitted at Đồng Văn."""
    from portal.operations.calendar import current_calendar
    from portal.operations.transitions import fire
    from portal.timeutil import vn_today
    today, calendar = vn_today(), current_calendar()
    apps = {name: make_application(db, demo.citizen, COMMUNE_SERVICE, TH) for name in
            ("new1", "new2", "overdue", "soon", "later")}
    apps["other_commune"] = make_application(db, demo.citizen, COMMUNE_SERVICE, "dong-van")
    for name in ("overdue", "soon", "later"):
        fire(apps[name], "accept", demo.staff("receiver", TH))
    db.session.commit()
    apps["overdue"] = _set_due(db, apps["overdue"], today - timedelta(days=6))
    apps["soon"] = _set_due(db, apps["soon"], calendar.next_working_day(today))
    apps["later"] = _set_due(db, apps["later"], calendar.add_working_days(today, 4))
    return apps


def _codes_in_order(html):
    return re.findall(r'href="/can-bo/ho-so/\d+">([^<]+)</a>', html)


def _count(html, key):
    return int(re.search(rf'data-count="{key}">(\d+)<', html).group(1))


def test_receiver_inbox_lists_what_waits_at_the_desk(client, db, demo, desk):
    login(client, f"receiver.{TH}@demo.vn")
    page = client.get("/can-bo/hop-viec")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    codes = _codes_in_order(html)
    assert set(codes) == {desk["new1"].code, desk["new2"].code}  # accepted ones wait for the handler
    assert desk["other_commune"].code not in html
    assert _count(html, "submitted") == 2 and _count(html, "total") == 2
    assert _count(html, "result_ready") == 0


def test_handler_inbox_counts_filters_badges_and_order(client, db, demo, desk):
    from portal.operations.calendar import current_calendar
    from portal.timeutil import vn_today
    calendar, today = current_calendar(), vn_today()
    login(client, f"handler.{TH}@demo.vn")
    html = client.get("/can-bo/hop-viec").get_data(as_text=True)
    assert _codes_in_order(html) == [desk["overdue"].code, desk["soon"].code, desk["later"].code]
    assert _count(html, "processing") == 3
    assert _count(html, "overdue") == 1 and _count(html, "soon") == 1
    late = -calendar.working_days_left(today, desk["overdue"].due_date)
    assert f"quá hạn {late} ngày" in html
    assert f"còn {calendar.working_days_left(today, desk['soon'].due_date)} ngày" in html
    assert "còn 4 ngày" in html

    overdue = client.get("/can-bo/hop-viec?due=overdue").get_data(as_text=True)
    assert _codes_in_order(overdue) == [desk["overdue"].code]
    soon = client.get("/can-bo/hop-viec?due=soon").get_data(as_text=True)
    assert _codes_in_order(soon) == [desk["soon"].code]
    by_service = client.get(f"/can-bo/hop-viec?service={DISTRICT_SERVICE}").get_data(as_text=True)
    assert _codes_in_order(by_service) == []
    by_service = client.get(f"/can-bo/hop-viec?service={COMMUNE_SERVICE}&state=processing")
    by_service = by_service.get_data(as_text=True)
    assert len(_codes_in_order(by_service)) == 3
    # an unknown filter value is named beside its field (422) and left out: the inbox still opens
    stale = client.get("/can-bo/hop-viec?due=yesterday&state=completed&page=x")
    assert stale.status_code == 422 and len(_codes_in_order(stale.get_data(as_text=True))) > 0


def test_mine_filter_shows_what_was_assigned_to_me(client, db, demo, desk):
    application = fresh(db, desk["later"])
    application.handler_id = demo.staff("handler", TH).id
    db.session.commit()
    login(client, f"handler.{TH}@demo.vn")
    html = client.get("/can-bo/hop-viec?mine=1").get_data(as_text=True)
    assert _codes_in_order(html) == [desk["later"].code]


def test_inbox_pages_by_fifty(client, db, demo, monkeypatch):
    from portal.operations import inbox
    monkeypatch.setattr(inbox, "PER_PAGE", 2)
    from portal.staff import views
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for _ in range(3):
        make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    login(client, f"receiver.{TH}@demo.vn")
    first = client.get("/can-bo/hop-viec").get_data(as_text=True)
    second = client.get("/can-bo/hop-viec?page=2").get_data(as_text=True)
    assert len(_codes_in_order(first)) == 2 and len(_codes_in_order(second)) == 1
    assert 'aria-current="page"' in first
    assert inbox.PER_PAGE == 2 and views.PER_PAGE == 2


def test_the_real_page_size_is_fifty():
    from portal.operations.inbox import PER_PAGE
    assert PER_PAGE == 50


def test_unit_register_looks_up_by_code_and_stays_in_the_unit(client, db, demo, desk):
    sign_in(client, f"leader.{TH}@demo.vn")
    html = client.get("/can-bo/ho-so").get_data(as_text=True)
    assert len(_codes_in_order(html)) == 5 and desk["other_commune"].code not in html
    code = desk["soon"].code
    found = client.get(f"/can-bo/ho-so?code={code[-4:].lower()}").get_data(as_text=True)
    assert code in _codes_in_order(found)
    assert _codes_in_order(client.get(f"/can-bo/ho-so?code={desk['other_commune'].code}")
                           .get_data(as_text=True)) == []


def test_only_staff_use_the_desk(client, db, demo):
    assert client.get("/can-bo/hop-viec").status_code == 302  # to the login page
    login(client, "citizen@demo.vn")
    assert client.get("/can-bo/hop-viec").status_code == 403


def test_staff_login_lands_on_the_inbox(client, db, demo):
    response = login(client, f"receiver.{TH}@demo.vn")
    assert response.headers["Location"].endswith("/can-bo/hop-viec")


def test_inbox_api_counts_filters_and_badges(client, db, demo, desk):
    headers = api_token(client, f"handler.{TH}@demo.vn")
    body = client.get("/api/v1/staff/inbox", headers=headers).get_json()
    assert body["counts"] == {"by_state": {"processing": 3}, "overdue": 1, "soon": 1, "total": 3}
    assert [i["code"] for i in body["items"]] == [desk["overdue"].code, desk["soon"].code, desk["later"].code]
    assert body["items"][0]["badge"]["kind"] == "overdue"
    assert body["items"][2]["badge"] == {"kind": "left", "text": "còn 4 ngày", "days": 4}
    overdue = client.get("/api/v1/staff/inbox?due=overdue", headers=headers).get_json()
    assert [i["code"] for i in overdue["items"]] == [desk["overdue"].code]
    bad = client.get("/api/v1/staff/inbox?due=yesterday", headers=headers)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    wrong_state = client.get("/api/v1/staff/inbox?state=submitted", headers=headers)
    assert wrong_state.status_code == 422
    citizen = api_token(client, "citizen@demo.vn")
    assert client.get("/api/v1/staff/inbox", headers=citizen).status_code == 403
    assert client.get("/api/v1/staff/inbox").status_code == 401


def test_register_api_and_handlers_api(client, db, demo, desk):
    receiver = api_token(client, f"receiver.{TH}@demo.vn")
    body = client.get(f"/api/v1/staff/applications?code={desk['new1'].code}", headers=receiver).get_json()
    assert [i["code"] for i in body["items"]] == [desk["new1"].code]
    url = f"/api/v1/staff/applications/{desk['new1'].id}/handlers"
    handlers = client.get(url, headers=receiver).get_json()
    assert [h["id"] for h in handlers] == [demo.staff("handler", TH).id]
    other = api_token(client, "receiver.dong-van@demo.vn")
    assert client.get(f"/api/v1/staff/applications/{desk['new1'].id}/handlers",
                      headers=other).status_code == 404
    handler = api_token(client, f"handler.{TH}@demo.vn")
    assert client.get(url, headers=handler).get_json() == []

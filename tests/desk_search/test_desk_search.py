"""The desk finds anything it may see: by code, name (with or without accents), identification number and phone,
filtered by service, state, channel and deadline, a page at a time; never another unit's application; a bad
filter value is a 422 (problem+json in the API, the field named on the page), never a 500."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.application_search import query_words, search_text_of
from portal.auth.permissions import staff_can_see
from portal.models import Application
from portal.timeutil import vn_today
from tests.counter import helpers as counter
from tests.factories import api_token, login, make_application, valid_data

SERVICE = "dang-ky-khai-sinh"


@pytest.fixture
def world(db, demo):
    """Two citizens' applications at Tam Hồng, one at Đồng Văn, and a walk-in at Tam Hồng's desk."""
    an = make_application(db, demo.citizen, SERVICE, "tam-hong")
    binh = make_application(db, demo.citizen2, SERVICE, "tam-hong")
    other_unit = make_application(db, demo.citizen, SERVICE, "dong-van")
    return {"an": an, "binh": binh, "other_unit": other_unit}


def _codes(response):
    assert response.status_code == 200, response.get_json()
    return {item["code"] for item in response.get_json()}


def _search(client, headers, **params):
    return client.get("/api/v1/applications", query_string=params, headers=headers)


# -- the words ---------------------------------------------------------------------------------------

def test_query_words_fold_accents_and_join_phone_groups():
    assert query_words("  Nguyễn   VĂN an ") == ["nguyen", "van", "an"]
    assert query_words("0912 345 678") == ["0912345678"]
    assert query_words("+84 912.345.678") == ["0912345678"]
    assert query_words("Đặng, (T-0001)") == ["dang", "t-0001"]
    assert query_words("000.21.31.H62-261203-0001") == ["000.21.31.h62-261203-0001"]
    assert query_words("026 090 001 234 0001") == ["026090001234", "0001"]
    assert query_words("") == [] and query_words(" , ") == []
    assert len(query_words(" ".join(["a"] * 20))) == 8


def test_search_text_holds_the_code_the_person_and_the_names_in_the_data():
    text = search_text_of("X.01-260301-0001", ("Lê Thị Hoa", "026195004321", "0912345679"),
                          {"mother_full_name": "Đỗ Thị Lan", "child_sex": "Nữ", "note": "Ghi chú riêng"})
    assert text == " x.01-260301-0001 260301-0001 0001 le thi hoa 026195004321 0912345679 do thi lan"


# -- each kind of query ------------------------------------------------------------------------------

def test_staff_find_by_name_with_or_without_accents(client, world):
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    an, binh = world["an"].code, world["binh"].code
    assert _codes(_search(client, desk, q="Nguyễn Văn An")) == {an}
    assert _codes(_search(client, desk, q="nguyen van an")) == {an}
    assert _codes(_search(client, desk, q="PHAM THI")) == {binh}
    assert _codes(_search(client, desk, q="Phạm Thị An")) == set()


def test_staff_find_by_code_identification_number_and_phone(client, world):
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    an, binh = world["an"].code, world["binh"].code
    assert _codes(_search(client, desk, q=an)) == {an}
    assert _codes(_search(client, desk, q=an.lower().split("-", 1)[1])) == {an}  # the code without the unit
    assert _codes(_search(client, desk, q=an.lower()[:6])) >= {an}  # its start, any case
    assert _codes(_search(client, desk, q="026185005678")) == {binh}
    assert _codes(_search(client, desk, q="0987 654 321")) == {binh}
    assert _codes(_search(client, desk, q="+84987654321")) == {binh}


def test_a_walk_in_person_is_found_by_the_data_typed_at_the_desk(client, world, db):
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    walk_in = counter.walk_in(client, desk)
    assert _codes(_search(client, desk, q="le thi hoa")) == {walk_in["code"]}
    assert _codes(_search(client, desk, q=counter.PERSON["national_id"])) == {walk_in["code"]}
    assert _codes(_search(client, desk, q="0912345679")) == {walk_in["code"]}
    assert _codes(_search(client, desk, scope="unit", channel="counter")) == {walk_in["code"]}


def test_another_units_application_is_never_found(client, world):
    other = world["other_unit"].code
    for email in ("receiver.tam-hong@demo.vn", "handler.tam-hong@demo.vn"):
        headers = api_token(client, email)
        for query in (other, "Nguyễn Văn An", "026090001234", "0912345678"):
            assert other not in _codes(_search(client, headers, q=query))
            assert other not in _codes(_search(client, headers, q=query, scope="inbox"))
    dong_van = api_token(client, "receiver.dong-van@demo.vn")
    assert _codes(_search(client, dong_van, q="nguyen van an")) == {other}


def test_every_result_is_one_the_person_may_see(client, world, db, demo):
    desk = demo.staff("receiver", "tam-hong")
    headers = api_token(client, desk.email)
    for code in _codes(_search(client, headers, scope="unit")):
        application = db.session.execute(select(Application).where(Application.code == code)).scalar_one()
        assert staff_can_see(desk, application)


def test_a_citizen_searches_only_their_own(client, world):
    headers = api_token(client, "citizen2@demo.vn")
    assert _codes(_search(client, headers, q="nguyen van an")) == set()  # the other citizen
    assert _codes(_search(client, headers, q="pham")) == {world["binh"].code}


# -- filters and pages -------------------------------------------------------------------------------

def test_filters_by_service_state_channel_and_overdue(client, world, db, demo):
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    other_service = make_application(db, demo.citizen, "xac-nhan-tinh-trang-hon-nhan", "tam-hong")
    an = world["an"]
    an.state, an.received_at = "processing", an.submitted_at
    an.due_date = vn_today() - timedelta(days=3)
    db.session.commit()
    everything = _codes(_search(client, desk, scope="unit"))
    assert {an.code, world["binh"].code, other_service.code} <= everything
    assert _codes(_search(client, desk, scope="unit", service="xac-nhan-tinh-trang-hon-nhan")) == {
        other_service.code}
    assert _codes(_search(client, desk, scope="unit", state="processing")) == {an.code}
    assert _codes(_search(client, desk, scope="unit", overdue="true")) == {an.code}
    assert _codes(_search(client, desk, scope="unit", channel="online")) == everything
    assert _codes(_search(client, desk, scope="unit", channel="counter")) == set()
    # the inbox (no q): what waits for the receiver, narrowed the same way
    assert an.code not in _codes(_search(client, desk, state="submitted"))
    assert _codes(_search(client, desk, service="xac-nhan-tinh-trang-hon-nhan")) == {other_service.code}


def test_pages_of_results(client, world, db, demo):
    for _ in range(3):
        make_application(db, demo.citizen, SERVICE, "tam-hong")
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    first = _search(client, desk, q="nguyen van an", per_page=2)
    assert first.headers["X-Total-Count"] == "4" and first.headers["X-Pages"] == "2"
    second = _search(client, desk, q="nguyen van an", per_page=2, page=2)
    assert len(first.get_json()) == len(second.get_json()) == 2
    assert not _codes(first) & _codes(second)
    assert _codes(_search(client, desk, q="nguyen van an", per_page=2, page=9)) == set()


@pytest.mark.parametrize("params, field", [
    ({"state": "bogus"}, "state"), ({"state": "draft", "scope": "inbox"}, "state"),
    ({"channel": "fax"}, "channel"), ({"service": "khong-co"}, "service"), ({"overdue": "maybe"}, "overdue"),
    ({"due": "yesterday"}, "due"), ({"page": "0"}, "page"), ({"page": "abc"}, "page"),
    ({"page": str(10 ** 20)}, "page"),
    ({"per_page": "100000"}, "per_page"), ({"scope": "province"}, "scope"), ({"q": "x" * 600}, "q"),
])
def test_bad_filter_values_are_422_problems_naming_the_field(client, world, params, field):
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    response = _search(client, desk, **params)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert field in errors or field in errors.get("query", {}), errors


# -- the search column follows the data --------------------------------------------------------------

def test_a_changed_draft_and_a_renamed_account_are_found_by_their_new_names(client, db, demo):
    from portal.operations import applications as ops
    draft = make_application(db, demo.citizen, SERVICE, "tam-hong", submit=False)
    ops.update_draft(draft, demo.citizen, {"mother_full_name": "Đoàn Thị Mận"})
    db.session.commit()
    assert "doan thi man" in draft.search_text
    submitted = make_application(db, demo.citizen2, SERVICE, "tam-hong")
    demo.citizen2.full_name = "Phạm Thị Bích Ngọc"
    db.session.commit()
    db.session.refresh(submitted)
    assert "pham thi bich ngoc" in submitted.search_text
    desk = api_token(client, "receiver.tam-hong@demo.vn")
    assert _codes(_search(client, desk, q="bich ngoc")) == {submitted.code}


# -- the pages ---------------------------------------------------------------------------------------

def test_register_page_searches_by_name_without_accents(client, world):
    login(client, "handler.tam-hong@demo.vn")
    page = client.get("/can-bo/ho-so", query_string={"q": "pham thi binh"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert world["binh"].code in html and world["an"].code not in html
    other = world["other_unit"]
    assert f'/can-bo/ho-so/{other.id}"' not in client.get(
        "/can-bo/ho-so", query_string={"q": other.code}).get_data(as_text=True)


def test_inbox_page_searches_and_filters_by_channel(client, world):
    login(client, "receiver.tam-hong@demo.vn")
    html = client.get("/can-bo/hop-viec", query_string={"q": "nguyen van an"}).get_data(as_text=True)
    assert world["an"].code in html and world["binh"].code not in html
    html = client.get("/can-bo/hop-viec", query_string={"channel": "counter"}).get_data(as_text=True)
    assert world["an"].code not in html and "khớp với điều kiện tìm" in html


@pytest.mark.parametrize("url", ["/can-bo/hop-viec", "/can-bo/ho-so"])
@pytest.mark.parametrize("params, message", [
    ({"channel": "fax"}, "Kênh nộp chỉ là"), ({"state": "bogus"}, "Trạng thái này không thuộc"),
    ({"service": "khong-co"}, "Không có thủ tục này."), ({"due": "x"}, "Thời hạn chỉ lọc được"),
])
def test_bad_filter_values_on_the_pages_are_named_beside_the_field(client, world, url, params, message):
    login(client, "receiver.tam-hong@demo.vn")
    response = client.get(url, query_string=params)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'aria-invalid="true"' in html
    assert world["an"].code in html  # the refused value is left out: the list still shows


def test_data_typed_at_the_api_is_what_the_desk_searches(client, demo):
    """An online draft made through the API is found by the name the citizen typed for the mother."""
    headers = api_token(client, "citizen@demo.vn")
    created = client.post("/api/v1/applications", headers=headers, json={
        "service": SERVICE, "unit": "tam-hong", "data": valid_data(SERVICE, mother_full_name="Trịnh Thị Huệ")})
    assert created.status_code == 201
    assert _codes(_search(client, headers, q="trinh thi hue")) == {None}  # a draft has no code yet

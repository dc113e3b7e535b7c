import re
from datetime import timedelta

import pytest

from tests.citizen.conftest import pdf_file, post_page, stored, valid_data
from tests.factories import login, make_application, pdf_bytes, post_form


def fire_as(db, application, action, actor, **kwargs):
    from portal.operations.transitions import fire
    fire(application, action, actor, **kwargs)
    db.session.commit()
    return application


@pytest.fixture
def submitted(db, demo):
    """citizen@demo.vn's submitted birth registration (nobody is logged in by this fixture)."""
    return make_application(db, demo.citizen)


def test_my_applications_lists_code_service_state_and_dates(client, db, demo, citizen, submitted):
    draft = make_application(db, demo.citizen, "xac-nhan-tinh-trang-hon-nhan", submit=False)
    other = make_application(db, demo.citizen2, unit_slug="dong-van")
    html = client.get("/ho-so").get_data(as_text=True)
    submitted_part, drafts_part = html.split('id="drafts-title"')
    assert submitted.code in submitted_part and "Đăng ký khai sinh" in submitted_part
    assert "Đã nộp" in submitted_part
    assert "chưa được tiếp nhận" in submitted_part
    assert f"/ho-so/{draft.id}/sua" in drafts_part and "tình trạng hôn nhân" in drafts_part
    assert other.code not in html


def test_my_applications_needs_login_and_a_citizen(client, demo):
    response = client.get("/ho-so")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    login(client, "handler.tam-hong@demo.vn")
    assert client.get("/ho-so").status_code == 403


def test_application_page_shows_data_attachments_history_and_next_step(client, db, citizen, submitted):
    html = client.get(f"/ho-so/{submitted.id}").get_data(as_text=True)
    assert submitted.code in html
    assert "Họ, chữ đệm và tên của trẻ" in html and "Nguyễn Văn Bình" in html
    assert "20/11/2026" in html  # a date shown the Vietnamese way
    assert "Giấy chứng sinh" in html and "birth_notice.pdf" in html
    assert "Nộp hồ sơ" in html.split('id="history-title"')[1]  # the submit event, with its label
    assert "Hồ sơ đang chờ Bộ phận Một cửa (Ủy ban nhân dân xã Tam Hồng) kiểm tra" in html
    assert "Rút hồ sơ" in html  # the citizen may withdraw until a decision


def test_labels_come_from_the_version_the_application_was_made_under(app, client, db, citizen, submitted):
    version = submitted.service_version
    definition = dict(version.definition)
    definition["fields"] = [dict(f, label="Nhãn cũ" if f["name"] == "child_full_name" else f["label"])
                            for f in definition["fields"]]
    version.definition = definition
    db.session.commit()
    app.extensions.pop("dvc_service_defs", None)
    html = client.get(f"/ho-so/{submitted.id}").get_data(as_text=True)
    assert "Nhãn cũ" in html


def test_attachment_opens_for_its_owner_only(client, db, demo, citizen, submitted):
    attachment = submitted.attachments[0]
    url = f"/ho-so/{submitted.id}/tep/{attachment.id}"
    # A file response streams: closing it closes the file, as the WSGI server does.
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.data == pdf_bytes()
        assert response.mimetype == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("inline")
    with client.get(url + "?tai=1") as download:
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert "birth_notice.pdf" in download.headers["Content-Disposition"]
    # An attachment id from another application does not open through this one.
    other = make_application(db, demo.citizen)
    assert client.get(f"/ho-so/{submitted.id}/tep/{other.attachments[0].id}").status_code == 404


def test_another_citizen_gets_404_everywhere(client, db, demo, submitted):
    draft = make_application(db, demo.citizen, submit=False)
    login(client, "citizen2@demo.vn")
    attachment = submitted.attachments[0]
    for url in (f"/ho-so/{submitted.id}", f"/ho-so/{draft.id}/sua", f"/ho-so/{draft.id}",
                f"/ho-so/{submitted.id}/tep/{attachment.id}",
                f"/ho-so/{draft.id}/tep/{draft.attachments[0].id}",
                "/ho-so/999999"):
        assert client.get(url).status_code == 404, url
    token_page = client.get("/ho-so").get_data(as_text=True)
    from tests.factories import csrf_token_from
    token = csrf_token_from(token_page)
    for url in (f"/ho-so/{draft.id}/xoa", f"/ho-so/{submitted.id}/thao-tac/withdraw",
                f"/ho-so/{submitted.id}/bo-sung", f"/ho-so/{draft.id}/sua"):
        assert client.post(url, data={"csrf_token": token, "confirm": "y", "expected_version": "1",
                                      "intent": "save"}).status_code == 404, url
    assert demo.db.session.get(type(draft), draft.id) is not None
    assert submitted.state == "submitted"


def test_anonymous_is_sent_to_login_everywhere(client, db, demo, submitted):
    for url in (f"/ho-so/{submitted.id}", f"/ho-so/{submitted.id}/sua",
                f"/ho-so/{submitted.id}/tep/{submitted.attachments[0].id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"], url


def test_actions_need_the_csrf_token(client, db, citizen, submitted):
    response = client.post(f"/ho-so/{submitted.id}/thao-tac/withdraw",
                           data={"confirm": "y", "expected_version": str(submitted.version)})
    assert response.status_code == 400
    db.session.refresh(submitted)
    assert submitted.state == "submitted"


def test_withdraw_needs_confirmation_then_withdraws(client, db, citizen, submitted):
    url = f"/ho-so/{submitted.id}"
    page = post_page(client, url, {"note": "Nộp nhầm thủ tục"}, post_url=f"{url}/thao-tac/withdraw")
    assert page.status_code == 200
    assert "Vui lòng đánh dấu xác nhận trước khi rút hồ sơ." in page.get_data(as_text=True)
    db.session.refresh(submitted)
    assert submitted.state == "submitted"
    done = post_page(client, url, {"note": "Nộp nhầm thủ tục", "confirm": "y"},
                     post_url=f"{url}/thao-tac/withdraw")
    assert done.status_code == 303
    db.session.refresh(submitted)
    assert submitted.state == "withdrawn"
    html = client.get(url).get_data(as_text=True)
    assert "Đã rút hồ sơ" in html and "Nộp nhầm thủ tục" in html
    assert "thao-tac/withdraw" not in html  # nothing left to do


def test_stale_action_changes_nothing(client, db, citizen, submitted):
    url = f"/ho-so/{submitted.id}"
    response = post_page(client, url, {"confirm": "y", "expected_version": str(submitted.version + 5)},
                         post_url=f"{url}/thao-tac/withdraw")
    assert response.status_code == 303
    db.session.refresh(submitted)
    assert submitted.state == "submitted"
    assert "vừa được người khác cập nhật" in client.get(url).get_data(as_text=True)


def test_unknown_action_is_404(client, db, citizen, submitted):
    url = f"/ho-so/{submitted.id}"
    assert post_page(client, url, {}, post_url=f"{url}/thao-tac/approve").status_code == 404


def test_supplement_flow_from_the_citizens_side(app, client, db, demo, citizen, submitted):
    receiver = demo.staff("receiver", "tam-hong")
    note = "Đề nghị bổ sung:\n1. Giấy chứng sinh bản rõ nét.\n2. Ghi đúng nơi sinh."
    fire_as(db, submitted, "request_supplement", receiver, note=note)
    url = f"/ho-so/{submitted.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Cần bổ sung hồ sơ" in html and "Giấy chứng sinh bản rõ nét." in html
    assert 'action="/ho-so/%d/bo-sung"' % submitted.id in html
    assert 'value="Nguyễn Văn Bình"' in html  # the form starts from what was submitted

    # An invalid answer: errors beside the field, no new file, state unchanged.
    before = stored(app, db)
    bad = post_page(client, url, {**valid_data("dang-ky-khai-sinh"), "child_sex": "Nam",
                                  "mother_national_id": "123", "doc_birth_notice": pdf_file("ro-net.pdf")},
                    post_url=f"{url}/bo-sung")
    bad_html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in bad_html
    assert "Các tệp vừa chọn chưa được lưu" in bad_html
    assert stored(app, db) == before

    changed = valid_data("dang-ky-khai-sinh", child_place_of_birth="Bệnh viện Sản Nhi Vĩnh Phúc")
    data = {k: v for k, v in changed.items() if v is not None}
    good = post_page(client, url, {**data, "supplement_note": "Đã bổ sung theo yêu cầu",
                                   "doc_birth_notice": pdf_file("ro-net.pdf")}, post_url=f"{url}/bo-sung")
    assert good.status_code == 303, good.get_data(as_text=True)[:2000]
    db.session.refresh(submitted)
    assert submitted.state == "submitted"  # not yet received: back to the desk
    assert submitted.data["child_place_of_birth"] == "Bệnh viện Sản Nhi Vĩnh Phúc"
    from portal.operations.applications import current_attachments
    assert current_attachments(submitted)["birth_notice"].filename == "ro-net.pdf"
    assert [e.action for e in submitted.events][-1] == "resubmit"
    html = client.get(url).get_data(as_text=True)
    assert "Nộp bổ sung hồ sơ" in html and "Đã bổ sung theo yêu cầu" in html


def test_processing_page_shows_due_date_and_days_left(client, db, demo, citizen, submitted):
    fire_as(db, submitted, "accept", demo.staff("receiver", "tam-hong"))
    assert submitted.state == "processing" and submitted.due_date
    html = client.get(f"/ho-so/{submitted.id}").get_data(as_text=True)
    assert "Tiếp nhận hồ sơ" in html  # the event, by its workflow label
    assert re.search(r"còn \d+ ngày làm việc|đến hạn hôm nay", html)
    assert "đang được Ủy ban nhân dân xã Tam Hồng giải quyết" in html


def test_overdue_application_says_by_how_many_days(client, db, demo, citizen, submitted):
    from portal.operations.calendar import current_calendar
    from portal.timeutil import vn_today
    fire_as(db, submitted, "accept", demo.staff("receiver", "tam-hong"))
    calendar = current_calendar()
    due = vn_today() - timedelta(days=1)
    while not calendar.is_working_day(due):
        due -= timedelta(days=1)
    submitted.due_date = due
    db.session.commit()
    days = calendar.working_days_left(vn_today(), due)
    html = client.get(f"/ho-so/{submitted.id}").get_data(as_text=True)
    if days < 0:
        assert f"quá hạn {-days} ngày làm việc" in html
    else:  # today is a day off right after the due date
        assert "đến hạn hôm nay" in html


def test_level4_result_is_confirmed_by_the_citizen(client, db, demo, citizen, submitted):
    fire_as(db, submitted, "accept", demo.staff("receiver", "tam-hong"))
    fire_as(db, submitted, "submit_for_approval", demo.staff("handler", "tam-hong"))
    fire_as(db, submitted, "approve", demo.staff("leader", "tam-hong"))
    assert submitted.state == "result_ready"
    url = f"/ho-so/{submitted.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Đã có kết quả" in html and "Đã nhận kết quả" in html
    result = next(d for d in submitted.documents if d.kind == "result")
    assert f'href="/van-ban/{result.id}"' in html  # the issued result can be downloaded from the page
    assert "thao-tac/withdraw" not in html  # decided: too late to withdraw
    response = post_page(client, url, {}, post_url=f"{url}/thao-tac/deliver")
    assert response.status_code == 303
    db.session.refresh(submitted)
    assert submitted.state == "completed"
    assert "Đã hoàn thành" in client.get(url).get_data(as_text=True)


def test_fee_waiting_page_asks_to_pay(client, db, demo, citizen):
    application = make_application(db, demo.citizen, "chung-thuc-ban-sao-tu-ban-chinh",
                                   data=valid_data("chung-thuc-ban-sao-tu-ban-chinh", pages=3, copies=1))
    fire_as(db, application, "accept", demo.staff("receiver", "tam-hong"))
    assert application.state == "awaiting_payment"
    html = client.get(f"/ho-so/{application.id}").get_data(as_text=True)
    assert "Vui lòng nộp phí, lệ phí 5.000 ₫ tại Bộ phận Một cửa" in html


def test_refusal_reason_is_shown(client, db, demo, citizen, submitted):
    fire_as(db, submitted, "refuse", demo.staff("receiver", "tam-hong"),
            note="Không thuộc thẩm quyền của xã Tam Hồng.",
            inputs={"legal_basis": "Điều 9 Nghị định số 118/2025/NĐ-CP"})
    html = client.get(f"/ho-so/{submitted.id}").get_data(as_text=True)
    assert "Hồ sơ bị từ chối tiếp nhận" in html and "Không thuộc thẩm quyền của xã Tam Hồng." in html


def test_draft_url_of_application_page_goes_to_the_editor(client, db, demo, citizen):
    draft = make_application(db, demo.citizen, submit=False)
    response = client.get(f"/ho-so/{draft.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ho-so/{draft.id}/sua")
    # And a submitted application is no longer editable as a draft.
    submitted = make_application(db, demo.citizen)
    assert client.get(f"/ho-so/{submitted.id}/sua").headers["Location"].endswith(f"/ho-so/{submitted.id}")
    refused = post_form(client, f"/ho-so/{draft.id}/sua", {}, post_url=f"/ho-so/{submitted.id}/xoa")
    assert refused.status_code == 403

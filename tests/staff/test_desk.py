"""The application desk page: data with labels, attachments (open and download, checked per unit), the
history, the due date, the actions this person may fire (with the note and date inputs their transitions
require), handler assignment, and the 404 for another unit's applications."""
import re

from tests.factories import csrf_token_from, login, make_application, pdf_bytes
from tests.operations.helpers import (COMMUNE_SERVICE, LIEN_THONG_SERVICE, Api, desk_url, fresh,
                                      sign_in)

TH = "tam-hong"


def _forms(html):
    return re.findall(r'data-action="([a-z_]+)"', html)


def test_receiver_sees_data_attachments_history_and_actions(client, db, demo):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    login(client, f"receiver.{TH}@demo.vn")
    page = client.get(desk_url(application))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert application.code in html
    from portal.operations.catalogue import definition_of
    definition = definition_of(application.service_version)
    for field in definition.fields:
        if field.name in application.data:
            assert field.label in html, field.label
    for document in definition.documents:
        assert document.label in html
    assert set(_forms(html)) == {"accept", "request_supplement", "refuse"}
    # the note is marked required where the transition requires it
    refuse_form = html[html.index('data-action="refuse"'):]
    refuse_form = refuse_form[:refuse_form.index("</form>")]
    assert 'id="note-refuse"' in refuse_form and "required" in refuse_form
    accept_form = html[html.index('data-action="accept"'):]
    accept_form = accept_form[:accept_form.index("</form>")]
    assert "Ghi chú (không bắt buộc)" in accept_form
    assert f'value="{fresh(db, application).version}"' in accept_form
    assert "Nộp hồ sơ" in html  # the history, in words
    assert 'id="h-assign"' in html  # the receiver may assign a handler


def test_reschedule_form_has_the_new_date_input(client, db, demo):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    Api(client, db).ok(f"receiver.{TH}@demo.vn", application, "accept")
    login(client, f"handler.{TH}@demo.vn")
    html = client.get(desk_url(application)).get_data(as_text=True)
    assert set(_forms(html)) == {"submit_for_approval", "request_supplement", "reschedule"}
    assert 'type="date"' in html and 'id="new_due_date-reschedule"' in html
    assert "còn " in html  # the due-date badge


def test_attachments_open_and_download_for_the_unit_only(client, db, demo):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    attachment = application.attachments[0]
    url = f"{desk_url(application)}/tep/{attachment.id}"
    login(client, f"handler.{TH}@demo.vn")
    with client.get(url) as opened:  # a file response: closed, or its file stays open
        assert opened.status_code == 200
        assert opened.data == pdf_bytes()
        assert opened.mimetype == "application/pdf"
        assert "attachment" in opened.headers["Content-Disposition"]  # staff always download
    with client.get(url + "?tai-ve=1") as downloaded:
        assert downloaded.status_code == 200 and "attachment" in downloaded.headers["Content-Disposition"]
    assert client.get(f"{desk_url(application)}/tep/999999").status_code == 404
    login_other = sign_in(client, "handler.dong-van@demo.vn")
    assert login_other is not None
    assert client.get(url).status_code == 404


def test_another_communes_staff_get_404_and_district_sees_only_what_was_forwarded(client, db, demo):
    application = make_application(db, demo.citizen, LIEN_THONG_SERVICE, TH)
    for email in ("receiver.dong-van@demo.vn", "leader.dong-van@demo.vn", "receiver.yen-lac@demo.vn",
                  "receiver.tich-son@demo.vn"):
        sign_in(client, email)
        assert client.get(desk_url(application)).status_code == 404, email
    api = Api(client, db)
    api.ok(f"receiver.{TH}@demo.vn", application, "accept")
    api.ok(f"receiver.{TH}@demo.vn", application, "pay")
    api.ok(f"handler.{TH}@demo.vn", application, "forward")
    sign_in(client, "receiver.yen-lac@demo.vn")
    html = client.get(desk_url(application)).get_data(as_text=True)
    assert set(_forms(html)) == {"accept_transfer", "refuse", "reschedule"}
    assert application.code in client.get("/can-bo/hop-viec").get_data(as_text=True)
    sign_in(client, "receiver.vinh-yen@demo.vn")  # the other district
    assert client.get(desk_url(application)).status_code == 404


def test_assign_a_handler_of_the_unit(client, db, demo):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    handler = demo.staff("handler", TH)
    login(client, f"receiver.{TH}@demo.vn")
    page = client.get(desk_url(application)).get_data(as_text=True)
    version = fresh(db, application).version
    token = csrf_token_from(page)
    response = client.post(f"{desk_url(application)}/phan-cong",
                           data={"csrf_token": token, "handler": handler.id, "version": version})
    assert response.status_code == 303
    assert fresh(db, application).handler_id == handler.id
    followed = client.get(desk_url(application)).get_data(as_text=True)
    assert "Đã phân công chuyên viên Trần Văn Minh" in followed
    # someone of another unit, or a stale form, is refused and nothing changes
    other = demo.staff("handler", "dong-van")
    refused = client.post(f"{desk_url(application)}/phan-cong",
                          data={"csrf_token": token, "handler": other.id,
                                "version": fresh(db, application).version})
    assert refused.status_code == 422
    assert "Người được phân công phải là chuyên viên của đơn vị." in refused.get_data(as_text=True)
    stale = client.post(f"{desk_url(application)}/phan-cong",
                        data={"csrf_token": token, "handler": handler.id, "version": version})
    assert stale.status_code == 409
    assert fresh(db, application).handler_id == handler.id


def test_handlers_may_not_assign(client, db, demo):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    login(client, f"handler.{TH}@demo.vn")
    page = client.get(desk_url(application)).get_data(as_text=True)
    assert 'id="h-assign"' not in page
    response = client.post(f"{desk_url(application)}/phan-cong", data={
        "csrf_token": csrf_token_from(page), "handler": demo.staff("handler", TH).id,
        "version": fresh(db, application).version})
    assert response.status_code == 403
    assert fresh(db, application).handler_id is None


def test_a_fee_taken_at_the_desk_is_recorded_as_a_payment(client, db, demo):
    from portal.models import Payment
    from tests.operations.helpers import page_fire
    application = make_application(db, demo.citizen, LIEN_THONG_SERVICE, TH)
    Api(client, db).ok(f"receiver.{TH}@demo.vn", application, "accept")
    login(client, f"receiver.{TH}@demo.vn")
    response = page_fire(client, application, "pay", note="Biên lai số 0012")
    assert response.status_code == 303
    application = fresh(db, application)
    assert application.state == "processing" and application.paid_at is not None
    payment = db.session.query(Payment).filter_by(application_id=application.id).one()
    assert payment.provider == "desk" and payment.amount == application.fee_amount
    assert application.events[-1].note == "Biên lai số 0012"


def test_a_forged_action_name_is_refused_without_a_500(client, db, demo):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    login(client, f"receiver.{TH}@demo.vn")
    page = client.get(desk_url(application)).get_data(as_text=True)
    response = client.post(f"{desk_url(application)}/thao-tac/launch_rocket", data={
        "csrf_token": csrf_token_from(page), "version": fresh(db, application).version})
    assert response.status_code == 422
    assert "Thao tác này không có trong quy trình" in response.get_data(as_text=True)
    no_version = client.post(f"{desk_url(application)}/thao-tac/accept",
                             data={"csrf_token": csrf_token_from(page)})
    assert no_version.status_code == 422
    assert fresh(db, application).state == "submitted"
    no_csrf = client.post(f"{desk_url(application)}/thao-tac/accept", data={"version": 1})
    assert no_csrf.status_code == 400

"""Texts that come from Python rather than from templates read in English on English pages: the service form's
labels and validation messages, fees, flashed messages, the login and registration errors, and the public
lookup. The same requests on Vietnamese pages keep the Vietnamese texts, word for word."""
import html as html_module
import re

import pytest
from flask_babel import force_locale

from portal.operations.transitions import fire
from tests.citizen.conftest import apply_url, form_payload, required_files
from tests.factories import PASSWORD, login, make_application, post_form
from tests.i18n.conftest import page_text, switch_language

BIRTH = "dang-ky-khai-sinh"
COPY = "chung-thuc-ban-sao-tu-ban-chinh"
COPY_FEE_EN = ("2,000 ₫/page for the first 2 pages, 1,000 ₫/page from the third page, "
               "at most 200,000 ₫ per copy")
COPY_FEE_VI = ("2.000 ₫/trang cho trang thứ nhất và thứ hai, 1.000 ₫/trang từ trang thứ ba, "
               "tối đa 200.000 ₫/bản")


def text_of(response):
    return html_module.unescape(response.get_data(as_text=True))


def error_beside(text, field):
    found = re.search(rf'id="{field}-error">(.*?)</div>', text, re.S)
    assert found, f"no error beside {field}"
    return found.group(1)


def submit_apply(client, slug, data):
    return post_form(client, apply_url(slug), data, content_type="multipart/form-data")


@pytest.fixture
def english_citizen(client, demo):
    login(client, "citizen@demo.vn")
    switch_language(client, "en", from_page=apply_url(BIRTH))
    return demo.citizen


# ---------------------------------------------------------------- the service form

def test_service_form_labels_and_unit_choice_in_english(client, english_citizen):
    text = page_text(client, apply_url(BIRTH))
    for english in ("— Choose where to apply —", "Child's full name", "Birth notice",
                    "The one-stop desk there will receive your application and return its result."):
        assert english in text, english
    for vietnamese in ("— Chọn nơi nộp hồ sơ —", "Họ, chữ đệm và tên của trẻ", "Giấy chứng sinh",
                       "Bộ phận Một cửa sẽ tiếp nhận"):
        assert vietnamese not in text, vietnamese


def test_service_form_validation_errors_in_english(app, client, english_citizen):
    data = form_payload(BIRTH, unit="", child_full_name="", mother_national_id="12345")
    response = submit_apply(client, BIRTH, data)
    assert response.status_code == 200
    text = text_of(response)
    assert error_beside(text, "child_full_name") == "Please enter child's full name."
    assert error_beside(text, "mother_national_id") == \
        "The personal identification number has exactly 12 digits."
    assert error_beside(text, "receiving_unit") == "Please choose where to apply."
    assert error_beside(text, "doc_birth_notice") == "Please attach: Birth notice."
    summary = re.search(r'id="error-summary".*?</ul>', text, re.S).group(0)
    assert "Child's full name: Please enter child's full name." in summary
    assert "Vui lòng" not in text


def test_the_same_errors_stay_vietnamese_on_vietnamese_pages(client, demo):
    login(client, "citizen@demo.vn")
    data = form_payload(BIRTH, unit="", child_full_name="")
    text = text_of(submit_apply(client, BIRTH, data))
    assert error_beside(text, "child_full_name") == "Vui lòng nhập họ, chữ đệm và tên của trẻ."
    assert error_beside(text, "receiving_unit") == "Vui lòng chọn nơi nộp hồ sơ."
    assert error_beside(text, "doc_birth_notice") == "Vui lòng đính kèm Giấy chứng sinh."
    assert "Please" not in text


def test_saving_a_draft_is_confirmed_in_english(client, english_citizen):
    response = submit_apply(client, BIRTH, form_payload(BIRTH, intent="save"))
    assert response.status_code == 303
    text = page_text(client, response.headers["Location"])
    assert "Your draft has been saved. You can complete and submit it later." in text
    assert "Đã lưu nháp" not in text


def test_submitting_is_confirmed_in_english(client, demo, english_citizen):
    data = form_payload(BIRTH, files=required_files(demo, BIRTH))
    response = submit_apply(client, BIRTH, data)
    assert response.status_code == 303
    text = page_text(client, response.headers["Location"])
    assert re.search(r"Your application has been submitted\. Its code is [0-9A-Z.\-]+-\d{6}-\d{4}\.", text)


def test_withdrawal_confirmation_and_its_error_in_english(client, db, demo):
    application = make_application(db, demo.citizen)
    login(client, "citizen@demo.vn")
    page = f"/ho-so/{application.id}"
    switch_language(client, "en", from_page=page)
    version = str(application.version)
    refused = post_form(client, page, {"expected_version": version}, post_url=f"{page}/thao-tac/withdraw")
    text = text_of(refused)
    assert error_beside(text, "confirm") == "Please tick the confirmation before withdrawing the application."
    assert "I understand that a withdrawn application will not be processed any further." in text
    done = post_form(client, page, {"expected_version": version, "confirm": "y"},
                     post_url=f"{page}/thao-tac/withdraw")
    assert done.status_code == 303
    assert "The application has been withdrawn." in page_text(client, page)


def test_a_stale_page_is_reported_in_english(client, db, demo):
    application = make_application(db, demo.citizen)
    login(client, "citizen@demo.vn")
    page = f"/ho-so/{application.id}"
    switch_language(client, "en", from_page=page)
    stale = str(application.version - 1)
    response = post_form(client, page, {"expected_version": stale, "confirm": "y"},
                         post_url=f"{page}/thao-tac/withdraw")
    assert response.status_code == 303
    assert "Someone else has just updated this application." in page_text(client, page)


def test_checkbox_answers_read_yes_or_no(app):
    from portal.citizen.filling import display_value
    box = type("Spec", (), {"type": "checkbox"})()
    with app.test_request_context("/"):
        assert (display_value(box, True), display_value(box, False)) == ("Có", "Không")
        with force_locale("en"):
            assert (display_value(box, True), display_value(box, False)) == ("Yes", "No")


# ---------------------------------------------------------------- fees

def test_fee_rule_in_english_in_the_catalogue_and_on_the_form(client, english_citizen):
    catalogue = page_text(client, "/thu-tuc")
    assert COPY_FEE_EN in catalogue and "Free" in catalogue
    assert "/trang" not in catalogue and "Miễn phí" not in catalogue
    form = page_text(client, apply_url(COPY))
    assert COPY_FEE_EN in form
    # What to fill in before the fee can be computed: the fields' English labels.
    assert "Number of pages of the original, Number of certified copies" in form
    assert "Số trang của bản chính" not in form


def test_fee_rule_stays_vietnamese_by_default(client, demo):
    catalogue = page_text(client, "/thu-tuc")
    assert COPY_FEE_VI in catalogue and "Miễn phí" in catalogue
    assert COPY_FEE_EN not in catalogue


# ---------------------------------------------------------------- signing in, registering, signing out

def test_login_failure_in_english(client, demo):
    switch_language(client, "en", from_page="/dang-nhap")
    response = post_form(client, "/dang-nhap", {"email": "citizen@demo.vn", "password": "Sai@12345"})
    assert response.status_code == 200
    text = text_of(response)
    assert error_beside(text, "password") == "Incorrect email or password."
    assert "Email hoặc mật khẩu không đúng." not in text


def test_login_failure_stays_vietnamese_by_default(client, demo):
    response = post_form(client, "/dang-nhap", {"email": "citizen@demo.vn", "password": "Sai@12345"})
    text = text_of(response)
    assert error_beside(text, "password") == "Email hoặc mật khẩu không đúng."
    assert "Incorrect email or password." not in text


def test_greeting_and_sign_out_in_english(client, db, demo):
    # Signed in, the account's language decides (portal.select_locale).
    demo.citizen.locale = "en"
    db.session.commit()
    switch_language(client, "en", from_page="/dang-nhap")
    response = post_form(client, "/dang-nhap", {"email": "citizen@demo.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert f"Hello, {demo.citizen.full_name}." in page_text(client, response.headers["Location"])
    signed_out = post_form(client, "/ho-so", {}, post_url="/dang-xuat")
    assert signed_out.status_code == 302
    assert "You have signed out." in page_text(client, signed_out.headers["Location"])


def test_greeting_in_vietnamese_by_default(client, demo):
    response = post_form(client, "/dang-nhap", {"email": "citizen@demo.vn", "password": PASSWORD})
    assert f"Xin chào {demo.citizen.full_name}." in page_text(client, response.headers["Location"])


def test_registration_checks_in_english(client, demo):
    switch_language(client, "en", from_page="/dang-ky")
    response = post_form(client, "/dang-ky", {
        "full_name": "Hoàng Văn Cường", "email": "citizen@demo.vn", "phone": "12345",
        "national_id": "0260", "password": "short", "confirm": "short"})
    text = text_of(response)
    assert error_beside(text, "phone") == \
        "Invalid mobile number (10 digits starting with 03, 05, 07, 08 or 09)."
    assert error_beside(text, "national_id") == "The personal identification number has exactly 12 digits."
    assert error_beside(text, "password") == \
        "The password needs at least 10 characters, with both letters and digits."


def test_registration_is_confirmed_in_english(client, demo):
    switch_language(client, "en", from_page="/dang-ky")
    response = post_form(client, "/dang-ky", {
        "full_name": "Hoàng Văn Cường", "email": "moi@demo.vn", "phone": "0901234567",
        "national_id": "026099001111", "password": "Demo@12345", "confirm": "Demo@12345"})
    assert response.status_code == 302
    assert "Your account has been created." in page_text(client, response.headers["Location"])
    # The new account keeps the language it was created in.
    assert demo.user("moi@demo.vn").locale == "en"


def test_an_account_created_on_a_vietnamese_page_is_vietnamese(client, demo):
    response = post_form(client, "/dang-ky", {
        "full_name": "Hoàng Văn Cường", "email": "moi@demo.vn", "phone": "0901234567",
        "national_id": "026099001111", "password": "Demo@12345", "confirm": "Demo@12345"})
    assert "Đăng ký tài khoản thành công." in page_text(client, response.headers["Location"])
    assert demo.user("moi@demo.vn").locale == "vi"


# ---------------------------------------------------------------- the public lookup

@pytest.fixture
def accepted(db, demo):
    application = make_application(db, demo.citizen)
    fire(application, "accept", demo.staff("receiver", "tam-hong"))
    db.session.commit()
    return application


def lookup_url(application, digits=None):
    return f"/tra-cuu?code={application.code}&phone={digits or application.applicant_phone[-4:]}"


def test_lookup_result_in_english(client, accepted):
    switch_language(client, "en", from_page="/tra-cuu")
    text = page_text(client, lookup_url(accepted))
    result = text[text.index('id="lookup-result-title"'):]
    for english in ("Birth registration", "Status", "Processing", "Submit", "Accept", "Status: Submitted",
                    "Status: Processing"):
        assert english in result, english
    for vietnamese in ("Đăng ký khai sinh", "Đang xử lý", "Đã nộp", "Tiếp nhận hồ sơ", "Nộp hồ sơ"):
        assert vietnamese not in result, vietnamese
    for label in ("Application code", "Last 4 digits of the phone number",
                  "Printed on the receipt and in the emails", "The mobile number used when applying."):
        assert label in text, label


def test_lookup_result_stays_vietnamese_by_default(client, accepted):
    text = page_text(client, lookup_url(accepted))
    assert "Đăng ký khai sinh" in text and "Đang xử lý" in text and "Tiếp nhận hồ sơ" in text
    assert "Birth registration" not in text and "Status: Processing" not in text


def test_lookup_misses_and_malformed_input_in_english(client, accepted):
    switch_language(client, "en", from_page="/tra-cuu")
    wrong = "0000" if accepted.applicant_phone[-4:] != "0000" else "1111"
    miss = client.get(lookup_url(accepted, wrong))
    assert miss.status_code == 404
    assert "No application matches this code and these last 4 digits of the phone number." in text_of(miss)
    malformed = client.get("/tra-cuu?code=&phone=12")
    assert malformed.status_code == 422
    text = text_of(malformed)
    assert error_beside(text, "code") == "Please enter the application code."
    assert error_beside(text, "phone") == \
        "Please enter exactly the last 4 digits of the phone number used when applying."
    assert "Vui lòng" not in text


def test_public_status_carries_the_english_texts(app, accepted):
    from portal.public.lookup import public_status
    with app.test_request_context("/"):
        status = public_status(accepted)
    assert (status["service"], status["service_en"]) == ("Đăng ký khai sinh", "Birth registration")
    assert (status["state_label"], status["state_label_en"]) == ("Đang xử lý", "Processing")
    assert [(s["action_label"], s["action_label_en"], s["state_label_en"]) for s in status["timeline"]] == [
        ("Nộp hồ sơ", "Submit", "Submitted"), ("Tiếp nhận hồ sơ", "Accept", "Processing")]


def test_the_api_keeps_its_fields(client, accepted):
    body = client.get(f"/api/v1/lookup?code={accepted.code}&phone={accepted.applicant_phone[-4:]}").get_json()
    assert not [key for key in body if key.endswith("_en")]
    assert not [key for step in body["timeline"] for key in step if key.endswith("_en")]


# ---------------------------------------------------------------- the catalogue behind these texts

def test_operation_texts_marked_here_match_their_constants():
    """citizen.views marks some Vietnamese constants of portal.operations for translation by copying them:
    a changed constant must be copied again, or its English would silently disappear."""
    from portal.citizen.views import OPERATION_TEXTS
    from portal.operations.transitions import STALE_MESSAGE
    assert STALE_MESSAGE in OPERATION_TEXTS


def test_texts_of_this_round_are_translated(app):
    from portal.citizen.views import OPERATION_TEXTS
    from portal.public import lookup
    texts = OPERATION_TEXTS + (lookup.NOT_FOUND_MESSAGE, lookup.CODE_MESSAGE, lookup.DIGITS_MESSAGE,
                               lookup.CODE_MISSING_MESSAGE)
    with app.test_request_context("/"), force_locale("en"):
        from portal.i18n import translated
        assert [text for text in texts if translated(text) == text] == []


def test_po_has_no_empty_translation():
    from babel.messages.pofile import read_po

    from tests.i18n.conftest import PO_FILE
    with PO_FILE.open("rb") as f:
        catalog = read_po(f)
    empty = [m.id for m in catalog
             if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert empty == []


def test_language_chosen_before_login_is_kept_after_it(client, db, demo):
    from tests.factories import login, post_form
    post_form(client, "/", {}, post_url="/ngon-ngu/en")
    login(client, "citizen@demo.vn")
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    assert demo.citizen.locale == "en"

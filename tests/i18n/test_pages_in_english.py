"""The citizen's pages read in English after the language button, in Vietnamese by default and after switching
back; catalogue rows show their English names."""
import pytest

from tests.factories import login, make_application
from tests.i18n.conftest import html_lang, page_text, switch_language


def test_vietnamese_by_default(client, demo):
    text = page_text(client, "/")
    assert html_lang(text) == '<html lang="vi"'
    assert "Dịch vụ công trực tuyến" in text and "Đăng ký khai sinh" in text
    assert "Online public services" not in text and "Birth registration" not in text
    assert ">English</button>" in text


def test_home_in_english_after_the_language_button(client, demo):
    switch_language(client, "en")
    text = page_text(client, "/")
    assert html_lang(text) == '<html lang="en"'
    assert "Online public services" in text and "Popular procedures" in text
    assert "Vĩnh Phúc Province Public Service Portal" in text
    assert "Birth registration" in text and "Đăng ký khai sinh" not in text  # the service's name_en
    assert "Level 4" in text and "Mức độ 4" not in text
    assert ">Tiếng Việt</button>" in text
    assert "Dịch vụ công trực tuyến" not in text


def test_switching_back_to_vietnamese(client, demo):
    switch_language(client, "en")
    switch_language(client, "vi")
    text = page_text(client, "/")
    assert html_lang(text) == '<html lang="vi"'
    assert "Dịch vụ công trực tuyến" in text and "Online public services" not in text


def test_an_unknown_language_changes_nothing(client, demo):
    switch_language(client, "fr")
    assert html_lang(page_text(client, "/")) == '<html lang="vi"'


def test_catalogue_in_english(client, demo):
    switch_language(client, "en")
    text = page_text(client, "/thu-tuc")
    assert "<h1 class=\"h3 mb-3\">Administrative procedures</h1>" in text
    assert "All 6 procedures" in text
    assert "Birth registration" in text and "Marital status confirmation" in text
    assert "Commune level" in text and "District level" in text
    assert "Same day (received after 15:00" in text and "working days" in text
    assert "Thủ tục hành chính" not in text and "ngày làm việc" not in text


def test_catalogue_search_in_english_counts_in_english(client, demo):
    switch_language(client, "en")
    assert "1 procedure found" in page_text(client, "/thu-tuc?q=birth")
    assert "No matching procedure" in page_text(client, "/thu-tuc?q=zzzz")


def test_procedure_page_in_english(client, demo):
    switch_language(client, "en", from_page="/thu-tuc/dang-ky-khai-sinh")
    text = page_text(client, "/thu-tuc/dang-ky-khai-sinh")
    assert '<h1 class="h3">Birth registration</h1>' in text
    for english in ("Apply online", "Documents to provide", "Birth notice", "Required", "Processing time:",
                    "Same day (received after 15:00", "Free", "People's Committee (commune level)",
                    "One-stop desk (commune level)", "Level 4: Fully online", "Where to apply",
                    "Legal basis"):
        assert english in text, english
    # The service's own content that has no English version stays as written.
    assert "Luật Hộ tịch số 60/2014/QH13" in text
    for vietnamese in ("Nộp hồ sơ trực tuyến", "Thành phần hồ sơ", "Bắt buộc", "Miễn phí"):
        assert vietnamese not in text, vietnamese


def test_login_page_in_english(client, demo):
    switch_language(client, "en", from_page="/dang-nhap")
    text = page_text(client, "/dang-nhap")
    assert html_lang(text) == '<html lang="en"'
    for english in ("<h1 class=\"h3 mb-3\">Sign in</h1>", ">Password", ">Keep me signed in</label>",
                    "No account yet?", ">Register</a>"):
        assert english in text, english
    assert "Mật khẩu" not in text and "Đăng nhập" not in text


def test_login_errors_in_english(client, demo):
    from tests.factories import post_form
    switch_language(client, "en", from_page="/dang-nhap")
    response = post_form(client, "/dang-nhap", {"email": "", "password": ""})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please check the following:" in text
    assert "Please enter your email." in text and "Please enter your password." in text


def test_application_page_in_english(client, db, demo):
    application = make_application(db, demo.citizen)
    login(client, "citizen@demo.vn")
    switch_language(client, "en", from_page=f"/ho-so/{application.id}")
    text = page_text(client, f"/ho-so/{application.id}")
    assert html_lang(text) == '<html lang="en"'
    assert f'Application <span class="application-code">{application.code}</span>' in text
    for english in ("Birth registration", "Waiting to be received",
                    # the unit's Vietnamese name marked as such inside the English sentence
                    'waiting to be checked by the one-stop desk (<span lang="vi">Ủy ban nhân dân xã Tam Hồng</span>)',
                    "Result due on", "Set when the one-stop desk receives the application",
                    "Child's full name", "Birth notice", "Processing history", "Status: Submitted",
                    "Applicant", "Withdraw"):
        assert english in text, english
    for vietnamese in ("Chờ tiếp nhận", "Họ, chữ đệm và tên của trẻ", "Giấy chứng sinh", "Quá trình xử lý"):
        assert vietnamese not in text, vietnamese


def test_a_citizen_keeps_the_chosen_language_on_the_account(client, db, demo):
    login(client, "citizen@demo.vn")
    switch_language(client, "en")
    db.session.expire_all()
    assert demo.citizen.locale == "en"
    assert "My applications" in page_text(client, "/ho-so")
    switch_language(client, "vi")
    assert "Hồ sơ của tôi" in page_text(client, "/ho-so")


@pytest.mark.parametrize("lang, words", [
    ("vi", ("Không tìm thấy", "Về trang chủ")),
    ("en", ("Not found", "Back to the home page")),
])
def test_error_page_follows_the_language(client, demo, lang, words):
    switch_language(client, lang)
    response = client.get("/thu-tuc/khong-co")
    text = response.get_data(as_text=True)
    assert response.status_code == 404
    for word in words:
        assert word in text, word

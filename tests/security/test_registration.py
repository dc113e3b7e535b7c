"""Registration: the same answer whichever of the e-mail and the identification number already has an
account; one spelling per e-mail (NFKC and case folded); ASCII digits only in an identification number;
invisible formatting characters removed from names; weak and common passwords refused."""
import pytest

from portal.auth.accounts import REGISTRATION_REFUSED
from portal.auth.passwords import common_passwords, password_problem
from tests.factories import PASSWORD, login, post_form

NEW = {"full_name": "Hoàng Văn Cường", "email": "cuong@example.vn", "phone": "0912000111",
       "national_id": "026199012345", "password": "Hoa.Sen-2026", "confirm": "Hoa.Sen-2026"}


def _register(client, **changes):
    return post_form(client, "/dang-ky", {**NEW, **changes})


def _page_without_tokens(response) -> str:
    import re
    return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))


def test_taken_email_and_taken_identification_number_get_the_same_answer(client, db, demo):
    from portal.models import User
    before = db.session.query(User).count()
    taken_email = _register(client, email="citizen@demo.vn")
    taken_id = _register(client, national_id=demo.citizen.national_id)
    assert taken_email.status_code == taken_id.status_code == 200
    assert REGISTRATION_REFUSED in taken_email.get_data(as_text=True)
    assert _page_without_tokens(taken_email) == _page_without_tokens(taken_id)
    assert db.session.query(User).count() == before


def test_full_width_spelling_of_an_existing_email_is_the_same_account(client, db, demo):
    from portal.models import User
    response = _register(client, email="ｃitizen@demo.vn")
    assert REGISTRATION_REFUSED in response.get_data(as_text=True)
    assert db.session.query(User).filter(User.email.like("%itizen@demo.vn")).count() == 1
    login(client, "ＣＩＴＩＺＥＮ@demo.vn")  # and it signs in as the one account


def test_a_new_account_is_stored_under_the_folded_email(client, db, demo):
    response = _register(client, email="Ｃuong@Example.VN")
    assert response.status_code == 302
    assert demo.user("cuong@example.vn").full_name == NEW["full_name"]


def test_arabic_indic_digits_are_not_an_identification_number(client, db, demo):
    response = _register(client, national_id="٠٢٦١٩٩٠١٢٣٤٥")
    assert response.status_code == 200
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in response.get_data(as_text=True)


def test_bidirectional_and_zero_width_characters_are_removed_from_names(client, db, demo):
    response = _register(client, full_name="Hoàng\u202e Văn\u200b Cường\u2066\ufeff")
    assert response.status_code == 302
    assert demo.user("cuong@example.vn").full_name == "Hoàng Văn Cường"


@pytest.mark.parametrize("weak", ["password1", "aaaaaaa1", "Password123", "qwertyuiop2026", "1234567890a",
                                  "aaaaaaaaa1", "abababab12"])
def test_weak_passwords_are_refused(client, db, demo, weak):
    assert password_problem(weak) is not None
    response = _register(client, password=weak, confirm=weak)
    assert response.status_code == 200
    from portal.models import User
    assert db.session.query(User).filter_by(email="cuong@example.vn").count() == 0


def test_the_demo_password_and_a_real_one_are_accepted():
    assert password_problem(PASSWORD) is None
    assert password_problem("Hoa.Sen-2026") is None
    assert password_problem("tôi đi chợ Bến Thành 9") is None


def test_the_shipped_list_is_the_common_passwords_list():
    listed = common_passwords()
    assert len(listed) >= 10_000
    assert {"123456", "password", "qwerty", "iloveyou"} <= listed

"""The account page, and a change of e-mail confirmed from the new address: nothing changes until the link is
opened by the same account, signed in; the old address is told; other sessions end; a stranger learns
nothing of which addresses have accounts; a link works once, for its account, for a day."""
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.models import User
from tests.factories import PASSWORD, csrf_token_from, login, make_citizen, post_form
from tests.ux.page import inputs_of, parse, text, the
from tests.ux.test_password_recovery import can_sign_in, outbox

NEW = "an.moi@example.vn"


@pytest.fixture
def person(db):
    return make_citizen(db, email="an@example.vn", full_name="Phạm Văn An", phone="0912000111",
                        national_id="026099002222")


def ask(client, address, password=PASSWORD):
    return post_form(client, "/tai-khoan/doi-email", {"email": address, "password": password})


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://\S+(/tai-khoan/xac-nhan-email/\S+)", body)
    assert found, body
    return found.group(1)


def mails_to(app, address):
    return [m for m in outbox(app) if m["To"] == address]


def confirm(client, path):
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_the_account_page_shows_the_account_and_leads_to_its_changes(client, person):
    login(client, "an@example.vn")
    home = parse(client.get("/ho-so-cua-toi"))
    assert "/tai-khoan" in [a.get("href") for a in home.iter("a")]  # the name in the menu leads there
    page = client.get("/tai-khoan")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    document = parse(page)
    details = text(the(document, "account-details"))
    assert "Phạm Văn An" in details and "an@example.vn" in details and "026099002222" in details
    links = [a.get("href") for a in the(document, "main").iter("a")]
    assert "/tai-khoan/doi-email" in links and "/tai-khoan/doi-mat-khau" in links


def test_a_change_is_made_only_from_the_link_sent_to_the_new_address(app, client, db, person):
    login(client, "an@example.vn")
    sent = ask(client, "An.Moi@Example.vn")  # folded as at registration
    assert sent.status_code == 200 and NEW in text(the(parse(sent), "email-link-sent"))
    db.session.refresh(person)
    assert person.email == "an@example.vn"  # nothing yet
    (mail,) = mails_to(app, NEW)
    path = link_in(mail)

    page = client.get(path)
    assert page.status_code == 200 and NEW in page.get_data(as_text=True)
    db.session.refresh(person)
    assert person.email == "an@example.vn"  # opening the link changes nothing: the button does

    done = confirm(client, path)
    assert done.status_code == 303 and urlsplit(done.headers["Location"]).path == "/tai-khoan"
    assert NEW in text(the(parse(client.get("/tai-khoan")), "account-email"))
    db.session.refresh(person)
    assert person.email == NEW
    assert can_sign_in(app, NEW, PASSWORD) and not can_sign_in(app, "an@example.vn", PASSWORD)

    (notice,) = mails_to(app, "an@example.vn")
    body = notice.get_body(preferencelist=("plain",)).get_content()
    assert "an***@example.vn" in body and NEW not in body
    assert client.get(path).status_code == 410  # used: the address it was made for has changed


def test_a_wrong_password_changes_nothing_and_sends_nothing(app, client, db, person):
    login(client, "an@example.vn")
    refused = ask(client, NEW, password="not-the-password-1")
    assert refused.status_code == 422 and "Mật khẩu hiện tại không đúng." in refused.get_data(as_text=True)
    assert ask(client, NEW, password="").status_code == 422
    assert mails_to(app, NEW) == []


def test_the_current_address_is_refused_beside_the_field(client, person):
    login(client, "an@example.vn")
    refused = ask(client, "an@example.vn")
    assert refused.status_code == 422
    assert "Đây là địa chỉ email hiện tại của tài khoản." in refused.get_data(as_text=True)


def test_an_address_of_another_account_gets_the_same_answer_and_no_link(app, client, db, person):
    make_citizen(db, email="binh@example.vn", national_id="026099003333")
    login(client, "an@example.vn")
    taken, free = ask(client, "binh@example.vn"), ask(client, NEW)
    assert taken.status_code == free.status_code == 200
    answer = text(the(parse(taken), "email-link-sent"))
    assert answer == text(the(parse(free), "email-link-sent")).replace(NEW, "binh@example.vn")
    assert mails_to(app, "binh@example.vn") == []


def test_an_address_taken_after_the_link_was_sent_is_refused_at_the_confirmation(app, client, db, person):
    login(client, "an@example.vn")
    ask(client, NEW)
    path = link_in(mails_to(app, NEW)[0])
    make_citizen(db, email=NEW, national_id="026099004444")
    page = client.get(path)
    refused = client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert refused.status_code == 409
    assert "Địa chỉ này đã được dùng cho một tài khoản khác." in refused.get_data(as_text=True)
    db.session.refresh(person)
    assert person.email == "an@example.vn"


def test_the_link_works_for_its_own_account_only(app, client, db, person):
    login(client, "an@example.vn")
    ask(client, NEW)
    path = link_in(mails_to(app, NEW)[0])
    other = app.test_client()
    make_citizen(db, email="binh@example.vn", national_id="026099003333")
    login(other, "binh@example.vn")
    assert other.get(path).status_code == 410
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/dang-nhap" in anonymous.headers["Location"]
    tampered = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    assert client.get(tampered).status_code == 410


def test_an_old_link_is_dead(app, client, person, monkeypatch):
    login(client, "an@example.vn")
    ask(client, NEW)
    path = link_in(mails_to(app, NEW)[0])
    monkeypatch.setitem(app.config, "EMAIL_CHANGE_MAX_AGE", -1)
    assert client.get(path).status_code == 410


def test_the_change_signs_out_the_other_sessions(app, client, person):
    elsewhere = app.test_client()
    login(elsewhere, "an@example.vn")
    login(client, "an@example.vn")
    ask(client, NEW)
    confirm(client, link_in(mails_to(app, NEW)[0]))
    assert client.get("/tai-khoan").status_code == 200
    gone = elsewhere.get("/tai-khoan")
    assert gone.status_code == 302 and "/dang-nhap" in gone.headers["Location"]


def test_an_account_made_by_national_identity_adds_its_first_address_without_a_password(app, client, db):
    from tests.auth.national_identity_helpers import sign_in
    assert sign_in(client).status_code == 302  # a first sign-in that gave no e-mail: a placeholder address
    person = db.session.execute(select(User)).scalars().all()[-1]
    placeholder = person.email
    assert placeholder.endswith(".invalid")
    page = parse(client.get("/tai-khoan"))
    assert "Chưa có" in text(the(page, "account-email")) and placeholder not in text(the(page, "main"))
    assert "Đã liên kết" in text(the(page, "account-details"))
    form = parse(client.get("/tai-khoan/doi-email"))
    assert "password" not in inputs_of(the(form, "main").find(".//form"))
    assert post_form(client, "/tai-khoan/doi-email", {"email": NEW}).status_code == 200
    confirm(client, link_in(mails_to(app, NEW)[0]))
    db.session.refresh(person)
    assert person.email == NEW
    assert mails_to(app, placeholder) == []  # no notice to an address no mail reaches


def test_staff_addresses_are_not_changed_here(client, demo):
    login(client, "receiver.tam-hong@demo.vn")
    assert client.get("/tai-khoan").status_code == 200
    assert client.get("/tai-khoan/doi-email").status_code == 403
    assert "Email của tài khoản cán bộ do quản trị viên quản lý." in client.get("/tai-khoan").get_data(
        as_text=True)


def test_the_request_needs_its_csrf_token(app, client, person):
    login(client, "an@example.vn")
    assert client.post("/tai-khoan/doi-email", data={"email": NEW, "password": PASSWORD}).status_code == 400
    assert mails_to(app, NEW) == []


def test_the_account_pages_read_in_english(client, person):
    from tests.i18n.conftest import switch_language
    login(client, "an@example.vn")
    switch_language(client, "en", from_page="/tai-khoan")
    page = client.get("/tai-khoan").get_data(as_text=True)
    assert "My account" in page and "Change e-mail" in page and "Tài khoản của tôi" not in page
    refused = ask(client, "an@example.vn")
    assert "This is already the account&#39;s e-mail address." in refused.get_data(as_text=True)

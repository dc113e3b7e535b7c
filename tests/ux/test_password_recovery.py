"""Issue 14, point 2: password recovery by a single-use, expiring, signed link sent through the outbox;
the same answer for any address; rate limits per address and per account; a change-password page."""
import email
import re
from email import policy
from pathlib import Path

import pytest

from tests.factories import PASSWORD, csrf_token_from, login, make_citizen
from tests.ux.page import inputs_of, parse, text, the

NEW_PASSWORD = "Hoa-sen-nở-2026"


def outbox(app):
    folder = Path(app.config["OUTBOX_DIR"])
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]


def ask_for_link(client, address):
    page = client.get("/quen-mat-khau")
    return client.post("/quen-mat-khau", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                               "email": address})


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://\S+(/dat-lai-mat-khau/\S+)", body)
    assert found, body
    return found.group(1)


def set_new_password(client, path, password=NEW_PASSWORD, confirm=None):
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                   "password": password, "confirm": confirm or password})


def can_sign_in(app, address, password) -> bool:
    browser = app.test_client()
    response = browser.post("/dang-nhap", data={
        "csrf_token": csrf_token_from(browser.get("/dang-nhap").get_data(as_text=True)),
        "email": address, "password": password})
    return response.status_code == 302


@pytest.fixture
def person(db):
    return make_citizen(db, email="an@example.vn")


def test_the_sign_in_page_leads_to_recovery(client):
    links = [a.get("href") for a in the(parse(client.get("/dang-nhap")), "main").iter("a")]
    assert "/quen-mat-khau" in links


def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_one_a_mail(app, client, person):
    known = ask_for_link(client, "An@Example.vn")
    unknown = ask_for_link(client, "nobody@example.vn")
    assert known.status_code == unknown.status_code == 200
    sent_known = text(the(parse(known), "reset-sent")).replace("an@example.vn", "<email>")
    sent_unknown = text(the(parse(unknown), "reset-sent")).replace("nobody@example.vn", "<email>")
    assert sent_known == sent_unknown
    messages = outbox(app)
    assert [m["to"] for m in messages] == ["an@example.vn"]
    assert "Đặt lại mật khẩu" in messages[0]["subject"]


def test_the_link_sets_a_new_password_once_and_signs_out_other_sessions(app, client, db, person):
    other_device = app.test_client()
    login(other_device, "an@example.vn")
    assert other_device.get("/ho-so").status_code == 200
    ask_for_link(client, "an@example.vn")
    path = link_in(outbox(app)[0])

    page = client.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    fields = inputs_of(parse(page).xpath("//main//form")[0])
    assert fields["password"].get("autocomplete") == "new-password"
    done = set_new_password(client, path)
    assert done.status_code == 303 and done.headers["Location"].endswith("/dang-nhap")

    assert can_sign_in(app, "an@example.vn", NEW_PASSWORD)
    assert not can_sign_in(app, "an@example.vn", PASSWORD)
    assert other_device.get("/ho-so").status_code == 302  # its session token was rotated
    again = client.get(path)
    assert again.status_code == 410
    assert the(parse(again), "reset-link-invalid") is not None


def test_a_weak_password_is_refused_with_the_policy_message_and_never_echoed(app, client, person):
    ask_for_link(client, "an@example.vn")
    path = link_in(outbox(app)[0])
    answer = set_new_password(client, path, password="password123")
    assert answer.status_code == 422
    page = parse(answer)
    assert "quá phổ biến" in text(the(page, "password-error"))
    assert all(el.get("value") in (None, "") for el in page.xpath('//input[@type="password"]'))
    assert can_sign_in(app, "an@example.vn", PASSWORD)


def test_an_expired_or_tampered_link_is_refused(app, client, person, monkeypatch):
    ask_for_link(client, "an@example.vn")
    path = link_in(outbox(app)[0])
    assert client.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB")).status_code == 410
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    assert client.get(path).status_code == 410
    assert set_new_password(client, path).status_code == 410
    assert can_sign_in(app, "an@example.vn", PASSWORD)


def test_mails_per_account_are_limited_silently(app, client, person, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_ACCOUNT_LIMIT", "2 per hour")
    answers = [ask_for_link(app.test_client(), "an@example.vn") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len(outbox(app)) == 2


def test_requests_per_client_address_are_limited(app, person, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_ADDRESS_LIMIT", "2 per hour")
    client = app.test_client()
    answers = [ask_for_link(client, f"someone{i}@example.vn") for i in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2].headers["Retry-After"]) > 0


# -- change password ------------------------------------------------------------------------------------

def change(client, current, new, confirm=None):
    page = client.get("/tai-khoan/doi-mat-khau")
    assert page.status_code == 200
    return client.post("/tai-khoan/doi-mat-khau", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "current": current, "password": new,
        "confirm": confirm or new})


def test_change_password_needs_the_current_one(app, client, person):
    login(client, "an@example.vn")
    answer = change(client, "Sai-mat-khau-99", NEW_PASSWORD)
    assert answer.status_code == 422
    page = parse(answer)
    assert "Mật khẩu hiện tại không đúng" in text(the(page, "current-error"))
    assert all(el.get("value") in (None, "") for el in page.xpath('//input[@type="password"]'))
    assert can_sign_in(app, "an@example.vn", PASSWORD)


def test_change_password_applies_the_policy(app, client, person):
    login(client, "an@example.vn")
    answer = change(client, PASSWORD, "ngan1")
    assert answer.status_code == 422
    assert "ít nhất 10 ký tự" in text(the(parse(answer), "password-error"))


def test_change_password_keeps_this_session_and_ends_the_others(app, client, person):
    login(client, "an@example.vn")
    other_device = app.test_client()
    login(other_device, "an@example.vn")
    done = change(client, PASSWORD, NEW_PASSWORD)
    assert done.status_code == 303
    assert client.get("/ho-so").status_code == 200
    assert other_device.get("/ho-so").status_code == 302
    assert can_sign_in(app, "an@example.vn", NEW_PASSWORD)


def test_change_password_needs_a_signed_in_user(client):
    answer = client.get("/tai-khoan/doi-mat-khau")
    assert answer.status_code == 302 and "/dang-nhap" in answer.headers["Location"]

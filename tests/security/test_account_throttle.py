"""Per-account sign-in limit (ASVS V2.2.1): wrong passwords for one account count together whatever address
they come from; once over the limit, even the right password waits (429 with Retry-After), so guesses made
during the wait teach nothing. The web page and the API token have separate counts."""
import time

from tests.factories import PASSWORD, csrf_token_from

ADDRESSES = ("127.0.0.1", "127.0.0.2", "127.0.0.3")


def _web_attempt(client, password, address):
    env = {"REMOTE_ADDR": address}
    token = csrf_token_from(client.get("/dang-nhap", environ_base=env).get_data(as_text=True))
    return client.post("/dang-nhap", data={"email": "citizen@demo.vn", "password": password,
                                           "csrf_token": token}, environ_base=env)


def _api_attempt(client, password, email="citizen@demo.vn", address="127.0.0.1"):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_35_wrong_passwords_from_three_addresses_then_the_right_one_is_refused(client, demo, account_limit):
    started = time.monotonic()
    statuses = [_web_attempt(client, f"Sai@{n:06d}", ADDRESSES[n % 3]).status_code for n in range(35)]
    assert time.monotonic() - started < 60  # all within the one-minute window
    assert statuses[:5] == [200] * 5  # the page again, "Email hoặc mật khẩu không đúng."
    assert set(statuses[5:]) == {429}
    refused = _web_attempt(client, PASSWORD, "127.0.0.9")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert "Đăng nhập sai quá nhiều lần" in refused.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session  # still signed out


def test_the_api_token_counts_apart_from_the_web_page(client, demo, account_limit):
    for n in range(5):
        assert _web_attempt(client, f"Sai@{n:06d}", "127.0.0.1").status_code == 200
    assert _web_attempt(client, PASSWORD, "127.0.0.1").status_code == 429
    # The web page's lockout does not lock the API out, and the API keeps its own count.
    assert _api_attempt(client, PASSWORD).status_code == 200
    for n in range(5):
        assert _api_attempt(client, f"Sai@{n:06d}", address=ADDRESSES[n % 3]).status_code == 401
    refused = _api_attempt(client, PASSWORD)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) >= 1


def test_a_successful_sign_in_clears_the_count(client, demo, account_limit):
    for _ in range(3):
        for n in range(4):
            assert _api_attempt(client, f"Sai@{n:06d}").status_code == 401
        assert _api_attempt(client, PASSWORD).status_code == 200


def test_other_spellings_of_the_address_share_the_count(client, demo, account_limit):
    for n, spelling in enumerate(["CITIZEN@demo.vn", "ｃitizen@demo.vn", " citizen@DEMO.vn", "citizen@demo.vn",
                                  "Citizen@Demo.VN"]):
        assert _api_attempt(client, f"Sai@{n:06d}", email=spelling).status_code == 401
    assert _api_attempt(client, PASSWORD).status_code == 429


def test_an_unknown_account_is_counted_like_a_known_one(client, demo, account_limit):
    answers = [_api_attempt(client, "Sai@000000", email="nobody@demo.vn").status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]

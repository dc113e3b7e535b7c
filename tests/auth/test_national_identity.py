"""Sign-in with the national identity through the sandbox provider: accounts created, linked, never
duplicated; staff refused; `next` kept; password sign-in untouched."""
import logging

from sqlalchemy import func, select

from portal.auth.national_identity_models import NationalIdentity
from portal.models import User
from tests.auth.national_identity_helpers import NEW_PERSON, begin, query_of, sign_in
from tests.factories import login, make_citizen


def _users(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_first_sign_in_creates_a_citizen_account_from_the_id_token(client, db, caplog):
    caplog.set_level(logging.INFO, "portal.auth.national_identity")
    answer = sign_in(client)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/ho-so"  # the citizen's home
    user = db.session.execute(select(User).where(User.national_id == NEW_PERSON["national_id"])).scalar_one()
    assert (user.full_name, user.phone, user.kind) == (NEW_PERSON["full_name"], NEW_PERSON["phone"], "citizen")
    assert user.email.endswith("@dinh-danh.invalid")  # the test identity gave no e-mail
    assert not user.password_hash.startswith("$argon2")  # no password until the citizen sets one
    link = db.session.execute(select(NationalIdentity)).scalar_one()
    assert link.user_id == user.id and link.issuer == "http://localhost/sandbox/vneid"
    assert link.subject and link.subject != NEW_PERSON["national_id"] and link.last_login_at
    assert "national identity sign-in: user %s (created)" % user.id in caplog.text
    # Signed in: the citizen's own page opens, with their name.
    assert client.get("/ho-so").status_code == 200
    with client.session_transaction() as session:
        assert session["_user_id"] == user.get_id()


def test_second_sign_in_uses_the_same_account(client, db):
    sign_in(client)
    first = db.session.execute(select(User).where(User.national_id == NEW_PERSON["national_id"])).scalar_one()
    client = client.application.test_client()  # another browser
    answer = sign_in(client, {**NEW_PERSON, "phone": "0911111111"})
    assert answer.status_code == 302
    assert _users(db) == 1
    assert db.session.scalar(select(func.count()).select_from(NationalIdentity)) == 1
    db.session.refresh(first)
    assert first.phone == NEW_PERSON["phone"]  # what the account holds is not overwritten


def test_existing_password_account_with_the_same_number_is_linked_not_duplicated(client, db, caplog):
    caplog.set_level(logging.INFO, "portal.auth.national_identity")
    existing = make_citizen(db, email="an@demo.vn", full_name="Nguyễn Văn An", phone="",
                            national_id=NEW_PERSON["national_id"])
    answer = sign_in(client)
    assert answer.status_code == 302
    assert _users(db) == 1
    link = db.session.execute(select(NationalIdentity)).scalar_one()
    assert link.user_id == existing.id
    db.session.refresh(existing)
    assert existing.email == "an@demo.vn" and existing.phone == NEW_PERSON["phone"]  # the empty phone filled
    assert f"user {existing.id} (matched)" in caplog.text
    # Password sign-in still works for the linked account.
    client = client.application.test_client()  # another browser
    login(client, "an@demo.vn")


def test_an_email_from_the_provider_that_another_account_uses_is_not_taken(client, db):
    make_citizen(db, email="taken@demo.vn", national_id="026099009999")
    sign_in(client, {**NEW_PERSON, "email": "taken@demo.vn"})
    created = db.session.execute(select(User).where(User.national_id == NEW_PERSON["national_id"])).scalar_one()
    assert created.email.endswith("@dinh-danh.invalid")
    client = client.application.test_client()  # another browser
    sign_in(client, {**NEW_PERSON, "national_id": "026195099999", "email": "Free@Demo.vn"})
    assert db.session.execute(select(User).where(User.national_id == "026195099999")).scalar_one().email == \
        "free@demo.vn"


def test_next_is_kept_through_the_round_trip_and_unsafe_next_dropped(client, db):
    assert sign_in(client, next_url="/ho-so?trang=2").headers["Location"] == "/ho-so?trang=2"
    client = client.application.test_client()  # another browser
    assert "evil" not in sign_in(client, next_url="//evil.example/x").headers["Location"]


def test_staff_accounts_are_refused_with_a_clear_page(client, db, caplog):
    from portal.auth.loaders import new_session_token
    from portal.auth.passwords import hash_password
    staff = User(email="canbo@demo.vn", full_name="Cán bộ", national_id=NEW_PERSON["national_id"], kind="admin",
                 password_hash=hash_password("Demo@12345"), session_token=new_session_token())
    db.session.add(staff)
    db.session.commit()
    answer = sign_in(client)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 403
    assert "Tài khoản cán bộ và quản trị không đăng nhập bằng định danh điện tử" in html
    assert db.session.scalar(select(func.count()).select_from(NationalIdentity)) == 0
    assert "national identity sign-in refused: staff" in caplog.text
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_the_buttons_on_sign_in_and_registration_keep_next(client, db):
    for page in ("/dang-nhap", "/dang-ky"):
        html = client.get(page + "?next=/dich-vu/dang-ky-khai-sinh").get_data(as_text=True)
        assert "Đăng nhập bằng VNeID" in html
        assert 'href="/dang-nhap/vneid?next=/dich-vu/dang-ky-khai-sinh"' in html
        assert 'href="/dang-nhap/vneid"' in client.get(page).get_data(as_text=True)
        assert 'href="/dang-nhap/vneid"' in client.get(page + "?next=https://evil.example").get_data(as_text=True)


def test_the_authorization_request_uses_pkce_s256_state_and_nonce(client, db):
    params = begin(client)
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["state"] and params["nonce"] and "openid" in params["scope"].split()
    assert params["redirect_uri"] == "http://localhost/dang-nhap/vneid/callback"


def test_declining_at_the_provider_returns_to_the_sign_in_page(client, db):
    from tests.factories import csrf_token_from
    params = begin(client)
    page = client.get("/sandbox/vneid/authorize", query_string=params)
    answer = client.post("/sandbox/vneid/authorize", data={**params, "decision": "deny",
                                                           "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert query_of(answer.headers["Location"])["error"] == "access_denied"
    back = client.get(answer.headers["Location"].removeprefix("http://localhost"))
    assert back.status_code == 302 and back.headers["Location"].endswith("/dang-nhap")
    assert _users(db) == 0


def test_a_real_issuer_without_a_secret_offers_no_button(tmp_path):
    import config
    from portal import create_app
    settings = config.TestConfig(tmp_path, f"sqlite:///{tmp_path / 'x.db'}")
    settings.VNEID_ISSUER = "https://vneid.example.gov.vn"
    settings.VNEID_CLIENT_SECRET = ""
    app = create_app(settings)
    with app.test_request_context("/dang-nhap"):
        from portal.auth.national_identity import enabled
        assert not enabled()
    assert app.test_client().get("/sandbox/vneid/.well-known/openid-configuration").status_code == 404

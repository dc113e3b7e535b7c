"""Every way the sign-in with the national identity must fail: a forged or expired ID token, a wrong nonce or
`state`, a replayed code, a wrong PKCE verifier. Each gives a Vietnamese page, creates no account, signs
nobody in and writes one log line saying why."""
import pytest
from sqlalchemy import func, select

from portal.auth.national_identity_models import NationalIdentity
from portal.models import User
from tests.auth.national_identity_helpers import begin, consent, path_of, query_of, sign_in

REFUSAL = "Không thể đăng nhập bằng định danh điện tử"


def _nothing_happened(client, db):
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.scalar(select(func.count()).select_from(NationalIdentity)) == 0
    with client.session_transaction() as session:
        assert "_user_id" not in session


def _change_kept_state(client, params, **changes):
    """Changes what the portal kept in the session for this sign-in (authlib's state data)."""
    key = f"_state_national_identity_{params['state']}"
    with client.session_transaction() as session:
        state = session[key]
        state["data"].update(changes)
        session[key] = state


def _refused(answer, message: str):
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400, html
    assert REFUSAL in html and message in html
    assert 'id="national-identity-refusal"' in html


@pytest.mark.parametrize("simulate, message, log_line", [
    ("forged", "không có chữ ký hợp lệ", "refused: signature"),
    ("expired", "đã hết hạn", "refused: expired"),
    ("wrong_nonce", "không hợp lệ cho cổng này", "refused: claims (ID token: invalid_claim: Invalid claim: 'nonce')"),
])
def test_bad_id_tokens_are_refused(client, db, caplog, simulate, message, log_line):
    _refused(sign_in(client, simulate=simulate), message)
    _nothing_happened(client, db)
    assert log_line in caplog.text


def test_a_wrong_state_is_refused_before_the_code_is_used(client, db, caplog):
    back = consent(client, begin(client))
    forged = path_of(back).replace(f"state={query_of(back)['state']}", "state=khong-phai-cua-ban")
    _refused(client.get(forged), "Phiên đăng nhập không hợp lệ")
    assert "national identity sign-in refused: state" in caplog.text
    _nothing_happened(client, db)
    # The code was not spent by the refused callback: the genuine one still signs in.
    assert client.get(path_of(back)).status_code == 302


def test_a_callback_with_nothing_is_a_refusal_not_an_error(client, db, caplog):
    _refused(client.get("/dang-nhap/vneid/callback"), "Phiên đăng nhập không hợp lệ")
    _refused(client.get("/dang-nhap/vneid/callback?error=server_error&state=x"), "không chấp nhận")
    assert "authorization error 'server_error'" in caplog.text


def test_a_replayed_code_is_refused(client, db, caplog):
    back = consent(client, begin(client))
    assert client.get(path_of(back)).status_code == 302  # the genuine sign-in
    other = client.application.test_client()  # whoever copied the code, in a sign-in of their own
    params = begin(other)
    replay = f"/dang-nhap/vneid/callback?code={query_of(back)['code']}&state={params['state']}"
    _refused(other.get(replay), "mã xác thực đã dùng")
    assert "refused: token (invalid_grant: code already used)" in caplog.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    with other.session_transaction() as session:
        assert "_user_id" not in session


def test_a_wrong_pkce_verifier_is_refused(client, db, caplog):
    params = begin(client)
    back = consent(client, params)
    _change_kept_state(client, params, code_verifier="x" * 48)
    _refused(client.get(path_of(back)), "không chấp nhận yêu cầu đăng nhập")
    assert "refused: token (invalid_grant: PKCE code_verifier does not match the code_challenge)" in caplog.text
    _nothing_happened(client, db)


def test_a_wrong_nonce_in_the_session_is_refused(client, db, caplog):
    params = begin(client)
    back = consent(client, params)
    _change_kept_state(client, params, nonce="another-nonce")
    _refused(client.get(path_of(back)), "không hợp lệ cho cổng này")
    assert "Invalid claim: 'nonce'" in caplog.text
    _nothing_happened(client, db)


def test_identity_claims_that_are_not_an_identification_number_are_refused(client, db, caplog):
    from tests.factories import csrf_token_from
    params = begin(client)
    page = client.get("/sandbox/vneid/authorize", query_string=params)
    answer = client.post("/sandbox/vneid/authorize", data={
        **params, "csrf_token": csrf_token_from(page.get_data(as_text=True)), "decision": "consent",
        "identity": "custom", "national_id": "12345", "full_name": "", "phone": "123"})
    # The sandbox itself refuses a malformed test identity, on its page.
    assert answer.status_code == 400
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in answer.get_data(as_text=True)
    _nothing_happened(client, db)


def test_an_id_token_from_another_issuer_is_refused(client, db, caplog, monkeypatch):
    from portal.sandbox_vneid import views
    params = begin(client)  # discovery read with the right issuer
    monkeypatch.setattr(views, "_issuer", lambda: "https://gia-mao.example")
    _refused(client.get(path_of(consent(client, params))), "không hợp lệ cho cổng này")
    assert "Invalid claim: 'iss'" in caplog.text
    _nothing_happened(client, db)


def test_a_discovery_document_naming_another_issuer_is_refused(client, app, db, caplog, monkeypatch):
    from portal.auth.national_identity import EXTENSION
    from portal.sandbox_vneid import views
    app.extensions[EXTENSION].server_metadata.clear()  # read discovery again
    monkeypatch.setattr(views, "_issuer", lambda: "https://gia-mao.example")
    answer = client.get("/dang-nhap/vneid")
    assert answer.status_code == 503 and "Location" not in answer.headers
    assert "discovery names issuer 'https://gia-mao.example'" in caplog.text
    monkeypatch.undo()
    assert client.get("/dang-nhap/vneid").status_code == 302  # the good document is read again


def test_an_unreachable_provider_is_a_clear_page(tmp_path, caplog):
    import config
    from portal import create_app
    settings = config.TestConfig(tmp_path, f"sqlite:///{tmp_path / 'x.db'}")
    settings.VNEID_ISSUER = "http://127.0.0.1:9"  # discard port: nothing answers
    settings.VNEID_CLIENT_SECRET = "bi-mat"
    settings.VNEID_TIMEOUT = 2
    answer = create_app(settings).test_client().get("/dang-nhap/vneid")
    assert answer.status_code == 503
    assert "Không kết nối được hệ thống định danh điện tử" in answer.get_data(as_text=True)
    assert "national identity sign-in refused: unreachable (discovery:" in caplog.text


def test_two_first_sign_ins_at_once_are_a_page_not_an_error(client, db, caplog, monkeypatch):
    """The loser of the race on the unique identification number or subject gets a page asking to retry."""
    from sqlalchemy.exc import IntegrityError

    import portal.auth.national_identity as view

    def racing(issuer, subject, claims):
        raise IntegrityError("INSERT INTO national_identities", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(view, "account_for", racing)
    answer = sign_in(client)
    assert answer.status_code == 409
    assert "Vui lòng thử lại" in answer.get_data(as_text=True)
    assert "refused: conflict (UNIQUE constraint failed)" in caplog.text
    _nothing_happened(client, db)

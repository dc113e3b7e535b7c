"""The sandbox national portal: sessions, the checks the real one makes, idempotency, the pages, faults on
demand; and what the outbox does with its answers (refused -> failed, 500 -> retried, timeout -> retried and
kept once, a rejected session -> renewed)."""
import logging
import time

import pytest
from sqlalchemy import select, update

from tests.national.status_support import calm_sandbox  # noqa: F401  (autouse: no faults left)
from tests.national.status_support import outbox_rows, statuses, submitted

API = "/sandbox/dvcqg/api"


def token(client, app, secret=None):
    from portal.national.status import client_secret
    response = client.post("/sandbox/dvcqg/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app.config["DVCQG_CLIENT_ID"],
        "client_secret": secret if secret is not None else client_secret(app)})
    return response


def bearer(client, app):
    response = token(client, app)
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def record(**changes):
    base = {
        "MaHoSo": "000.21.31.H62-261203-0001", "MaTTHC": "1.004873", "TenTTHC": "Xác nhận tình trạng hôn nhân",
        "ChuHoSo": "Nguyễn Văn Bình", "MaDonViTiepNhan": "000.21.31.H62", "KenhThucHien": "2",
        "NgayNopHoSo": "20261203080000", "NgayTiepNhan": "", "NgayHenTra": "", "TrangThaiHoSo": "1",
        "ThoiDiemXuLy": "20261203080000", "DanhSachHoSoBoSung": [], "DanhSachGiaHan": [],
        "DanhSachGiayToKetQua": []}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def sync(client, headers, *records, key=None):
    sent = dict(headers, **({"Idempotency-Key": key} if key else {}))
    return client.post(API, json={"service": "DongBoHoSoMC", "madonvi": "000.00.00.H62", "isUpdating": False,
                                  "data": list(records)}, headers=sent)


def test_a_session_needs_the_client_secret(client, app, demo):
    assert token(client, app, secret="wrong").status_code == 401
    assert client.post(API, json={"service": "TraCuuHoSo", "mahoso": "x"}).status_code == 401
    forged = {"Authorization": "Bearer not-a-token"}
    assert client.post(API, json={"service": "TraCuuHoSo", "mahoso": "x"}, headers=forged).status_code == 401
    answer = client.post(API, json={"service": "TraCuuHoSo", "mahoso": "x"}, headers=bearer(client, app))
    assert answer.status_code == 200 and answer.get_json()["result"] == []


@pytest.mark.parametrize("changes, field", [
    ({"MaTTHC": None}, "MaTTHC"),
    ({"MaTTHC": "9.999999"}, "MaTTHC"),  # well formed, not in the national catalogue
    ({"MaTTHC": "1-004873"}, "MaTTHC"),
    ({"MaHoSo": "HS-0001"}, "MaHoSo"),
    ({"MaHoSo": "000.21.31.H62-261341-0001"}, "MaHoSo"),  # month 13
    ({"TrangThaiHoSo": "11"}, "TrangThaiHoSo"),
    ({"TrangThaiHoSo": "0"}, "TrangThaiHoSo"),
    ({"KenhThucHien": "4"}, "KenhThucHien"),
    ({"NgayNopHoSo": "2026-12-03"}, "NgayNopHoSo"),
    ({"TrangThaiHoSo": "4"}, "NgayTiepNhan"),  # processing without a receipt
    ({"TrangThaiHoSo": "2", "NgayTiepNhan": "20261203090000", "NgayHenTra": "20261201170000"}, "NgayHenTra"),
    ({"DanhSachGiayToKetQua": [{"TenGiayTo": "Giấy xác nhận"}]}, "DanhSachGiayToKetQua"),
])
def test_the_sandbox_refuses_what_the_national_portal_refuses(client, app, demo, changes, field, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.national.sandbox"):
        answer = sync(client, bearer(client, app), record(**changes))
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["error_code"] == "-1"
    assert field in {error["field"] for error in body["errors"]}
    assert "refused DongBoHoSoMC" in caplog.text
    assert statuses(client, "000.21.31.H62-261203-0001") == []


def test_nothing_follows_the_end_and_nothing_older_replaces_newer(client, app, demo):
    headers = bearer(client, app)
    done = record(TrangThaiHoSo="10", NgayTiepNhan="20261203090000", NgayHenTra="20261208170000",
                  NgayTra="20261207100000", ThoiDiemXuLy="20261207100000")
    assert sync(client, headers, done, key="k1").status_code == 200
    again = sync(client, headers, dict(done, TrangThaiHoSo="4"), key="k2")
    assert again.status_code == 400 and "kết thúc" in again.get_json()["errors"][0]["message"]
    other = "000.21.31.H62-261203-0002"
    assert sync(client, headers, record(MaHoSo=other, ThoiDiemXuLy="20261203100000"), key="k3").status_code == 200
    older = sync(client, headers, record(MaHoSo=other, ThoiDiemXuLy="20261203090000", TrangThaiHoSo="7"), key="k4")
    assert older.status_code == 400 and older.get_json()["errors"][0]["field"] == "ThoiDiemXuLy"


def test_the_same_key_is_kept_once(client, app, demo):
    headers = bearer(client, app)
    first = sync(client, headers, record(), key="same")
    second = sync(client, headers, record(), key="same")
    assert first.get_json()["result"][0]["result"] == "created"
    assert second.status_code == 200 and second.get_json()["result"][0]["result"] == "duplicate"
    assert statuses(client, "000.21.31.H62-261203-0001") == [1]
    held = client.post(API, json={"service": "TraCuuHoSo", "mahoso": "000.21.31.H62-261203-0001"},
                       headers=headers).get_json()["result"]
    assert [h["TrangThaiHoSo"] for h in held] == ["1"]


def test_messages_need_a_code_and_the_page_is_labelled(client, app, demo):
    assert client.get("/sandbox/dvcqg/messages").status_code == 400
    sync(client, bearer(client, app), record(), key="page")
    page = client.get("/sandbox/dvcqg/?code=000.21.31.H62-261203-0001")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "MÔI TRƯỜNG THỬ NGHIỆM" in html and "Môi trường thử nghiệm" in html
    assert "000.21.31.H62-261203-0001" in html and "Mới đăng ký" in html


def test_with_a_real_national_portal_the_sandbox_is_gone(client, app, demo, monkeypatch):
    monkeypatch.setitem(app.config, "DVCQG_URL", "https://dvcqg.example.vn/api")
    assert client.get("/sandbox/dvcqg/").status_code == 404
    assert client.post("/sandbox/dvcqg/oauth/token", data={}).status_code == 404


def test_control_needs_a_session_and_arms_faults(client, app, demo):
    assert client.post("/sandbox/dvcqg/control", json={"fault": "500"}).status_code == 401
    headers = bearer(client, app)
    assert client.post("/sandbox/dvcqg/control", json={"fault": "boom"}, headers=headers).status_code == 400
    assert client.post("/sandbox/dvcqg/control", json={"fault": "500", "times": 2}, headers=headers).status_code == 200
    assert sync(client, headers, record(), key="f1").status_code == 500
    assert sync(client, headers, record(), key="f1").status_code == 500
    assert sync(client, headers, record(), key="f1").status_code == 200
    client.post("/sandbox/dvcqg/control", json={"fault": "refuse"}, headers=headers)
    client.post("/sandbox/dvcqg/control", json={"clear": True}, headers=headers)
    assert sync(client, headers, record(), key="f2").status_code == 200


# -- through the outbox ---------------------------------------------------------------------------------

def _due_now(db, code):
    from portal.outbox.models import OutboxMessage
    db.session.execute(update(OutboxMessage).where(OutboxMessage.ordering_key == code)
                       .values(next_attempt_at=OutboxMessage.created_at))
    db.session.commit()


def _send_due(app):
    from portal.outbox.sender import send_due
    with app.app_context():
        return send_due()


def test_an_unknown_procedure_code_is_refused_and_the_message_failed(client, app, db, demo, caplog):
    from portal.national.mapping import set_mapping
    service = demo.service("xac-nhan-tinh-trang-hon-nhan")
    set_mapping(demo.user("admin@demo.vn"), service, None, "9.999999")
    db.session.commit()
    with caplog.at_level(logging.WARNING):
        application = submitted(db, demo)
    [row] = outbox_rows(db, application.code)
    assert row.state == "failed"
    assert "MaTTHC" in row.last_error and "9.999999" in row.last_error
    assert "FAILED" in caplog.text
    assert statuses(client, application.code) == []


def test_a_message_without_procedure_code_is_refused_and_failed(client, app, db, demo):
    from portal.national.status import build_envelope, latest_event
    from portal.outbox import put
    application = submitted(db, demo)
    envelope = build_envelope(application, latest_event(application))
    del envelope["data"][0]["MaTTHC"]
    put("dvcqg", envelope, key=f"{application.code}:hand-made", ordering_key=application.code,
        application_id=application.id)
    db.session.commit()
    rows = outbox_rows(db, application.code)
    assert [r.state for r in rows] == ["sent", "failed"]
    assert "Thiếu trường bắt buộc MaTTHC" in rows[1].last_error


def test_500_then_success_delivers_once_with_the_same_key(client, app, db, demo, caplog):
    from portal.national.sandbox import arm_fault
    arm_fault(app, "500")
    with caplog.at_level(logging.WARNING):
        application = submitted(db, demo)
    [row] = outbox_rows(db, application.code)
    assert row.state == "pending" and row.attempts == 1 and "HTTP 500" in row.last_error
    assert "retried in" in caplog.text
    assert statuses(client, application.code) == []
    _due_now(db, application.code)
    assert _send_due(app).sent == 1
    [row] = outbox_rows(db, application.code)
    assert row.state == "sent" and row.attempts == 2
    assert statuses(client, application.code) == [1]


def test_a_refusing_portal_fails_the_message_and_a_retry_delivers_it(client, app, db, demo):
    from portal.national.sandbox import arm_fault
    arm_fault(app, "refuse")
    application = submitted(db, demo)
    [row] = outbox_rows(db, application.code)
    assert row.state == "failed" and "HTTP 400" in row.last_error
    from portal.outbox.models import OutboxMessage
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
                       .values(state="pending", next_attempt_at=OutboxMessage.created_at))
    db.session.commit()
    assert _send_due(app).sent == 1
    assert statuses(client, application.code) == [1]


def test_a_rejected_session_is_renewed_once(client, app, db, demo):
    from portal.national.sandbox import arm_fault
    arm_fault(app, "unauthorized")
    application = submitted(db, demo)
    assert [r.state for r in outbox_rows(db, application.code)] == ["sent"]
    assert statuses(client, application.code) == [1]


def test_a_timeout_is_retried_and_the_portal_keeps_the_message_once(client, app, db, demo, monkeypatch):
    """Over real HTTP: the sandbox takes longer than DVCQG_TIMEOUT but does the work; the sender gives up,
    retries with the same key, and the sandbox keeps one message."""
    from portal.national.sandbox import arm_fault
    from portal.national.status import TOKENS
    from tests.live_server import serve
    with serve(app) as base:
        monkeypatch.setitem(app.config, "DVCQG_URL", base + "/sandbox/dvcqg")
        monkeypatch.setitem(app.config, "DVCQG_TIMEOUT", 1)
        arm_fault(app, "timeout", delay=1.6)
        application = submitted(db, demo)
        [row] = outbox_rows(db, application.code)
        assert row.state == "pending" and "timeout" in row.last_error
        deadline = time.monotonic() + 15
        while statuses(client, application.code) == [] and time.monotonic() < deadline:
            time.sleep(0.2)  # the sandbox finishes the slow call after the sender gave up on it
        assert statuses(client, application.code) == [1]
        _due_now(db, application.code)
        assert _send_due(app).sent == 1
    TOKENS.forget((base + "/sandbox/dvcqg", app.config["DVCQG_CLIENT_ID"]))
    from portal.national.models import SandboxMessage
    assert len(db.session.scalars(select(SandboxMessage).where(
        SandboxMessage.ma_ho_so == application.code)).all()) == 1
    assert [r.state for r in outbox_rows(db, application.code)] == ["sent"]

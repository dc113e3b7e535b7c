"""A sender killed (SIGKILL, a real subprocess) between delivering and recording: the message is delivered
again and the receiver keeps one. E-mail and SMS delivered twice leave one copy. The CLI."""
import os
import signal
import subprocess
import sys
from pathlib import Path

from portal.outbox.models import OutboxMessage
from portal.outbox.sender import Message, send_due
from tests.outbox import destinations
from tests.outbox.conftest import make_due, rows

PROJECT = Path(__file__).resolve().parents[2]
SENDER = """
from portal import create_app
from portal.outbox.sender import send_due
import tests.outbox.destinations  # noqa: F401  (the test destinations)
with create_app().app_context():
    send_due()
"""


def test_a_sender_killed_after_delivering_and_before_recording_loses_nothing(
        app, db, receiver, tmp_path, caplog):
    caplog.set_level("INFO", logger="portal.outbox")
    # Written as a committed change writes it; no sender in this process picks it up first.
    db.session.add(OutboxMessage(destination="test-crash", key="k-crash", ordering_key="HS-9",
                                 payload={"n": 9}, state="pending", attempts=0))
    db.session.commit()
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL="",
               INSTANCE_PATH=str(tmp_path / "sender"), OUTBOX_TEST_DIE="1", PUBLIC_URL="http://localhost")
    done = subprocess.run([sys.executable, "-c", SENDER], cwd=PROJECT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert receiver.seen == ["k-crash"]  # it reached the receiver ...
    [row] = rows(db, "test-crash")
    assert row.state == "pending" and row.claimed_until is not None  # ... and the sender died holding it
    assert send_due().sent == 0  # its lease is still running: no second sender takes it yet
    make_due(db)  # the lease runs out
    assert send_due().sent == 1
    assert receiver.seen == ["k-crash", "k-crash"] and list(receiver.kept) == ["k-crash"]
    [row] = rows(db, "test-crash")
    assert row.state == "sent"
    assert any("delivered" in r.getMessage() and "k-crash" in r.getMessage() for r in caplog.records
               if r.name == "portal.outbox")


def _message(row) -> Message:
    return Message(id=row.id, destination=row.destination, key=row.key, ordering_key=row.ordering_key,
                   payload=row.payload, attempts=row.attempts)


def test_an_email_delivered_twice_is_one_file_in_the_file_outbox(app, db, demo, caplog):
    from portal.notifications.outboxed import send_mail
    from tests.notifications.flows import submitted
    caplog.set_level("INFO", logger="portal.notifications.mail")
    submitted(db, demo)
    [mail] = rows(db, "mail")
    assert mail.state == "sent" and mail.key == mail.payload["message_id"]
    files = list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 1
    send_mail(_message(mail))  # handed over again (a sender killed before it recorded the delivery)
    assert list(Path(app.config["OUTBOX_DIR"]).glob("*.eml")) == files
    assert any("not written twice" in r.getMessage() for r in caplog.records)


def test_an_sms_delivered_twice_is_sent_once(app, db, demo, caplog):
    from portal.notifications.outboxed import send_sms
    from tests.notifications.flows import submitted
    caplog.set_level("INFO", logger="portal.sms")
    application = submitted(db, demo)
    [sms] = rows(db, "sms")
    assert sms.state == "sent"
    send_sms(_message(sms))
    sent = [r for r in caplog.records if r.name == "portal.sms" and application.code in r.getMessage()]
    assert len(sent) == 1
    assert any("not sent twice" in r.getMessage() for r in caplog.records if r.name == "portal.sms")


def test_switched_off_the_outbox_writes_nothing_and_mail_goes_as_before(app, db, demo, monkeypatch):
    from tests.notifications.flows import submitted
    monkeypatch.setitem(app.config, "OUTBOX_ENABLED", False)
    submitted(db, demo)
    assert rows(db) == []
    assert len(list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))) == 1


def test_flask_outbox_status_send_and_retry(app, db):
    from portal.outbox import put
    runner = app.test_cli_runner()
    destinations.failing_keys.add("F")
    destinations.refused_keys.add("R")
    put("test-local", {}, key="f1", ordering_key="F")
    put("test-local", {}, key="r1", ordering_key="R")
    put("test-local", {}, key="ok", ordering_key="O")
    db.session.commit()
    out = runner.invoke(args=["outbox", "status"]).output
    assert "test-local" in out and "chờ gửi      1" in out and "đã gửi        1" in out and "thất bại     1" in out
    assert "Tin chờ lâu nhất:" in out and "Đang gửi lại sau lỗi: 1." in out
    failed = [m for m in rows(db, "test-local") if m.key == "r1"][0]
    assert f"#{failed.id} test-local failed r1" in out and "refused" in out

    destinations.failing_keys.clear()
    destinations.refused_keys.clear()
    out = runner.invoke(args=["outbox", "send"]).output
    assert "Đã gửi 0" in out  # f1 is not due before its back-off
    make_due(db)
    assert "Đã gửi 1" in runner.invoke(args=["outbox", "send"]).output

    bad = runner.invoke(args=["outbox", "retry"])
    assert bad.exit_code != 0 and "--all-failed" in bad.output
    result = runner.invoke(args=["outbox", "retry", "--all-failed"])
    assert result.exit_code == 0 and "Đã đưa 1 tin nhắn" in result.output
    assert {m.key: m.state for m in rows(db, "test-local")} == {"f1": "sent", "r1": "sent", "ok": "sent"}
    again = runner.invoke(args=["outbox", "retry", str(failed.id)])
    assert again.exit_code != 0 and "đã được gửi" in again.output

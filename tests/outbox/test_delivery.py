"""The outbox under failure: nothing sent for a rolled-back change, nothing missing for a committed one, a
receiver that fails, times out or refuses, ordering per key, leases, max attempts — each with a log line."""
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from portal.outbox import put
from portal.outbox.sender import claim, own_session, send_due
from portal.timeutil import utcnow
from tests.outbox import destinations
from tests.outbox.conftest import make_due, outbox_log, rows


def test_a_rolled_back_transaction_sends_nothing(app, db, receiver):
    put("test-http", {"n": 1}, key="rolled-back", ordering_key="A")
    db.session.rollback()
    assert rows(db, "test-http") == []
    assert send_due().sent == 0
    assert receiver.seen == []


def test_a_committed_message_is_delivered_after_the_commit_and_not_before(app, db, receiver):
    message = put("test-http", {"n": 1}, key="k-1", ordering_key="A")
    assert message.id and receiver.seen == []  # written, not sent, while the transaction is open
    db.session.commit()  # inline (no REDIS_URL): delivered right after the commit
    assert receiver.seen == ["k-1"] and receiver.kept == {"k-1": {"n": 1}}
    [row] = rows(db, "test-http")
    assert (row.state, row.attempts, row.sent_at is not None) == ("sent", 1, True)


def test_the_same_key_twice_is_one_message(app, db, receiver):
    first = put("test-http", {"n": 1}, key="same", ordering_key="A")
    again = put("test-http", {"n": 2}, key="same", ordering_key="A")
    db.session.commit()
    assert again.id == first.id and len(rows(db, "test-http")) == 1 and receiver.seen == ["same"]


def test_a_committed_state_change_always_has_its_messages_even_if_the_process_dies_after_the_commit(
        app, db, demo, monkeypatch):
    from portal.outbox import sender
    from tests.notifications.flows import submitted
    # The process "dies" right after the commit: nothing is delivered or queued by it.
    monkeypatch.setattr(sender, "kick", lambda ids: None)
    application = submitted(db, demo)
    mails = rows(db, "mail")
    assert len(mails) == 1 and mails[0].state == "pending"
    assert mails[0].payload["subject"] == f"Đã nhận hồ sơ {application.code}"
    assert not list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    # The sweep (flask outbox send, or the periodic RQ job) finds it.
    assert send_due().sent >= 2  # the e-mail and the SMS (and the national portal's status message)
    assert [m.state for m in rows(db, "mail")] == ["sent"]
    assert len(list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))) == 1


def test_a_500_then_a_200_is_retried_with_the_same_key_and_kept_once(app, db, receiver, caplog):
    caplog.set_level("INFO", logger="portal.outbox")
    receiver.answer_next(500)
    put("test-http", {"n": 1}, key="k-500", ordering_key="A")
    db.session.commit()
    [row] = rows(db, "test-http")
    assert (row.state, row.attempts) == ("pending", 1)
    assert "HTTP 500" in row.last_error
    wait = row.next_attempt_at - utcnow()
    assert timedelta(seconds=20) < wait <= timedelta(seconds=30)
    assert any("attempt 1 failed, retried in 30 s" in r.getMessage() and "HTTP 500" in r.getMessage()
               for r in outbox_log(caplog) if r.levelname == "WARNING")
    assert send_due().sent == 0  # not due yet
    make_due(db)
    assert send_due().sent == 1
    assert receiver.seen == ["k-500", "k-500"] and list(receiver.kept) == ["k-500"]
    [row] = rows(db, "test-http")
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, None)


def test_a_timeout_is_retried_and_the_receiver_keeps_one(app, db, receiver, caplog, monkeypatch):
    caplog.set_level("INFO", logger="portal.outbox")
    monkeypatch.setenv("OUTBOX_TEST_TIMEOUT", "0.3")
    receiver.answer_next(("sleep", 1.0))  # answers 200, but after the sender gave up
    put("test-http", {"n": 1}, key="k-slow", ordering_key="A")
    db.session.commit()
    [row] = rows(db, "test-http")
    assert row.state == "pending" and "timeout after 0.3 s" in row.last_error
    assert any("timeout" in r.getMessage() for r in outbox_log(caplog) if r.levelname == "WARNING")
    make_due(db)
    assert send_due().sent == 1
    assert receiver.seen == ["k-slow", "k-slow"] and list(receiver.kept) == ["k-slow"]


def test_a_refusal_fails_at_once_is_shown_to_admins_and_a_retry_delivers_it(app, db, demo, client, receiver,
                                                                            caplog):
    from portal.outbox.status import summary, troubled
    from tests.factories import csrf_token_from, login
    caplog.set_level("INFO", logger="portal.outbox")
    receiver.answer_next(422)
    put("test-http", {"n": 1}, key="k-422", ordering_key="HS-1")
    db.session.commit()
    [row] = rows(db, "test-http")
    assert (row.state, row.attempts) == ("failed", 1) and "refused: HTTP 422" in row.last_error
    assert any("FAILED" in r.getMessage() and "k-422" in r.getMessage()
               for r in outbox_log(caplog) if r.levelname == "ERROR")
    make_due(db)
    assert send_due().sent == 0 and receiver.seen == ["k-422"]  # no retry of a refusal
    assert [m.id for m in troubled()] == [row.id] and summary().count("test-http", "failed") == 1

    login(client, "admin@demo.vn")
    page = client.get("/quan-tri/hop-thu-di/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "k-422" in html and "HTTP 422" in html and "Thất bại" in html
    no_token = client.post(f"/quan-tri/hop-thu-di/{row.id}/gui-lai")
    assert no_token.status_code == 400 and rows(db, "test-http")[0].state == "failed"
    done = client.post(f"/quan-tri/hop-thu-di/{row.id}/gui-lai", data={"csrf_token": csrf_token_from(html)})
    assert done.status_code == 302
    [row] = rows(db, "test-http")  # delivered right after the request's commit
    assert row.state == "sent" and receiver.seen == ["k-422", "k-422"]
    assert "k-422" not in client.get("/quan-tri/hop-thu-di/").get_data(as_text=True)


def test_the_outbox_page_is_for_administrators_only(app, db, demo, client):
    from tests.factories import login
    assert client.get("/quan-tri/hop-thu-di/").status_code == 302  # to the sign-in page
    login(client, "citizen@demo.vn")
    assert client.get("/quan-tri/hop-thu-di/").status_code == 403


def test_retrying_an_unknown_or_sent_message_is_refused_on_the_page(app, db, demo, client):
    from tests.factories import csrf_token_from, login
    put("test-local", {}, key="sent-one", ordering_key="S")
    db.session.commit()
    [row] = rows(db, "test-local")
    login(client, "admin@demo.vn")
    token = csrf_token_from(client.get("/quan-tri/hop-thu-di/").get_data(as_text=True))
    for message_id, said in ((row.id, "Tin nhắn đã được gửi"), (999999, "Không có tin nhắn này")):
        answer = client.post(f"/quan-tri/hop-thu-di/{message_id}/gui-lai", data={"csrf_token": token},
                             follow_redirects=True)
        assert answer.status_code == 200 and said in answer.get_data(as_text=True)
    assert destinations.delivered == [("sent-one", 0)]  # not sent again


def test_a_failing_message_holds_its_own_key_but_not_the_others(app, db, caplog):
    caplog.set_level("INFO", logger="portal.outbox")
    destinations.failing_keys.add("A")
    put("test-local", {}, key="a1", ordering_key="A")
    put("test-local", {}, key="a2", ordering_key="A")
    put("test-local", {}, key="b1", ordering_key="B")
    db.session.commit()
    assert destinations.delivered == [("b1", 0)]
    state = {m.key: (m.state, m.attempts) for m in rows(db, "test-local")}
    assert state == {"a1": ("pending", 1), "a2": ("pending", 0), "b1": ("sent", 1)}
    make_due(db)
    send_due()
    assert destinations.delivered == [("b1", 0)]  # a2 still waits behind a1
    destinations.failing_keys.clear()
    make_due(db)
    assert send_due().sent == 2
    assert destinations.delivered == [("b1", 0), ("a1", 2), ("a2", 0)]  # in order within A


def test_a_failed_message_no_longer_holds_its_key(app, db):
    destinations.refused_keys.add("C")
    put("test-local", {}, key="c1", ordering_key="C")
    db.session.commit()
    destinations.refused_keys.clear()
    put("test-local", {}, key="c2", ordering_key="C")
    db.session.commit()
    assert {m.key: m.state for m in rows(db, "test-local")} == {"c1": "failed", "c2": "sent"}


def test_back_off_grows_and_the_last_attempt_fails_the_message(app, db, caplog, monkeypatch):
    caplog.set_level("INFO", logger="portal.outbox")
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    destinations.failing_keys.add("D")
    put("test-local", {}, key="d1", ordering_key="D")
    db.session.commit()
    waits = []
    for _ in range(2):
        [row] = rows(db, "test-local")
        waits.append(round((row.next_attempt_at - utcnow()).total_seconds() / 10) * 10)
        make_due(db)
        send_due()
    assert waits == [30, 120]
    [row] = rows(db, "test-local")
    assert (row.state, row.attempts) == ("failed", 3) and "gave up after 3 attempts" in row.last_error
    assert any("gave up after 3 attempts" in r.getMessage() for r in outbox_log(caplog)
               if r.levelname == "ERROR")


def test_a_claimed_message_is_not_taken_twice_until_its_lease_runs_out(app, db):
    from portal.outbox import sender
    with own_session() as one:
        message_id = put("test-local", {}, key="leased", ordering_key="L").id
        original_kick = sender.kick
        sender.kick = lambda ids: None  # nobody delivers at the commit: two senders race for it
        try:
            db.session.commit()
        finally:
            sender.kick = original_kick
        first = claim(one, message_id)
        with own_session() as two:
            assert first is not None and claim(two, message_id) is None
            assert send_due().sent == 0  # the sweep leaves a claimed message alone
            make_due(db)  # the first sender died: its lease runs out
            second = claim(two, message_id)
            assert second is not None and second[1] != first[1]


def test_an_unknown_destination_fails_for_an_administrator(app, db, caplog):
    caplog.set_level("INFO", logger="portal.outbox")
    put("nowhere", {}, key="x", ordering_key="X")
    db.session.commit()
    [row] = rows(db, "nowhere")
    assert row.state == "failed" and "no destination 'nowhere'" in row.last_error


def test_a_payload_that_is_not_json_is_refused_in_the_callers_transaction(app, db):
    import pytest
    with pytest.raises(ValueError, match="not plain JSON"):
        put("test-local", {"when": utcnow()}, key="bad", ordering_key="B")
    db.session.rollback()
    assert db.session.execute(select(1)).scalar() == 1 and rows(db) == []

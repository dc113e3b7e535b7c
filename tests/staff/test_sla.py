"""The deadline sweep (`flask --app portal sla sweep`): flags overdue applications once, e-mails each unit's
leaders what is overdue or due by the next working day (to the outbox folder), and sends nothing new when run
again the same day."""
import email
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import make_application
from tests.operations.helpers import COMMUNE_SERVICE, fresh


def _accepted(db, demo, unit_slug, due, state_action=None):
    from portal.operations.transitions import fire
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, unit_slug)
    fire(application, "accept", demo.staff("receiver", unit_slug))
    if state_action:
        fire(application, state_action, demo.staff("handler", unit_slug), note="Thiếu giấy tờ.")
    db.session.commit()
    application.due_date = due
    db.session.commit()
    return fresh(db, application)


def _mails(app, to):
    found = []
    for path in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            found.append(message)
    return found


def _body(message):
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def board(db, demo):
    from portal.operations.calendar import current_calendar
    from portal.timeutil import vn_today
    today = vn_today()
    calendar = current_calendar()
    return {
        "overdue": _accepted(db, demo, "tam-hong", today - timedelta(days=3)),
        "today": _accepted(db, demo, "tam-hong", today),
        "next": _accepted(db, demo, "tam-hong", calendar.next_working_day(today)),
        "later": _accepted(db, demo, "tam-hong", calendar.add_working_days(today, 5)),
        "paused": _accepted(db, demo, "tam-hong", today - timedelta(days=3),
                            state_action="request_supplement"),
        "elsewhere": _accepted(db, demo, "dong-van", today - timedelta(days=1)),
    }


def test_sweep_flags_emails_and_is_idempotent(app, db, demo, board):
    from portal.models import SlaNotice
    versions = {name: a.version for name, a in board.items()}
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sla", "sweep"])
    assert result.exit_code == 0, result.output
    assert "2 newly overdue" in result.output

    flagged = {name for name, a in board.items() if fresh(db, a).overdue_at is not None}
    assert flagged == {"overdue", "elsewhere"}  # the paused one waits for the citizen, not the office
    # the flag does not make the staff's open pages stale
    assert {name: fresh(db, a).version for name, a in board.items()} == versions
    first_flag = fresh(db, board["overdue"]).overdue_at

    mails = _mails(app, "leader.tam-hong@demo.vn")
    assert len(mails) == 1
    body = _body(mails[0])
    for name in ("overdue", "today", "next"):
        assert board[name].code in body, name
    for name in ("later", "paused", "elsewhere"):
        assert board[name].code not in body, name
    assert "HỒ SƠ QUÁ HẠN (1)" in body and "HỒ SƠ ĐẾN HẠN HÔM NAY (1)" in body
    assert f"http://localhost/can-bo/ho-so/{board['overdue'].id}" in body
    assert "Ủy ban nhân dân xã Tam Hồng" in mails[0]["Subject"]
    other = _mails(app, "leader.dong-van@demo.vn")
    assert len(other) == 1 and board["elsewhere"].code in _body(other[0])
    assert not _mails(app, "leader.yen-lac@demo.vn")  # nothing due there: no e-mail
    assert not _mails(app, "handler.tam-hong@demo.vn")

    again = runner.invoke(args=["sla", "sweep"])
    assert again.exit_code == 0, again.output
    assert "0 newly overdue, 0 e-mail(s)" in again.output
    assert "2 unit(s) already notified today" in again.output
    assert len(_mails(app, "leader.tam-hong@demo.vn")) == 1
    assert len(_mails(app, "leader.dong-van@demo.vn")) == 1
    assert fresh(db, board["overdue"]).overdue_at == first_flag
    assert db.session.scalar(select(func.count()).select_from(SlaNotice)) == 2


def test_next_day_sends_a_new_digest(app, db, demo, board):
    from portal.timeutil import vn_today
    runner = app.test_cli_runner()
    assert runner.invoke(args=["sla", "sweep"]).exit_code == 0
    tomorrow = (vn_today() + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["sla", "sweep", "--day", tomorrow])
    assert result.exit_code == 0, result.output
    assert len(_mails(app, "leader.tam-hong@demo.vn")) == 2


def test_every_active_leader_of_the_unit_is_told(app, db, demo, board):
    from tests.operations.races import add_staff
    add_staff(db, demo, "leader", "tam-hong", "pho.chu.tich.tam-hong@demo.vn")
    assert app.test_cli_runner().invoke(args=["sla", "sweep"]).exit_code == 0
    assert len(_mails(app, "leader.tam-hong@demo.vn")) == 1
    assert len(_mails(app, "pho.chu.tich.tam-hong@demo.vn")) == 1


def test_sweep_rejects_a_bad_day(app, db, demo):
    result = app.test_cli_runner().invoke(args=["sla", "sweep", "--day", "27/11/2026"])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output


def test_nothing_due_means_no_mail_and_no_notice(app, db, demo):
    from portal.models import SlaNotice
    result = app.test_cli_runner().invoke(args=["sla", "sweep"])
    assert result.exit_code == 0, result.output
    assert "0 e-mail(s) to 0 unit(s)" in result.output
    assert db.session.scalar(select(func.count()).select_from(SlaNotice)) == 0

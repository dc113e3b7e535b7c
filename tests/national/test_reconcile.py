"""`flask national reconcile`: what the national portal holds against the portal's own states; the
difference is sent again (a new outbox message), --dry-run only lists it; and the report's national_synced."""
import logging

from sqlalchemy import update

from tests.national.status_support import calm_sandbox  # noqa: F401  (autouse: no faults left)
from tests.national.status_support import (HANDLER, LEADER, RECEIVER, outbox_rows, statuses, submitted,
                                           whole_life)
from tests.operations.helpers import Api


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["national", "reconcile", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_in_sync_nothing_is_resent(client, app, db, demo):
    application = submitted(db, demo)
    Api(client, db).ok(RECEIVER, application, "accept")
    output = run(app)
    assert "1 khớp" in output and "đã gửi lại 0" in output
    assert len(outbox_rows(db, application.code)) == 2


def test_a_record_the_national_portal_lost_is_sent_again(client, app, db, demo, caplog):
    from portal.national.models import SandboxDossier
    from portal.national.sandbox import forget
    application = submitted(db, demo)
    Api(client, db).ok(RECEIVER, application, "accept")
    assert forget(application.code)
    db.session.commit()
    dry = run(app, "--dry-run")
    assert f"{application.code}: (không có)" in dry and "1 Cổng DVCQG chưa có" in dry and "sẽ gửi lại 1" in dry
    assert len(outbox_rows(db, application.code)) == 2
    assert db.session.get(SandboxDossier, application.code) is None
    with caplog.at_level(logging.INFO, logger="portal.national.reconcile"):
        output = run(app)
    assert "đã gửi lại 1" in output and f"resent {application.code}" in caplog.text
    rows = outbox_rows(db, application.code)
    assert len(rows) == 3 and rows[-1].state == "sent" and ":r" in rows[-1].key
    assert rows[-1].payload["isUpdating"] is False and rows[1].payload["isUpdating"] is True
    db.session.expire_all()
    assert db.session.get(SandboxDossier, application.code).trang_thai == 2
    assert statuses(client, application.code) == [1, 2, 2]
    assert "1 khớp" in run(app)


def test_a_status_that_never_arrived_is_repaired(client, app, db, demo):
    from portal.national.sandbox import arm_fault
    api = Api(client, db)
    application = submitted(db, demo)
    api.ok(RECEIVER, application, "accept")
    arm_fault(app, "refuse")
    api.ok(HANDLER, application, "submit_for_approval")
    assert [r.state for r in outbox_rows(db, application.code)] == ["sent", "sent", "failed"]
    assert statuses(client, application.code) == [1, 2]
    output = run(app, "--code", application.code)
    assert "TrangThaiHoSo" in output and "1 khác nhau" in output
    assert statuses(client, application.code) == [1, 2, 4]


def test_a_pending_message_is_left_to_the_sender(client, app, db, demo):
    from portal.national.sandbox import arm_fault
    arm_fault(app, "500")
    application = submitted(db, demo)
    assert [r.state for r in outbox_rows(db, application.code)] == ["pending"]
    output = run(app)
    assert "1 đang chờ gửi" in output
    assert len(outbox_rows(db, application.code)) == 1


def test_an_unreachable_portal_is_counted_not_fatal(client, app, db, demo):
    from portal.national.sandbox import arm_fault
    application = submitted(db, demo)
    arm_fault(app, "500")
    output = run(app)
    assert "1 lỗi khi tra cứu" in output and application.code in output


def test_national_synced_counts_the_delivered(client, app, db, demo):
    from portal.national.sandbox import arm_fault
    from portal.outbox.models import OutboxMessage
    from portal.timeutil import vn_today
    from tests.factories import api_token
    delivered = whole_life(client, db, demo)
    arm_fault(app, "refuse")
    never = submitted(db, demo)
    assert [r.state for r in outbox_rows(db, never.code)] == ["failed"]
    headers = api_token(client, LEADER)
    today = vn_today().isoformat()
    query = {"unit": "tam-hong", "from": today, "to": today}
    summary = client.get("/api/v1/reports/summary", headers=headers, query_string=query).get_json()
    assert summary["national_synced"] == 1
    assert summary["received"]["online"] == 2
    db.session.execute(update(OutboxMessage).where(OutboxMessage.ordering_key == delivered.code)
                       .values(state="failed"))
    db.session.commit()
    summary = client.get("/api/v1/reports/summary", headers=headers, query_string=query).get_json()
    assert summary["national_synced"] == 0


def test_batches_cover_every_application(client, app, db, demo, monkeypatch):
    from portal.national import reconcile as module
    from portal.national.sandbox import forget
    monkeypatch.setattr(module, "BATCH", 1)
    applications = [submitted(db, demo) for _ in range(3)]
    for application in applications[1:]:
        assert forget(application.code)
    db.session.commit()
    output = run(app)
    assert "Đã đối chiếu 3 hồ sơ: 1 khớp, 2 Cổng DVCQG chưa có" in output and "đã gửi lại 2" in output
    assert "3 khớp" in run(app)

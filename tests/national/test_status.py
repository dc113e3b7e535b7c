"""Every transition of an application with a code sends its national status through the outbox, in the
transaction of the transition; the sandbox national portal shows them in order."""
from sqlalchemy import select

from tests.factories import make_application
from tests.national.status_support import calm_sandbox  # noqa: F401  (autouse: no faults left)
from tests.national.status_support import (CITIZEN, TH, outbox_rows, sandbox_messages, statuses,
                                           submitted, whole_life)
from tests.operations.helpers import Api, fresh


def test_a_whole_life_reaches_the_national_portal_in_order(client, db, demo):
    application = whole_life(client, db, demo)
    assert application.state == "completed"
    # submit 1, accept 2 (received), supplement 5, resubmit 4, reschedule 4, approve_reschedule 4,
    # submit_for_approval 4, approve 9, deliver 10
    assert statuses(client, application.code) == [1, 2, 5, 4, 4, 4, 4, 9, 10]
    rows = outbox_rows(db, application.code)
    assert [row.state for row in rows] == ["sent"] * 9
    from portal.models import Event
    event_ids = db.session.scalars(select(Event.id).where(Event.application_id == application.id)
                                   .order_by(Event.id)).all()
    assert [row.key for row in rows] == [f"{application.code}:{event_id}" for event_id in event_ids]
    assert {m["MaHoSo"] for m in sandbox_messages(client, application.code)} == {application.code}


def test_the_last_record_carries_the_histories_and_the_result(client, db, demo):
    from portal.national.models import SandboxDossier
    application = whole_life(client, db, demo)
    held = db.session.get(SandboxDossier, application.code).record
    assert held["TrangThaiHoSo"] == "10"
    assert held["MaTTHC"] == application.service_version.code
    assert held["KenhThucHien"] == "2"
    assert held["MaDonViTiepNhan"] == demo.unit(TH).code
    assert held["TenDonViTiepNhan"] == demo.unit(TH).name
    assert len(held["NgayTiepNhan"]) == 14 and held["NgayTiepNhan"].isdigit()
    assert held["NgayHenTra"] == application.due_date.strftime("%Y%m%d") + "170000"
    assert held["NgayTra"] != ""
    [supplement] = held["DanhSachHoSoBoSung"]
    assert supplement["NoiDungBoSung"] == "Thiếu bản sao giấy tờ."
    assert supplement["TrangThaiBoSung"] == "1" and supplement["NgayTiepNhanBoSung"] != ""
    assert supplement["NgayHenTraTruoc"] != "" and supplement["NgayHenTraMoi"] != ""
    [extension] = held["DanhSachGiaHan"]
    assert extension["NgayHenTraMoi"] == held["NgayHenTra"]
    assert extension["NgayHenTraTruoc"] < extension["NgayHenTraMoi"]
    results = held["DanhSachGiayToKetQua"]
    from portal.models import Document
    result = db.session.scalars(select(Document).where(Document.application_id == application.id,
                                                       Document.kind == "result")).one()
    assert [r["GiayToId"] for r in results] == [result.code]


def test_a_draft_sends_nothing_and_a_refused_action_sends_nothing(client, db, demo):
    draft = make_application(db, demo.citizen, service_slug="xac-nhan-tinh-trang-hon-nhan", unit_slug=TH,
                             submit=False)
    from portal.outbox.models import OutboxMessage
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.destination == "dvcqg")).all() == []
    application = submitted(db, demo)
    api = Api(client, db)
    # A citizen may not accept: the action is refused, its transaction rolled back, no message written.
    refused = api.fire(CITIZEN, application, "accept")
    assert refused.status_code in (403, 422)
    assert len(outbox_rows(db, application.code)) == 1
    assert fresh(db, draft).code is None


def test_a_counter_application_is_sent_as_channel_1(client, db, demo):
    from tests.counter.helpers import desk, walk_in
    body = walk_in(client, desk(client))
    code = body["code"]
    assert statuses(client, code) == [1, 2]
    from portal.national.models import SandboxDossier
    assert db.session.get(SandboxDossier, code).record["KenhThucHien"] == "1"


def test_the_status_message_is_written_in_the_transaction_of_the_transition(app, db, demo):
    """A transition rolled back takes its message with it; a committed one always has it."""
    from portal.operations.transitions import fire
    application = submitted(db, demo)
    receiver = demo.staff("receiver", TH)
    fire(application, "accept", receiver)
    assert len([m for m in db.session.new if m.__class__.__name__ == "OutboxMessage"]) == 0  # flushed already
    assert len(outbox_rows_in_session(db, application.code)) == 2
    db.session.rollback()
    assert len(outbox_rows(db, application.code)) == 1
    fire(fresh(db, application), "accept", receiver)
    db.session.commit()
    assert len(outbox_rows(db, application.code)) == 2


def outbox_rows_in_session(db, code):
    from portal.outbox.models import OutboxMessage
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.ordering_key == code)).all()


def test_an_application_from_the_national_portal_is_sent_under_its_national_code(client, db, demo):
    from portal.national.models import SandboxDossier
    application = submitted(db, demo)
    application.national_code = "QG-261203-0A1B2C3D"
    db.session.commit()
    Api(client, db).ok("receiver.tam-hong@demo.vn", application, "accept")
    messages = sandbox_messages(client, application.code)
    assert [(m["MaHoSo"], m["MaHoSoDonVi"]) for m in messages] == [
        (application.code, application.code), ("QG-261203-0A1B2C3D", application.code)]
    assert [m["TrangThaiHoSo"] for m in sandbox_messages(client, "QG-261203-0A1B2C3D")] == [2]
    assert db.session.get(SandboxDossier, "QG-261203-0A1B2C3D").record["MaHoSoDonVi"] == application.code


def test_with_the_outbox_switched_off_nothing_is_built_or_sent(client, app, db, demo, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_ENABLED", False)
    application = submitted(db, demo)
    assert outbox_rows(db, application.code) == []
    assert statuses(client, application.code) == []

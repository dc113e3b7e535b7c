"""Level 3: the fee is taken at the desk and recorded by the receiver holding the application."""
import pytest
from sqlalchemy import func, select

from portal.models import Document, Event, Payment
from portal.operations.transitions import fire
from tests.factories import api_token, login, make_application, post_form, valid_data

SERVICE = "chung-thuc-ban-sao-tu-ban-chinh"  # level 3, per-page fee
UNIT = "tam-hong"


@pytest.fixture
def awaiting(demo, db):
    data = valid_data(SERVICE, pages=5, copies=2)
    application = make_application(db, demo.citizen, SERVICE, UNIT, data=data)
    fire(application, "accept", demo.staff("receiver", UNIT))
    db.session.commit()
    assert application.state == "awaiting_payment"
    assert application.fee_amount == 2 * (2 * 2000 + 3 * 1000)
    return application


def desk_url(application):
    return f"/payments/applications/{application.id}/desk"


def test_the_receiver_records_the_fee_taken_at_the_desk(app, db, demo, client, awaiting):
    receiver = demo.staff("receiver", UNIT)
    login(client, receiver.email)
    page = client.get(desk_url(awaiting))
    assert page.status_code == 200
    assert "14.000 ₫" in page.text and "Ghi nhận đã thu phí tại quầy" in page.text
    answer = post_form(client, desk_url(awaiting), {"note": "Biên lai giấy số 0012345"})
    assert answer.status_code == 303

    db.session.rollback()
    assert awaiting.state == "processing" and awaiting.paid_at is not None
    [event] = db.session.scalars(select(Event).where(Event.application_id == awaiting.id,
                                                     Event.action == "pay")).all()
    assert (event.role, event.actor_id, event.note) == ("receiver", receiver.id, "Biên lai giấy số 0012345")
    [payment] = db.session.scalars(select(Payment).where(Payment.application_id == awaiting.id)).all()
    assert (payment.provider, payment.state, payment.amount, payment.recorded_by_id) == (
        "desk", "paid", 14_000, receiver.id)
    assert db.session.scalar(select(func.count()).select_from(Document).where(
        Document.application_id == awaiting.id, Document.kind == "payment_receipt")) == 1

    # Recorded once: the page no longer offers it, and a replayed form is refused.
    assert "Ghi nhận đã thu phí tại quầy</button>" not in client.get(desk_url(awaiting)).text
    assert post_form(client, desk_url(awaiting), {}).status_code == 422
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_only_the_receiver_holding_it_records_a_desk_payment(app, db, demo, awaiting):
    handler = app.test_client()
    login(handler, demo.staff("handler", UNIT).email)
    assert "Ghi nhận đã thu phí tại quầy</button>" not in handler.get(desk_url(awaiting)).text
    assert post_form(handler, desk_url(awaiting), {}).status_code == 403
    elsewhere = app.test_client()
    login(elsewhere, demo.staff("receiver", "dong-van").email)
    assert elsewhere.get(desk_url(awaiting)).status_code == 404
    citizen = app.test_client()
    login(citizen, "citizen@demo.vn")
    assert citizen.get(desk_url(awaiting)).status_code == 404
    db.session.rollback()
    assert awaiting.state == "awaiting_payment"
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_level_3_fee_cannot_be_paid_online(app, db, demo, client, awaiting):
    login(client, "citizen@demo.vn")
    page = client.get(f"/payments/applications/{awaiting.id}")
    assert "nộp phí, lệ phí trực tiếp tại Bộ phận một cửa" in page.text
    assert post_form(client, f"/payments/applications/{awaiting.id}", {}).status_code == 422
    headers = api_token(client, "citizen@demo.vn")
    refused = client.post(f"/api/v1/applications/{awaiting.id}/payments", headers=headers)
    assert refused.status_code == 422 and refused.get_json()["code"] == "not_level_4"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_the_api_records_a_desk_payment_with_optimistic_locking(app, db, demo, client, awaiting):
    headers = api_token(client, demo.staff("receiver", UNIT).email)
    url = f"/api/v1/applications/{awaiting.id}/payments/desk"
    stale = client.post(url, json={"version": awaiting.version - 1}, headers=headers)
    assert stale.status_code == 409
    answer = client.post(url, json={"version": awaiting.version, "note": "Thu tiền mặt"}, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["provider"] == "desk" and answer.get_json()["state"] == "paid"
    again = client.post(url, json={}, headers=headers)
    assert again.status_code == 422
    db.session.rollback()
    assert awaiting.state == "processing"
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_a_fee_confirmed_online_meanwhile_is_not_taken_again_at_the_desk(app, db, demo, client, awaiting):
    # The gateway's confirmation is stored while the receiver's page still shows the fee as due: the database
    # holds one paid payment per application, and the receiver is told (409), not shown a 500.
    from portal.timeutil import utcnow
    db.session.add(Payment(application_id=awaiting.id, provider="vnpay", txn_ref="HSMEANWHILE", state="paid",
                           amount=awaiting.fee_amount, paid_at=utcnow(), created_at=utcnow()))
    db.session.commit()
    headers = api_token(client, demo.staff("receiver", UNIT).email)
    answer = client.post(f"/api/v1/applications/{awaiting.id}/payments/desk", json={"version": awaiting.version},
                         headers=headers)
    assert answer.status_code == 409 and answer.get_json()["code"] == "already_paid"
    db.session.rollback()
    assert [p.provider for p in db.session.scalars(select(Payment))] == ["vnpay"]
    assert awaiting.state == "awaiting_payment"

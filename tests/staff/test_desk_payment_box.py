"""One way to take the fee at the desk: the workflow's `pay` action form of the desk page. The payments box
beside it shows the fee and the payment history, and no second way to record a payment."""
import re

import pytest
from sqlalchemy import select

from portal.models import Payment
from tests.factories import csrf_token_from, login, make_application, valid_data

from .conftest import CERTIFIED_COPY, desk_url, staff


@pytest.fixture
def awaiting(db, demo, advance):
    data = valid_data(CERTIFIED_COPY, pages=5, copies=2)
    application = make_application(db, demo.citizen, CERTIFIED_COPY, data=data)
    advance(application, "accept")
    assert application.state == "awaiting_payment" and application.fee_amount == 14_000
    return application


def _ways_to_record_a_payment(html, application):
    """Forms that post the `pay` action, and links or forms to the payments feature's own desk page."""
    pay_forms = re.findall(rf'<form[^>]*action="/can-bo/ho-so/{application.id}/thao-tac/pay"', html)
    desk_pages = re.findall(rf'"/payments/applications/{application.id}/desk"', html)
    return len(pay_forms) + len(desk_pages)


def test_the_receiver_has_exactly_one_way_to_record_the_fee(client, db, awaiting):
    login(client, staff("receiver"))
    html = client.get(desk_url(awaiting)).get_data(as_text=True)
    assert _ways_to_record_a_payment(html, awaiting) == 1
    assert 'data-action="pay"' in html and "Ghi nhận đã thu phí tại quầy" not in html
    payments = html[html.index('id="h-payments"'):]
    assert "14.000 ₫" in payments and "chưa nộp" in payments
    assert "Xác nhận đã nộp phí, lệ phí" in payments  # points to the one form


def test_paying_through_the_action_form_fills_the_history(client, db, awaiting):
    login(client, staff("receiver"))
    html = client.get(desk_url(awaiting)).get_data(as_text=True)
    version = re.search(r'id="version-pay"[^>]*value="(\d+)"', html) or \
        re.search(r'value="(\d+)"[^>]*id="version-pay"', html)
    answer = client.post(f"{desk_url(awaiting)}/thao-tac/pay", data={
        "csrf_token": csrf_token_from(html), "version": version.group(1), "note": "Biên lai giấy số 0012345"})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]

    [payment] = db.session.scalars(select(Payment).where(Payment.application_id == awaiting.id)).all()
    assert (payment.provider, payment.state, payment.amount) == ("desk", "paid", 14_000)
    html = client.get(desk_url(awaiting)).get_data(as_text=True)
    assert _ways_to_record_a_payment(html, awaiting) == 0  # paid: nothing left to record
    payments = html[html.index('id="h-payments"'):html.index('id="h-history"')]
    assert "đã nộp lúc" in payments
    assert payment.txn_ref in payments and "14.000 ₫" in payments
    assert "Đã thanh toán" in payments and "Tại Bộ phận một cửa" in payments


def test_the_handler_has_no_way_to_record_the_fee(app, db, awaiting):
    handler = app.test_client()
    login(handler, staff("handler"))
    html = handler.get(desk_url(awaiting)).get_data(as_text=True)
    assert _ways_to_record_a_payment(html, awaiting) == 0
    assert "14.000 ₫" in html

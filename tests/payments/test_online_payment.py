"""A level-4 fee paid online end to end: the portal served by a real HTTP server (the sandbox gateway calls
its IPN URL server to server), the citizen's browser played by the test client."""
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from portal.models import Document, Event, Payment
from portal.operations.transitions import fire
from portal.payments import sandbox, vnpay
from portal.payments.provider import IPN_PATH
from tests.factories import csrf_token_from, login, make_application, post_form

SERVICE = "cap-giay-phep-xay-dung-nha-o-rieng-le"  # level 4, district, fixed fee
UNIT = "yen-lac"


@pytest.fixture
def awaiting(demo, db):
    """A level-4 application accepted at the desk and now waiting for its fee."""
    application = make_application(db, demo.citizen, SERVICE, UNIT)
    fire(application, "accept", demo.staff("receiver", UNIT))
    db.session.commit()
    assert application.state == "awaiting_payment" and application.fee_amount > 0
    return application


def start_payment(client, application):
    """The citizen presses "Thanh toán trực tuyến"; returns the gateway URL the portal redirects to."""
    page = client.get(f"/payments/applications/{application.id}")
    assert page.status_code == 200
    assert "Thanh toán trực tuyến" in page.text
    answer = post_form(client, f"/payments/applications/{application.id}", {})
    assert answer.status_code == 303
    return answer.headers["Location"]


def on_gateway(client, gateway_url, choice):
    """At the sandbox: press a button; returns the return URL the gateway sends the browser to."""
    location = urlsplit(gateway_url)
    page = client.get(f"{location.path}?{location.query}")
    assert page.status_code == 200, page.text
    assert "MÔI TRƯỜNG THỬ NGHIỆM (SANDBOX)" in page.text
    number = re.search(r'name="transaction_no" value="([^"]+)"', page.text).group(1)
    answer = client.post(location.path, data={"csrf_token": csrf_token_from(page.text),
                                              "transaction_no": number, "choice": choice})
    assert answer.status_code == 302
    return answer.headers["Location"], number


def back_to_portal(client, db, return_url):
    db.session.rollback()  # the test shares its session with the client's requests: take a fresh look
    location = urlsplit(return_url)
    assert location.path == "/payments/vnpay/return"
    return client.get(f"{location.path}?{location.query}")


def pay_events(db, application):
    return db.session.scalars(select(Event).where(Event.application_id == application.id,
                                                  Event.action == "pay")).all()


def paid_count(db, application):
    return db.session.scalar(select(func.count()).select_from(Payment).where(
        Payment.application_id == application.id, Payment.state == "paid"))


def test_a_level_4_fee_is_paid_through_the_sandbox(app, db, demo, client, live, awaiting):
    login(client, "citizen@demo.vn")
    page = client.get(f"/payments/applications/{awaiting.id}")
    assert "75.000 ₫" in page.text

    gateway_url = start_payment(client, awaiting)
    assert gateway_url.startswith("http://localhost/sandbox/vnpay/paymentv2/vpcpay.html?")
    sent = dict(parse_qsl(urlsplit(gateway_url).query))
    assert sent["vnp_Amount"] == "7500000" and sent["vnp_Version"] == "2.1.0"
    assert sent["vnp_ReturnUrl"] == "http://localhost/payments/vnpay/return"

    return_url, number = on_gateway(client, gateway_url, "success")
    assert sandbox.get_store(app).get(number)["ipn"]["reply"] == vnpay.ipn_reply("00")

    outcome = back_to_portal(client, db, return_url)
    assert outcome.status_code == 200
    assert 'data-payment-status="paid"' in outcome.text and "Thanh toán thành công" in outcome.text

    db.session.refresh(awaiting)
    assert awaiting.state == "processing"
    assert awaiting.paid_at is not None
    [event] = pay_events(db, awaiting)
    assert (event.role, event.actor_id, event.from_state) == ("system", None, "awaiting_payment")
    payment = db.session.scalar(select(Payment).where(Payment.application_id == awaiting.id))
    assert (payment.state, payment.amount, payment.gateway_txn_no) == ("paid", 75_000, number)
    assert payment.txn_ref == sent["vnp_TxnRef"]
    receipts = db.session.scalars(select(Document).where(Document.application_id == awaiting.id,
                                                         Document.kind == "payment_receipt")).all()
    assert len(receipts) == 1

    # VNPay delivering the same IPN again (it retries) changes nothing twice.
    repeat = client.get(f"{IPN_PATH}?{urlsplit(return_url).query}")
    assert repeat.get_json() == {"RspCode": "02", "Message": "Order already confirmed"}
    db.session.rollback()
    assert len(pay_events(db, awaiting)) == 1 and paid_count(db, awaiting) == 1
    assert db.session.scalar(select(func.count()).select_from(Document).where(
        Document.application_id == awaiting.id, Document.kind == "payment_receipt")) == 1

    # Nothing is left to pay.
    assert "Thanh toán trực tuyến</button>" not in client.get(f"/payments/applications/{awaiting.id}").text
    assert post_form(client, f"/payments/applications/{awaiting.id}", {}).status_code == 422


def test_a_cancelled_payment_leaves_the_application_waiting(app, db, demo, client, live, awaiting):
    login(client, "citizen@demo.vn")
    return_url, number = on_gateway(client, start_payment(client, awaiting), "cancel")
    outcome = back_to_portal(client, db, return_url)
    assert 'data-payment-status="failed"' in outcome.text and "hủy giao dịch" in outcome.text
    db.session.refresh(awaiting)
    assert awaiting.state == "awaiting_payment" and awaiting.paid_at is None
    assert pay_events(db, awaiting) == []
    payment = db.session.scalar(select(Payment).where(Payment.application_id == awaiting.id))
    assert (payment.state, payment.response_code) == ("failed", "24")

    # The citizen tries again (a new transaction reference) and this time there is not enough money.
    return_url, _ = on_gateway(client, start_payment(client, awaiting), "insufficient")
    assert "không đủ số dư" in back_to_portal(client, db, return_url).text
    refs = db.session.scalars(select(Payment.txn_ref).where(Payment.application_id == awaiting.id)).all()
    assert len(set(refs)) == 2
    assert paid_count(db, awaiting) == 0


def signed_result(app, payment, **changes):
    """The query a gateway holding our secret would send about `payment`."""
    params = {"vnp_Amount": str(payment.amount * 100), "vnp_BankCode": "NCB", "vnp_CardType": "ATM",
              "vnp_OrderInfo": "Thanh toan", "vnp_PayDate": "20261127153512", "vnp_ResponseCode": "00",
              "vnp_TmnCode": app.config["VNPAY_TMN_CODE"], "vnp_TransactionNo": "99000001",
              "vnp_TransactionStatus": "00", "vnp_TxnRef": payment.txn_ref}
    params.update(changes)
    return vnpay.signed_query(params, app.config["VNPAY_HASH_SECRET"])


@pytest.fixture
def pending_payment(db, demo, awaiting):
    from portal.payments.operations import start_online_payment
    payment = start_online_payment(awaiting, demo.citizen)
    db.session.commit()
    return payment


def test_a_forged_signature_gets_97_and_changes_nothing(app, db, client, awaiting, pending_payment):
    query = signed_result(app, pending_payment)
    forged = re.sub(r"vnp_SecureHash=[0-9a-f]{8}", "vnp_SecureHash=00000000", query)
    assert client.get(f"{IPN_PATH}?{forged}").get_json() == {"RspCode": "97", "Message": "Invalid Checksum"}
    # A correct signature over other values: the amount changed after signing.
    tampered = query.replace(f"vnp_Amount={pending_payment.amount * 100}", "vnp_Amount=100")
    assert client.get(f"{IPN_PATH}?{tampered}").get_json()["RspCode"] == "97"
    # Signed with another merchant's secret.
    other = vnpay.signed_query(dict(parse_qsl(query.split("&vnp_SecureHash")[0])), "someone-else")
    assert client.get(f"{IPN_PATH}?{other}").get_json()["RspCode"] == "97"
    # Nothing at all, or junk: still the protocol's answer, never an error page.
    assert client.get(IPN_PATH).get_json()["RspCode"] == "97"
    assert client.get(f"{IPN_PATH}?vnp_SecureHash=%FF%00&vnp_Amount=x").get_json()["RspCode"] == "97"
    db.session.rollback()
    assert pending_payment.state == "pending" and awaiting.state == "awaiting_payment"
    assert pay_events(db, awaiting) == []


def test_a_changed_amount_gets_04_an_unknown_order_01(app, db, client, awaiting, pending_payment):
    less = signed_result(app, pending_payment, vnp_Amount=str((pending_payment.amount - 1000) * 100))
    assert client.get(f"{IPN_PATH}?{less}").get_json() == {"RspCode": "04", "Message": "Invalid amount"}
    unknown = signed_result(app, pending_payment, vnp_TxnRef="HS0T000000000000NOPE")
    assert client.get(f"{IPN_PATH}?{unknown}").get_json() == {"RspCode": "01", "Message": "Order not found"}
    db.session.rollback()
    assert pending_payment.state == "pending" and awaiting.state == "awaiting_payment"
    assert pay_events(db, awaiting) == []


def test_a_repeated_or_late_ipn_confirms_once(app, db, client, awaiting, pending_payment):
    query = signed_result(app, pending_payment)
    replies = [client.get(f"{IPN_PATH}?{query}").get_json()["RspCode"] for _ in range(3)]
    assert replies == ["00", "02", "02"]
    # A late "failed" for the same transaction cannot undo the confirmed payment either.
    late = signed_result(app, pending_payment, vnp_ResponseCode="24", vnp_TransactionStatus="02")
    assert client.get(f"{IPN_PATH}?{late}").get_json()["RspCode"] == "02"
    db.session.rollback()
    assert paid_count(db, awaiting) == 1 and len(pay_events(db, awaiting)) == 1
    assert db.session.get(Payment, pending_payment.id).state == "paid"
    assert awaiting.state == "processing"


def test_reconcile_lists_a_payment_the_portal_missed(app, db, demo, client, live, awaiting, monkeypatch):
    login(client, "citizen@demo.vn")
    # The gateway takes the money but its IPN never arrives (the merchant's server was unreachable).
    monkeypatch.setitem(app.config, "VNPAY_IPN_URL", "http://127.0.0.1:9" + IPN_PATH)
    return_url, _ = on_gateway(client, start_payment(client, awaiting), "success")
    outcome = back_to_portal(client, db, return_url)
    assert 'data-payment-status="pending"' in outcome.text  # the return alone confirms nothing
    txn_ref = dict(parse_qsl(urlsplit(return_url).query))["vnp_TxnRef"]

    result = app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith(txn_ref)]
    assert "cổng dịch vụ công: pending" in line and "cổng thanh toán: paid" in line
    assert "1 giao dịch chênh lệch." in result.output

    # Once VNPay's retry gets through, both sides agree.
    monkeypatch.setitem(app.config, "VNPAY_IPN_URL", live + IPN_PATH)
    assert client.get(f"{IPN_PATH}?{urlsplit(return_url).query}").get_json()["RspCode"] == "00"
    db.session.rollback()
    result = app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0 and "Không có chênh lệch." in result.output


def test_only_the_applicant_pays_and_only_what_is_due(app, db, demo, client, awaiting):
    login(client, "citizen2@demo.vn")
    assert client.get(f"/payments/applications/{awaiting.id}").status_code == 404
    # With a valid CSRF token, so the refusal is about whose application it is.
    token = csrf_token_from(client.get("/ho-so").get_data(as_text=True))
    assert client.post(f"/payments/applications/{awaiting.id}", data={"csrf_token": token}).status_code == 404
    early = make_application(db, demo.citizen, SERVICE, UNIT)  # submitted, not yet accepted
    fresh = app.test_client()
    login(fresh, "citizen@demo.vn")
    assert "Thanh toán trực tuyến</button>" not in fresh.get(f"/payments/applications/{early.id}").text
    assert post_form(fresh, f"/payments/applications/{early.id}", {}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_the_api_starts_a_payment(app, db, demo, client, awaiting):
    from tests.factories import api_token
    headers = api_token(client, "citizen@demo.vn")
    answer = client.post(f"/api/v1/applications/{awaiting.id}/payments", headers=headers)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["amount"] == 75_000 and body["txn_ref"]
    assert body["payment_url"].startswith("http://localhost/sandbox/vnpay/paymentv2/vpcpay.html?")
    assert vnpay.verify(dict(parse_qsl(urlsplit(body["payment_url"]).query)), app.config["VNPAY_HASH_SECRET"])
    listed = client.get(f"/api/v1/applications/{awaiting.id}/payments", headers=headers).get_json()
    assert [(p["txn_ref"], p["state"]) for p in listed] == [(body["txn_ref"], "pending")]

    other = api_token(client, "citizen2@demo.vn")
    refused = client.post(f"/api/v1/applications/{awaiting.id}/payments", headers=other)
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    assert client.post(f"/api/v1/applications/{awaiting.id}/payments").status_code == 401


def test_the_return_page_refuses_a_forged_result(app, db, client, demo, awaiting, pending_payment):
    login(client, "citizen@demo.vn")
    query = signed_result(app, pending_payment)
    forged = urlencode({**dict(parse_qsl(query)), "vnp_ResponseCode": "00", "vnp_Amount": "100"})
    page = client.get(f"/payments/vnpay/return?{forged}")
    assert page.status_code == 200 and 'data-payment-status="invalid"' in page.text
    assert 'data-payment-status="invalid"' in client.get("/payments/vnpay/return").text
    db.session.rollback()
    assert db.session.get(Payment, pending_payment.id).state == "pending"


def test_a_fee_paid_twice_is_recorded_and_listed_for_refund(app, db, demo, client, live, awaiting):
    login(client, "citizen@demo.vn")
    gateway_url = start_payment(client, awaiting)
    # While the citizen is on the gateway's page, the desk takes the fee in cash.
    from portal.payments.operations import record_desk_payment
    record_desk_payment(awaiting, demo.staff("receiver", UNIT))
    db.session.commit()
    return_url, number = on_gateway(client, gateway_url, "success")
    # The money has arrived, so the gateway is told it is confirmed; the workflow moves only once.
    assert sandbox.get_store(app).get(number)["ipn"]["reply"]["RspCode"] == "00"
    db.session.rollback()
    # Only the desk's payment paid it (the database takes one `paid` per application); the online one is
    # recorded as money to refund.
    assert paid_count(db, awaiting) == 1 and len(pay_events(db, awaiting)) == 1
    assert [p.state for p in db.session.scalars(select(Payment).where(Payment.application_id == awaiting.id)
                                                .order_by(Payment.id))] == ["refund_due", "paid"]
    result = app.test_cli_runner().invoke(args=["payments", "reconcile"])
    txn_ref = dict(parse_qsl(urlsplit(return_url).query))["vnp_TxnRef"]
    [line] = [line for line in result.output.splitlines() if line.startswith(txn_ref)]
    assert "thu trùng" in line and "cần hoàn tiền" in line


def test_simultaneous_deliveries_of_one_ipn_confirm_it_once(app, db, live, awaiting, pending_payment):
    import json
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    url = f"{live}{IPN_PATH}?{signed_result(app, pending_payment)}"

    def deliver(_):
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())["RspCode"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(deliver, range(4)))
    # One delivery confirms; the others see it confirmed (02) or, having lost a database race, ask VNPay
    # to call again (99) — and that later call gets 02.
    assert replies.count("00") == 1 and set(replies) <= {"00", "02", "99"}
    assert deliver(0) == "02"
    db.session.rollback()
    assert paid_count(db, awaiting) == 1 and len(pay_events(db, awaiting)) == 1


def test_the_citizen_pays_from_the_application_page(app, db, demo, client, awaiting):
    login(client, "citizen@demo.vn")
    page = client.get(f"/ho-so/{awaiting.id}")
    assert page.status_code == 200
    assert "Nộp phí, lệ phí" in page.text and "75.000 ₫" in page.text
    action = f'action="/payments/applications/{awaiting.id}"'
    assert action in page.text
    answer = client.post(f"/payments/applications/{awaiting.id}",
                         data={"csrf_token": csrf_token_from(page.text)})
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("http://localhost/sandbox/vnpay/paymentv2/vpcpay.html?")
    assert "Xem các lần thanh toán (1)" in client.get(f"/ho-so/{awaiting.id}").text

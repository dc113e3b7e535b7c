"""The sandbox gateway as its own blueprint, driven through the protocol from the merchant's side: a bare
Flask app carries it here, and a real HTTP server stands for the merchant's IPN endpoint."""
import json
import os
import re
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask

from portal.extensions import csrf
from portal.payments import sandbox, vnpay
from portal.payments.provider import SANDBOX_API_PATH, VNPayProvider

PROJECT_DIR = Path(__file__).resolve().parents[2]
SECRET = "gateway-test-secret"
TMN = "DVCSANDB"


def make_gateway(instance, **config):
    app = Flask("sandbox_test", template_folder=str(PROJECT_DIR / "templates"), instance_path=str(instance))
    app.config.update(SECRET_KEY="test", VNPAY_TMN_CODE=TMN, VNPAY_HASH_SECRET=SECRET, VNPAY_URL="",
                      PUBLIC_URL="http://localhost", VNPAY_IPN_URL="http://127.0.0.1:9/unused")
    app.config.update(config)
    csrf.init_app(app)
    app.register_blueprint(sandbox.bp)
    return app


class Merchant:
    """The merchant's IPN endpoint: checks the signature and answers like the portal would."""

    def __init__(self, reply="00"):
        self.calls = []
        self.reply = reply

    def __call__(self, environ, start_response):
        params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        self.calls.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], params))
        code = self.reply if vnpay.verify(params, SECRET) else "97"
        body = json.dumps(vnpay.ipn_reply(code)).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


@pytest.fixture
def merchant(http_server):
    merchant = Merchant()
    with http_server(merchant) as url:
        merchant.url = url
        yield merchant


@pytest.fixture
def gateway(tmp_path, merchant):
    return make_gateway(tmp_path, VNPAY_IPN_URL=merchant.url + "/payments/vnpay/ipn")


def payment_url(txn_ref="HS1T0001", amount=1_500_000, created_at=None, tmn=TMN, secret=SECRET):
    request = vnpay.PaymentRequest(
        tmn_code=tmn, amount=amount, txn_ref=txn_ref, order_info="Thanh toán phí hồ sơ H62-261127-0001",
        return_url="http://localhost/payments/vnpay/return", ip_addr="127.0.0.1",
        created_at=created_at or datetime.now(timezone.utc))
    return vnpay.build_payment_url("/sandbox/vnpay/paymentv2/vpcpay.html", secret, request)


def open_page(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    number = re.search(r'name="transaction_no" value="([^"]+)"', page.text).group(1)
    return page, token, number


def choose(client, token, number, choice):
    return client.post("/sandbox/vnpay/paymentv2/vpcpay.html",
                       data={"csrf_token": token, "transaction_no": number, "choice": choice})


def test_the_page_is_labelled_a_sandbox_and_shows_amount_merchant_and_order(gateway):
    page, _, _ = open_page(gateway.test_client(), payment_url())
    assert "MÔI TRƯỜNG THỬ NGHIỆM (SANDBOX) — không phải cổng thanh toán thật" in page.text
    assert "1.500.000 ₫" in page.text
    assert TMN in page.text and "HS1T0001" in page.text and "H62-261127-0001" in page.text
    for label in ("Thanh toán thành công", "Hủy giao dịch", "Không đủ số dư"):
        assert label in page.text


@pytest.mark.parametrize("tamper", [
    lambda url: url.replace("vnp_Amount=150000000", "vnp_Amount=100"),
    lambda url: url.replace("vnp_TxnRef=HS1T0001", "vnp_TxnRef=HS1T0002"),
    lambda url: url[:-1] + ("0" if url[-1] != "0" else "1"),
    lambda url: re.sub(r"&vnp_SecureHash=[0-9a-f]+", "", url),
])
def test_a_forged_or_changed_request_is_refused_clearly(gateway, tamper):
    page = gateway.test_client().get(tamper(payment_url()))
    assert page.status_code == 400
    assert "Sai chữ ký" in page.text
    assert "Thanh toán thành công" not in page.text


def test_other_merchants_expired_requests_and_repeated_keys_are_refused(gateway):
    client = gateway.test_client()
    assert "vnp_TmnCode" in client.get(payment_url(tmn="OTHERTMN")).text
    stale = client.get(payment_url(created_at=datetime.now(timezone.utc) - timedelta(hours=1)))
    assert stale.status_code == 400 and "quá thời gian chờ thanh toán" in stale.text
    assert client.get(payment_url() + "&vnp_Amount=1").status_code == 400


def test_success_calls_the_ipn_then_returns_the_browser_with_the_same_signed_result(gateway, merchant):
    client = gateway.test_client()
    _, token, number = open_page(client, payment_url())
    answer = choose(client, token, number, "success")
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "http://localhost/payments/vnpay/return"
    returned = dict(parse_qsl(location.query))
    assert vnpay.verify(returned, SECRET)
    assert returned["vnp_ResponseCode"] == "00" and returned["vnp_TransactionStatus"] == "00"
    assert returned["vnp_Amount"] == "150000000" and returned["vnp_TxnRef"] == "HS1T0001"
    assert returned["vnp_TransactionNo"] == number

    [(method, path, ipn)] = merchant.calls
    assert (method, path) == ("GET", "/payments/vnpay/ipn")
    assert ipn == returned
    stored = sandbox.get_store(gateway).get(number)
    assert stored["status"] == "00"
    assert stored["ipn"]["reply"] == {"RspCode": "00", "Message": "Confirm Success"}

    # A second click settles nothing again and calls no second IPN.
    again = choose(client, token, number, "cancel")
    assert again.headers["Location"] == answer.headers["Location"]
    assert len(merchant.calls) == 1
    # Nor can the paid reference be paid a second time.
    assert "đã được xử lý" in client.get(payment_url()).text


@pytest.mark.parametrize("choice, code", [("cancel", "24"), ("insufficient", "51")])
def test_cancel_and_insufficient_funds_report_their_codes(gateway, merchant, choice, code):
    client = gateway.test_client()
    _, token, number = open_page(client, payment_url())
    returned = dict(parse_qsl(urlsplit(choose(client, token, number, choice).headers["Location"]).query))
    assert vnpay.verify(returned, SECRET)
    assert (returned["vnp_ResponseCode"], returned["vnp_TransactionStatus"]) == (code, "02")
    assert merchant.calls[0][2] == returned
    assert "vnp_BankTranNo" not in returned


def test_an_unreachable_ipn_url_still_returns_the_browser(tmp_path, http_server):
    with http_server(lambda environ, start_response: []) as dead_url:
        pass  # the port is closed again: nothing listens there now
    gateway = make_gateway(tmp_path, VNPAY_IPN_URL=dead_url + "/ipn")
    client = gateway.test_client()
    _, token, number = open_page(client, payment_url())
    assert choose(client, token, number, "success").status_code == 302
    assert "error" in sandbox.get_store(gateway).get(number)["ipn"]


def test_the_form_needs_its_csrf_token_and_a_known_transaction(gateway):
    client = gateway.test_client()
    _, token, number = open_page(client, payment_url())
    assert client.post("/sandbox/vnpay/paymentv2/vpcpay.html",
                       data={"transaction_no": number, "choice": "success"}).status_code == 400
    assert choose(client, token, "999", "success").status_code == 404
    assert choose(client, token, number, "steal").status_code == 404


def query(client, txn_ref="HS1T0001", transaction_date=None, secret=SECRET, request_id=None, **changes):
    body = vnpay.query_request(
        tmn_code=changes.pop("tmn", TMN), secret=secret, request_id=request_id or os.urandom(8).hex(),
        txn_ref=txn_ref, transaction_date=transaction_date, ip_addr="127.0.0.1",
        created_at=datetime.now(timezone.utc))
    body.update(changes)
    answer = client.post(SANDBOX_API_PATH, json=body)
    assert answer.status_code == 200
    assert vnpay.verify_query_response(answer.json, SECRET)  # every answer is signed
    return answer.json


def test_querydr_follows_the_transaction_and_refuses_bad_queries(gateway):
    client = gateway.test_client()
    url = payment_url()
    created = dict(parse_qsl(urlsplit(url).query))["vnp_CreateDate"]
    assert query(client, transaction_date=created)["vnp_ResponseCode"] == "91"  # not seen yet

    _, token, number = open_page(client, url)
    pending = query(client, transaction_date=created)
    assert (pending["vnp_ResponseCode"], pending["vnp_TransactionStatus"]) == ("00", "01")

    choose(client, token, number, "success")
    paid = query(client, transaction_date=created)
    assert (paid["vnp_ResponseCode"], paid["vnp_TransactionStatus"]) == ("00", "00")
    assert paid["vnp_Amount"] == "150000000" and paid["vnp_TransactionNo"] == number
    assert paid["vnp_TransactionType"] == "01"

    assert query(client, transaction_date="20200101000000")["vnp_ResponseCode"] == "91"
    assert query(client, transaction_date=created, secret="forged")["vnp_ResponseCode"] == "97"
    assert query(client, transaction_date=created, tmn="OTHERTMN")["vnp_ResponseCode"] == "02"
    assert query(client, transaction_date=created, vnp_Command="refund")["vnp_ResponseCode"] == "03"
    query(client, transaction_date=created, request_id="SAMEID")
    assert query(client, transaction_date=created, request_id="SAMEID")["vnp_ResponseCode"] == "94"
    assert client.post(SANDBOX_API_PATH, data="not json").json["vnp_ResponseCode"] == "03"


def test_the_provider_queries_the_sandbox_over_http(tmp_path, merchant, http_server):
    gateway = make_gateway(tmp_path, VNPAY_IPN_URL=merchant.url + "/ipn")
    created_at = datetime.now(timezone.utc).replace(microsecond=0)

    class Payment:  # what the provider reads of a payment row
        txn_ref, amount, application_id, application = "HS7T0001", 250_000, 7, None

    Payment.created_at = created_at
    with http_server(gateway) as base:
        provider = VNPayProvider(TMN, SECRET, base + "/sandbox/vnpay/paymentv2/vpcpay.html",
                                 base + SANDBOX_API_PATH)
        assert provider.query(Payment).state == "unknown"
        url = provider.start(Payment, "http://localhost/payments/vnpay/return", "", "127.0.0.1", "vi")
        client = gateway.test_client()
        _, token, number = open_page(client, url[len(base):])
        assert provider.query(Payment).state == "pending"
        choose(client, token, number, "insufficient")
        assert provider.query(Payment).state == "failed"
        sandbox.get_store(gateway).set_status(number, "00")
        status = provider.query(Payment)
        assert (status.state, status.amount, status.gateway_txn_no) == ("paid", 250_000, number)


def test_a_secret_is_generated_once_when_none_is_configured(tmp_path):
    first = make_gateway(tmp_path, VNPAY_HASH_SECRET="")
    secret = first.config["VNPAY_HASH_SECRET"]
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    path = tmp_path / sandbox.SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert make_gateway(tmp_path, VNPAY_HASH_SECRET="").config["VNPAY_HASH_SECRET"] == secret
    configured = make_gateway(tmp_path / "other", VNPAY_HASH_SECRET="from-environment")
    assert configured.config["VNPAY_HASH_SECRET"] == "from-environment"
    assert not (tmp_path / "other" / sandbox.SECRET_FILE).exists()


def test_the_sandbox_is_closed_when_a_real_gateway_is_configured(tmp_path):
    gateway = make_gateway(tmp_path, VNPAY_URL="https://pay.vnpay.vn/vpcpay.html", VNPAY_HASH_SECRET="")
    assert gateway.config["VNPAY_HASH_SECRET"] == ""  # no secret invented for a real merchant
    assert not (tmp_path / sandbox.SECRET_FILE).exists()
    assert gateway.test_client().get(payment_url()).status_code == 404
    assert gateway.test_client().post(SANDBOX_API_PATH, json={}).status_code == 404

"""The VNPay 2.1.0 protocol, checked against answers computed here independently (hmac + urllib.parse
written out), not by calling the code under test twice."""
import hashlib
import hmac
import random
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest

from portal.payments import vnpay

SECRET = "SANDBOXSECRET0123456789ABCDEFGHIJ"

# The example URL in VNPay's integration guide: its query is exactly what the reference code produces.
DOC_QUERY = ("vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
             "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other"
             "&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl&vnp_TmnCode=DEMOV210&vnp_TxnRef=5"
             "&vnp_Version=2.1.0")


def expected_hmac(data: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def fixed_request(**changes):
    values = dict(
        tmn_code="DVCSANDB", amount=1_500_000, txn_ref="HS12T261127153000AB12CD",
        order_info="Thanh toán phí hồ sơ H62.01-261127-0001",
        return_url="https://dvc.example.vn/payments/vnpay/return",
        ip_addr="203.0.113.7", created_at=datetime(2026, 11, 27, 8, 30, 0, tzinfo=timezone.utc), locale="vn")
    values.update(changes)
    return vnpay.PaymentRequest(**values)


def test_hash_data_reproduces_the_documented_query_whatever_the_input_order():
    params = parse_qsl(DOC_QUERY)  # decoded, as a web framework hands them over
    random.Random(4).shuffle(params)
    assert vnpay.hash_data(dict(params)) == DOC_QUERY


def test_payment_url_known_answer():
    expected_data = (
        "vnp_Amount=150000000&vnp_Command=pay&vnp_CreateDate=20261127153000&vnp_CurrCode=VND"
        "&vnp_ExpireDate=20261127154500&vnp_IpAddr=203.0.113.7&vnp_Locale=vn"
        "&vnp_OrderInfo=Thanh+toan+phi+ho+so+H62.01-261127-0001&vnp_OrderType=other"
        "&vnp_ReturnUrl=https%3A%2F%2Fdvc.example.vn%2Fpayments%2Fvnpay%2Freturn&vnp_TmnCode=DVCSANDB"
        "&vnp_TxnRef=HS12T261127153000AB12CD&vnp_Version=2.1.0")
    url = vnpay.build_payment_url("https://gw.example/paymentv2/vpcpay.html", SECRET, fixed_request())
    assert url == ("https://gw.example/paymentv2/vpcpay.html?" + expected_data
                   + "&vnp_SecureHash=" + expected_hmac(expected_data))


def test_parameters_are_sorted_with_the_hash_last_and_bank_code_in_place():
    url = vnpay.build_payment_url("https://gw.example/pay", SECRET, fixed_request(bank_code="NCB"))
    keys = [key for key, _ in parse_qsl(urlsplit(url).query)]
    assert keys[-1] == "vnp_SecureHash"
    assert keys[:-1] == sorted(keys[:-1])
    assert keys.index("vnp_BankCode") == keys.index("vnp_Amount") + 1
    assert "vnp_SecureHashType" not in keys  # 2.1.0 no longer sends it


def test_dates_are_gmt7_and_the_payment_expires_after_fifteen_minutes():
    params = fixed_request(created_at=datetime(2026, 12, 31, 17, 59, 59, tzinfo=timezone.utc)).params()
    assert params["vnp_CreateDate"] == "20270101005959"  # already New Year in Hà Nội
    assert params["vnp_ExpireDate"] == "20270101011459"
    with pytest.raises(vnpay.ProtocolError):
        fixed_request(created_at=datetime(2026, 1, 1)).params()


def test_english_locale_and_bad_values_refused():
    assert fixed_request(locale=vnpay.locale_for("en")).params()["vnp_Locale"] == "en"
    assert vnpay.locale_for("vi") == "vn"
    for bad in (dict(locale="vi"), dict(txn_ref="HS-12"), dict(txn_ref=""), dict(amount=0), dict(amount=1.5)):
        with pytest.raises(vnpay.ProtocolError):
            fixed_request(**bad).params()


def test_amounts_travel_times_one_hundred():
    assert vnpay.amount_to_vnp(1_500_000) == "150000000"
    assert vnpay.amount_from_vnp("150000000") == 1_500_000
    for bad in ("150000050", "-100", "1e5", "", None, "１００"):
        with pytest.raises(vnpay.ProtocolError):
            vnpay.amount_from_vnp(bad)


def gateway_result(**changes):
    params = {
        "vnp_Amount": "150000000", "vnp_BankCode": "NCB", "vnp_BankTranNo": "VNP14000001",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan phi ho so H62.01-261127-0001", "vnp_PayDate": "20261127153512",
        "vnp_ResponseCode": "00", "vnp_TmnCode": "DVCSANDB", "vnp_TransactionNo": "14000001",
        "vnp_TransactionStatus": "00", "vnp_TxnRef": "HS12T261127153000AB12CD"}
    params.update(changes)
    data = "&".join(f"{key}={value.replace(' ', '+')}" for key, value in sorted(params.items()))
    return {**params, "vnp_SecureHash": expected_hmac(data)}


def test_a_gateway_result_signed_independently_verifies():
    params = gateway_result()
    assert vnpay.verify(params, SECRET)
    # The legacy hash type and anything that is not vnp_* are outside the signature.
    assert vnpay.verify({**params, "vnp_SecureHashType": "HmacSHA512", "utm_source": "x"}, SECRET)
    assert vnpay.verify({**params, "vnp_SecureHash": params["vnp_SecureHash"].upper()}, SECRET)
    result = vnpay.read_result(params, SECRET)
    assert result.valid and result.success
    assert result.amount == 1_500_000
    assert result.pay_date == datetime(2026, 11, 27, 8, 35, 12, tzinfo=timezone.utc)


def test_forged_signatures_are_refused():
    params = gateway_result()
    forged = {**params, "vnp_SecureHash": expected_hmac("anything")}
    assert not vnpay.verify(forged, SECRET)
    assert not vnpay.verify({k: v for k, v in params.items() if k != "vnp_SecureHash"}, SECRET)
    assert not vnpay.verify(params, "another-merchant-secret")
    assert not vnpay.verify(params, "")
    assert not vnpay.verify({**params, "vnp_SecureHash": "ỹ" * 128}, SECRET)
    result = vnpay.read_result(forged, SECRET)
    assert not result.valid and not result.success and result.amount is None


def test_a_changed_amount_or_an_added_parameter_is_detected():
    params = gateway_result()
    assert not vnpay.verify({**params, "vnp_Amount": "100"}, SECRET)
    assert not vnpay.verify({**params, "vnp_ResponseCode": "24"}, SECRET)
    assert not vnpay.verify({**params, "vnp_Extra": "1"}, SECRET)


def test_success_needs_both_codes_and_failures_explain_themselves_in_vietnamese():
    cancelled = vnpay.read_result(gateway_result(vnp_ResponseCode="24", vnp_TransactionStatus="02"), SECRET)
    assert cancelled.valid and not cancelled.success
    assert "hủy giao dịch" in cancelled.message
    short = vnpay.read_result(gateway_result(vnp_ResponseCode="51", vnp_TransactionStatus="02"), SECRET)
    assert "không đủ số dư" in short.message
    odd = vnpay.read_result(gateway_result(vnp_ResponseCode="00", vnp_TransactionStatus="01"), SECRET)
    assert not odd.success
    assert vnpay.response_message("42").endswith("(mã lỗi 42).")


def test_signed_url_survives_a_round_trip_through_url_parsing():
    url = vnpay.build_payment_url("https://gw.example/pay", SECRET,
                                  fixed_request(order_info="Phí: 1/2 & 100% + thuế"))
    params = dict(parse_qsl(urlsplit(url).query))
    assert vnpay.verify(params, SECRET)
    assert vnpay.check_pay_request(params) == []


def test_check_pay_request_names_what_is_wrong():
    params = fixed_request().params()
    assert vnpay.check_pay_request(params) == []
    problems = vnpay.check_pay_request({**params, "vnp_Version": "2.0.1", "vnp_CurrCode": "USD"})
    assert "vnp_Version phải là 2.1.0" in problems and "vnp_CurrCode phải là VND" in problems
    assert vnpay.check_pay_request({k: v for k, v in params.items() if k != "vnp_TxnRef"}) == [
        "thiếu tham số vnp_TxnRef"]


def test_ipn_replies_are_the_protocol_codes():
    assert vnpay.ipn_reply("00") == {"RspCode": "00", "Message": "Confirm Success"}
    assert vnpay.ipn_reply("01") == {"RspCode": "01", "Message": "Order not found"}
    assert vnpay.ipn_reply("02") == {"RspCode": "02", "Message": "Order already confirmed"}
    assert vnpay.ipn_reply("04") == {"RspCode": "04", "Message": "Invalid amount"}
    assert vnpay.ipn_reply("97") == {"RspCode": "97", "Message": "Invalid Checksum"}
    assert vnpay.ipn_reply("99")["RspCode"] == "99"


def test_order_info_loses_diacritics_and_special_characters():
    assert vnpay.plain_order_info("Thanh toán phí Đăng ký hộ kinh doanh #5 <b>") == \
        "Thanh toan phi Dang ky ho kinh doanh 5 b"


def test_querydr_request_checksum_known_answer():
    created = datetime(2026, 11, 28, 2, 0, 0, tzinfo=timezone.utc)
    body = vnpay.query_request(tmn_code="DVCSANDB", secret=SECRET, request_id="R1", txn_ref="HS12T1",
                               transaction_date="20261127153000", ip_addr="127.0.0.1", created_at=created,
                               order_info="Truy van HS12T1")
    data = "R1|2.1.0|querydr|DVCSANDB|HS12T1|20261127153000|20261128090000|127.0.0.1|Truy van HS12T1"
    assert body["vnp_SecureHash"] == expected_hmac(data)
    assert vnpay.verify_query_request(body, SECRET)
    assert not vnpay.verify_query_request({**body, "vnp_TxnRef": "HS12T2"}, SECRET)


def querydr_answer(**changes):
    body = {"vnp_ResponseId": "A1", "vnp_Command": "querydr", "vnp_ResponseCode": "00",
            "vnp_Message": "QueryDR Success", "vnp_TmnCode": "DVCSANDB", "vnp_TxnRef": "HS12T1",
            "vnp_Amount": "150000000", "vnp_BankCode": "NCB", "vnp_PayDate": "20261127153512",
            "vnp_TransactionNo": "14000001", "vnp_TransactionType": "01", "vnp_TransactionStatus": "00",
            "vnp_OrderInfo": "Thanh toan", "vnp_PromotionCode": "", "vnp_PromotionAmount": ""}
    body.update(changes)
    order = ("vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
             "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
             "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount")
    body["vnp_SecureHash"] = expected_hmac("|".join(body[name] for name in order))
    return body


def test_querydr_answers_are_verified_and_read():
    answer = vnpay.read_query_response(querydr_answer(), SECRET, tmn_code="DVCSANDB", txn_ref="HS12T1")
    assert answer.paid and answer.amount == 1_500_000 and answer.transaction_no == "14000001"
    pending = vnpay.read_query_response(querydr_answer(vnp_TransactionStatus="01"), SECRET,
                                        tmn_code="DVCSANDB", txn_ref="HS12T1")
    assert pending.found and not pending.paid
    tampered = {**querydr_answer(), "vnp_TransactionStatus": "02"}
    with pytest.raises(vnpay.ProtocolError):
        vnpay.read_query_response(tampered, SECRET, tmn_code="DVCSANDB", txn_ref="HS12T1")
    with pytest.raises(vnpay.ProtocolError):
        vnpay.read_query_response(querydr_answer(), SECRET, tmn_code="DVCSANDB", txn_ref="HS99")
    assert vnpay.sign_query_response(dict(querydr_answer()), SECRET)["vnp_SecureHash"] == \
        querydr_answer()["vnp_SecureHash"]


def test_parse_date_round_trips_and_refuses_nonsense():
    moment = datetime(2026, 2, 28, 23, 59, 1, tzinfo=timezone(timedelta(hours=7)))
    assert vnpay.parse_date(vnpay.format_date(moment)) == moment
    for bad in ("20261301000000", "2026", "abcdefghijklmn", None):
        with pytest.raises(vnpay.ProtocolError):
            vnpay.parse_date(bad)

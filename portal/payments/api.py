"""/api/v1 payments: start an online payment (citizen), record a fee taken at the desk (receiver), list an
application's payments. The gateway's IPN is not part of the API: it is a page endpoint the gateway calls."""
from flask import request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..i18n import N_
from ..api.common import api_user, load_body, token_required
from ..api.schemas import Lenient
from ..auth.permissions import can_view_application, owns_application
from ..extensions import csrf
from ..operations import Invalid
from ..operations import applications as application_ops
from .operations import gateway_redirect, payments_of, record_desk_payment, start_online_payment

blp = Blueprint("payments_api", __name__, url_prefix="/api/v1/applications",
                description="Thanh toán phí, lệ phí")
csrf.exempt(blp)


class PaymentStarted(Schema):
    payment_url = fields.String(metadata={"description": "send the citizen's browser here to pay"})
    txn_ref = fields.String()
    amount = fields.Integer(metadata={"description": "VND"})


class PaymentOut(Schema):
    txn_ref = fields.String()
    provider = fields.String(metadata={"description": "vnpay | desk"})
    amount = fields.Integer()
    state = fields.String(metadata={"description": "pending | paid | failed | refund_due"})
    response_code = fields.String()
    gateway_txn_no = fields.String()
    created_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)


class DeskPaymentIn(Lenient):
    version = fields.Integer(load_default=None, metadata={"description": "the application version seen"})
    note = fields.String(load_default="", validate=validate.Length(max=500))


@blp.route("/<int:application_id>/payments", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}],
         responses={"404": {"description": "not the caller's application"},
                    "422": {"description": "nothing to pay online now"}})
@blp.response(201, PaymentStarted)
@token_required
def start(application_id):
    """Bắt đầu thanh toán trực tuyến phí, lệ phí của hồ sơ (công dân, thủ tục mức độ 4)"""
    user = api_user()
    application = application_ops.get_for(user, application_id, owns_application)
    payment = start_online_payment(application, user)
    url = gateway_redirect(payment, return_url=url_for("payments.vnpay_return", _external=True),
                           client_ip=request.remote_addr or "127.0.0.1", locale=getattr(user, "locale", "vi"))
    return {"payment_url": url, "txn_ref": payment.txn_ref, "amount": payment.amount}


@blp.route("/<int:application_id>/payments", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, PaymentOut(many=True))
@token_required
def list_payments(application_id):
    """Các lần thanh toán của hồ sơ"""
    application = application_ops.get_for(api_user(), application_id, can_view_application)
    return payments_of(application)


@blp.route("/<int:application_id>/payments/desk", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": DeskPaymentIn}}},
         security=[{"bearerAuth": []}],
         responses={"403": {"description": "not the receiver holding the application"},
                    "409": {"description": "stale version"}, "422": {"description": "nothing to pay"}})
@blp.response(201, PaymentOut)
@token_required
def desk(application_id):
    """Ghi nhận đã thu phí, lệ phí tại quầy (cán bộ một cửa, thủ tục mức độ 3)"""
    user = api_user()
    application = application_ops.get_for(user, application_id, can_view_application)
    raw = request.get_json(silent=True) if request.data else {}
    if not isinstance(raw, dict):
        raise Invalid(N_("Nội dung JSON không hợp lệ."))
    body = load_body(DeskPaymentIn(), raw)
    payment = record_desk_payment(application, user, note=body["note"], expected_version=body["version"])
    return payment

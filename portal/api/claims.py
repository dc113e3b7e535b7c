"""Claiming a counter application through the API: ask for a one-time code, then confirm it."""
from flask_smorest import Blueprint

from ..extensions import csrf
from ..citizen import claiming as claims
from .common import api_user, load_body, token_required
from .schemas import ApplicationOut, ClaimConfirmIn, ClaimRequestIn, ClaimRequestOut
from .application_out import application_answer

blp = Blueprint("api_claims", __name__, url_prefix="/api/v1/claims",
                description="Nhận hồ sơ nộp tại quầy vào tài khoản")
csrf.exempt(blp)


@blp.route("", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": ClaimRequestIn}}}, security=[{"bearerAuth": []}])
@blp.response(202, ClaimRequestOut)
@token_required
def request_code():
    """Gửi mã xác nhận (SMS) đến số điện thoại đã khai tại quầy"""
    body = load_body(ClaimRequestIn())
    claim, sent_to = claims.request_code(api_user(), body["code"], body["national_id"])
    return {"sent_to": sent_to, "expires_at": claim.expires_at}


@blp.route("/confirm", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": ClaimConfirmIn}}}, security=[{"bearerAuth": []}])
@blp.response(200, ApplicationOut)
@token_required
def confirm():
    """Xác nhận mã: hồ sơ thuộc tài khoản của người gọi"""
    body = load_body(ClaimConfirmIn())
    return application_answer(claims.confirm(api_user(), body["code"], body["national_id"], body["otp"]))

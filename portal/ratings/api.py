"""/api/v1: the citizen's satisfaction rating and postal-delivery request (Bearer token)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..i18n import N_
from ..api.common import api_user, load_body, token_required
from ..api.schemas import Lenient
from ..auth.permissions import can_view_application, owns_application
from ..extensions import csrf
from ..operations import NotFound
from ..operations import applications as application_ops
from .delivery import postal_request, request_postal_delivery
from .operations import RATING_LABELS, rate, rating_of, rating_out

blp = Blueprint("ratings_api", __name__, url_prefix="/api/v1/applications",
                description="Đánh giá mức độ hài lòng; nhận kết quả qua bưu chính")
csrf.exempt(blp)


class RatingIn(Lenient):
    value = fields.String(required=True, metadata={"enum": list(RATING_LABELS)})
    comment = fields.String(load_default="", metadata={"description": "optional, at most 1000 characters"})


class RatingOut(Schema):
    value = fields.String(metadata={"enum": list(RATING_LABELS)})
    label = fields.String()
    comment = fields.String()
    created_at = fields.DateTime()


class PostalIn(Lenient):
    address = fields.String(required=True)
    phone = fields.String(required=True,
                          metadata={"description": "Vietnamese mobile number of the recipient"})
    version = fields.Integer(load_default=None, metadata={"description": "the application version seen"})


class PostalOut(Schema):
    method = fields.String(metadata={"enum": ["post"]})
    address = fields.String()
    phone = fields.String()
    requested_at = fields.String(allow_none=True, metadata={"format": "date-time"})


def _body(schema) -> dict:
    return load_body(schema)


@blp.route("/<int:application_id>/rating", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": RatingIn}}}, security=[{"bearerAuth": []}],
         responses={"404": {"description": "not the caller's application"},
                    "422": {"description": "not completed, already rated, or a wrong value"}})
@blp.response(201, RatingOut)
@token_required
def create_rating(application_id):
    """Đánh giá mức độ hài lòng (công dân, một lần, sau khi hồ sơ hoàn thành)"""
    user = api_user()
    application = application_ops.get_for(user, application_id, owns_application)
    body = _body(RatingIn())
    rating = rate(application, user, body["value"], body["comment"])
    return rating_out(rating)


@blp.route("/<int:application_id>/rating", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}],
         responses={"404": {"description": "no such application or no rating"}})
@blp.response(200, RatingOut)
@token_required
def get_rating(application_id):
    """Đánh giá của hồ sơ (người nộp, cán bộ được xem hồ sơ)"""
    application = application_ops.get_for(api_user(), application_id, can_view_application)
    rating = rating_of(application)
    if rating is None:
        raise NotFound(N_("Hồ sơ chưa được đánh giá."), code="not_rated")
    return rating_out(rating)


@blp.route("/<int:application_id>/delivery", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": PostalIn}}}, security=[{"bearerAuth": []}],
         responses={"404": {"description": "not the caller's application"},
                    "409": {"description": "stale version"},
                    "422": {"description": "not a level-4 result ready now, or a wrong address or phone"}})
@blp.response(200, PostalOut)
@token_required
def request_delivery(application_id):
    """Đăng ký nhận kết quả qua dịch vụ bưu chính (công dân, hồ sơ mức độ 4 đã có kết quả)"""
    user = api_user()
    application = application_ops.get_for(user, application_id, owns_application)
    body = _body(PostalIn())
    postal = request_postal_delivery(application, user, body["address"], body["phone"],
                                     expected_version=body["version"])
    return {"method": "post", **postal}


@blp.route("/<int:application_id>/delivery", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}],
         responses={"404": {"description": "no such application, or no postal delivery requested"}})
@blp.response(200, PostalOut)
@token_required
def get_delivery(application_id):
    """Địa chỉ nhận kết quả qua bưu chính (người nộp; cán bộ của đơn vị để gửi kết quả)"""
    application = application_ops.get_for(api_user(), application_id, can_view_application)
    postal = postal_request(application)
    if postal is None:
        raise NotFound(N_("Hồ sơ không đăng ký nhận kết quả qua bưu chính."), code="no_postal_delivery")
    return {"method": "post", **postal}

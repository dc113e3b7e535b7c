"""GET /api/v1/lookup: the public status lookup of portal/public/lookup.py for programs (no login)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..api.schemas import Lenient
from ..extensions import csrf
from .lookup import lookup_status, rate_limited

blp = Blueprint("public_lookup_api", __name__, url_prefix="/api/v1", description="Tra cứu hồ sơ công khai")
csrf.exempt(blp)


class LookupQuery(Lenient):
    code = fields.String(load_default="",
                         metadata={"description": "mã hồ sơ, ví dụ 000.21.31.H62-261127-0001"})
    phone = fields.String(load_default="", metadata={"description": "4 số cuối số điện thoại của người nộp"})


class TimelineStepOut(Schema):
    action = fields.String()
    action_label = fields.String()
    state = fields.String()
    state_label = fields.String()
    unit = fields.String(allow_none=True)
    at = fields.DateTime()


class LookupOut(Schema):
    code = fields.String()
    service = fields.String()
    unit = fields.String(metadata={"description": "receiving unit"})
    state = fields.String()
    state_label = fields.String()
    due_date = fields.Date(allow_none=True)
    finished = fields.Boolean()
    submitted_at = fields.DateTime(allow_none=True)
    timeline = fields.List(fields.Nested(TimelineStepOut))


@blp.route("/lookup", methods=["GET"])
@blp.arguments(LookupQuery, location="query", as_kwargs=True)
@blp.doc(security=[], responses={
    "404": {"description": "no application with this code and these digits (the same answer for both)"},
    "422": {"description": "malformed code or digits"},
    "429": {"description": "too many lookups from this client"}})
@blp.response(200, LookupOut)
@rate_limited
def lookup(code, phone):
    """Tra cứu tình trạng hồ sơ bằng mã hồ sơ và 4 số cuối số điện thoại (không cần đăng nhập)"""
    return lookup_status(code, phone)

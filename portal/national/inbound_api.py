"""POST /api/v1/national/applications: where the national portal (Cổng DVCQG) delivers an application
submitted there. Authenticated by the message's signature (portal/national/inbound_signing.py), not by a
user's bearer token; every refusal is application/problem+json and leaves no row and no file."""
import json

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..extensions import csrf
from ..operations import Invalid
from . import inbound
from .inbound_signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

blp = Blueprint("api_national_inbound", __name__, url_prefix="/api/v1/national",
                description="Hồ sơ nộp trên Cổng Dịch vụ công quốc gia gửi về tỉnh")
csrf.exempt(blp)


class InboundAnswer(Schema):
    MaHoSo = fields.String(metadata={"description": "mã hồ sơ trên Cổng DVCQG"})
    MaHoSoDonVi = fields.String(metadata={"description": "mã hồ sơ của cổng tỉnh"})
    MaDonVi = fields.String()
    TenDonVi = fields.String()
    TrangThaiHoSo = fields.Integer(metadata={"description": "1–10"})
    NgayNhan = fields.String(metadata={"description": "yyyyMMddHHmmss"})
    NgayHenTra = fields.String(metadata={"description": "yyyyMMddHHmmss"})


@blp.route("/applications", methods=["POST"])
@blp.doc(parameters=[{"in": "header", "name": TIMESTAMP_HEADER, "required": True, "schema": {"type": "string"}},
                     {"in": "header", "name": SIGNATURE_HEADER, "required": True, "schema": {"type": "string"}}],
         requestBody={"content": {"application/json": {"schema": {"type": "object"}}}})
@blp.response(201, InboundAnswer, description="hồ sơ đã được tạo và nộp")
@blp.alt_response(200, schema=InboundAnswer, description="cùng thông điệp gửi lại: cùng kết quả")
def receive():
    """Nhận một hồ sơ từ Cổng DVCQG (idempotent theo MaHoSo)"""
    body = request.get_data(cache=True)
    verify(request.headers, body, request.remote_addr or "")
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Invalid("Nội dung thông điệp không phải JSON hợp lệ.", code="not_json") from None
    application, created = inbound.receive(message)
    return inbound.answer(application), 201 if created else 200

"""/api/v1: an issued document's PDF (per-object permission), public verification by code, revocation."""
from __future__ import annotations

from flask import abort
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..api.common import api_user, json_body, load_body, token_required
from ..api.schemas import Lenient
from ..auth.permissions import can_revoke_document, can_view_document
from ..extensions import csrf, db, limiter
from ..models import Document
from .correction import correct_result
from .issue import read_document, revoke_document
from .receipt_online import record_online_receipt
from .verify import find_by_code, verification
from .views import document_filename, pdf_response, verify_rate_limit

blp = Blueprint("documents_api", __name__, url_prefix="/api/v1", description="Văn bản, giấy tờ đã cấp")
csrf.exempt(blp)


class SignatureOut(Schema):
    status = fields.String(metadata={"description": "valid | invalid | untrusted | unsigned"})
    label = fields.String()
    signer = fields.String()
    signed_at = fields.String(allow_none=True)


class SupersededByOut(Schema):
    code = fields.String()
    number = fields.String()


class VerificationOut(Schema):
    code = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    number = fields.String()
    unit = fields.String()
    issued_at = fields.String(allow_none=True)
    holder = fields.String(metadata={"description": "tên người được cấp, đã che một phần"})
    sha256 = fields.String()
    size = fields.Integer()
    signature = fields.Nested(SignatureOut)
    state = fields.String(metadata={"description": "active | revoked | superseded"})
    revoked = fields.Boolean()
    revoked_at = fields.String(allow_none=True)
    revoked_reason = fields.String()
    superseded = fields.Boolean()
    superseded_by = fields.Nested(SupersededByOut, allow_none=True)
    source = fields.String(metadata={"description": "portal (issued and signed here) | scan (bản số hóa: a paper "
                                                    "result scanned, not signed by the portal)"})
    digitised = fields.Boolean()
    document_date = fields.String(allow_none=True)
    digitised_at = fields.String(allow_none=True)


class RevokeIn(Schema):
    reason = fields.String(required=True)


PDF_RESPONSE = {"200": {"description": "Tệp PDF đã ký số, đúng như khi cấp",
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


def _document(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or not can_view_document(api_user(), document):
        abort(404)
    return document


@blp.route("/documents/<int:document_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}], responses=PDF_RESPONSE)
@token_required
def get_document(document_id):
    """Tải văn bản (PDF): người nộp hồ sơ hoặc cán bộ của đơn vị"""
    document = _document(document_id)
    response = pdf_response(read_document(document), document_filename(document))
    record_online_receipt(document, api_user())
    return response


@blp.route("/documents/<int:document_id>/revoke", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}],
         requestBody={"content": {"application/json": {"schema": RevokeIn}}})
@blp.response(200, VerificationOut)
@token_required
def revoke(document_id):
    """Thu hồi văn bản (lãnh đạo đơn vị ban hành), kèm lý do"""
    document = _document(document_id)
    if not can_revoke_document(api_user(), document):
        abort(403)
    body = json_body()
    reason = body.get("reason") if isinstance(body.get("reason"), str) else ""
    revoke_document(document, api_user(), reason)
    return verification(document)


class CorrectionIn(Lenient):
    reason = fields.String(required=True)
    data = fields.Dict(required=True, metadata={"description": "the fields to correct, by name"})


@blp.route("/documents/<int:document_id>/correct", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}],
         requestBody={"content": {"application/json": {"schema": CorrectionIn}}})
@blp.response(201, VerificationOut)
@token_required
def correct(document_id):
    """Đính chính kết quả (lãnh đạo đơn vị ban hành): sửa thông tin, nêu lý do; văn bản mới thay thế văn bản cũ"""
    document = _document(document_id)
    body = load_body(CorrectionIn())
    corrected = correct_result(document, api_user(), body["data"], body["reason"])
    return verification(corrected)


@blp.route("/verify/<code>", methods=["GET"])
@blp.response(200, VerificationOut)
@limiter.limit(verify_rate_limit)
def verify(code):
    """Xác thực văn bản theo mã (công khai)"""
    document = find_by_code(code)
    if document is None:
        abort(404)
    return verification(document)

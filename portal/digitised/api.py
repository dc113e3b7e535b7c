"""/api/v1 of the digitised store and digitised results:

- `GET /api/v1/me/digitised`: the citizen's own store;
- `GET /api/v1/people/<national_id>/digitised`: a person's store, for staff of a unit where they applied;
- `GET /api/v1/applications/<id>/reusable`: what may be reused in this application (who fills it);
- `POST /api/v1/applications/<id>/attachments` with JSON `{"document", "reuse"}`: reuse one item
  (the JSON branch of portal/api/applications.py calls `reuse_from_json`);
- `POST /api/v1/applications/<id>/digitised-result` multipart `file`, `number`, `date`, `decided_outside`;
- `GET /api/v1/applications/<id>/digitised-results`."""
from flask import request, url_for
from flask_smorest import Blueprint

from ..i18n import N_
from ..api.common import api_user, token_required
from ..auth.permissions import can_view_application, is_citizen, is_staff
from ..extensions import csrf
from ..operations import Forbidden, Invalid, NotFound
from ..operations import applications as ops
from ..operations import digitised as store
from ..documents.digitised_results import digitise_result, digitised_results

blp = Blueprint("digitised_api", __name__, url_prefix="/api/v1", description="Kho dữ liệu số hóa")
csrf.exempt(blp)

TRUE_WORDS = ("1", "true", "on", "yes")
ITEM_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "string", "description": "attachment-<id> | result-<id>: the value of `reuse`"},
    "kind": {"type": "string", "enum": ["attachment", "result"]}, "document": {"type": "string", "nullable": True},
    "label": {"type": "string"}, "filename": {"type": "string"}, "sha256": {"type": "string"},
    "size": {"type": "integer"}, "digitised": {"type": "boolean"}, "number": {"type": "string", "nullable": True},
    "date": {"type": "string", "nullable": True}, "download": {"type": "string"}}}
LIST_RESPONSE = {"200": {"description": "Kho dữ liệu", "content": {"application/json": {"schema": {
    "type": "array", "items": ITEM_SCHEMA}}}}}


def item_out(item: store.StoreItem) -> dict:
    out = item.as_dict()
    if item.kind == store.RESULT:
        out["download"] = url_for("documents_api.get_document", document_id=item.row.id)
    else:
        out["download"] = url_for("api_applications.download_attachment", application_id=item.application.id,
                                  attachment_id=item.row.id)
    return out


def document_out(document) -> dict:
    return {"id": document.id, "code": document.code, "kind": document.kind, "source": document.source,
            "number": document.number, "date": document.document_date.isoformat() if document.document_date else None,
            "title": document.title, "sha256": document.sha256, "size": document.size, "signed": document.signed,
            "digitised_at": document.digitised_at.isoformat() if document.digitised_at else None,
            "superseded": document.superseded_by_id is not None, "revoked": document.revoked_at is not None,
            "download": url_for("documents_api.get_document", document_id=document.id),
            "verify": url_for("documents.verify", code=document.code, _external=True)}


@blp.route("/me/digitised", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}], responses=LIST_RESPONSE)
@token_required
def my_store():
    """Kho dữ liệu điện tử của công dân: giấy tờ đã số hóa và kết quả đã được cấp"""
    user = api_user()
    if not is_citizen(user):
        raise Forbidden(N_("Chỉ công dân có kho dữ liệu của mình."))
    return [item_out(item) for item in store.citizen_store(user)]


@blp.route("/people/<national_id>/digitised", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}], responses=LIST_RESPONSE)
@token_required
def person_store(national_id):
    """Kho dữ liệu của một người (theo số định danh cá nhân): cán bộ của đơn vị nơi người đó đã nộp hồ sơ"""
    user = api_user()
    if not is_staff(user):
        raise NotFound(N_("Không tìm thấy người nộp hồ sơ."))
    return [item_out(item) for item in store.person_store(user, national_id.strip())]


@blp.route("/applications/<int:application_id>/reusable", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}], responses=LIST_RESPONSE)
@token_required
def reusable(application_id):
    """Giấy tờ đã số hóa và kết quả của người nộp, dùng lại được cho hồ sơ này"""
    application = ops.get_for(api_user(), application_id, can_view_application)
    return [item_out(item) for item in store.store_for_application(api_user(), application)]


def reuse_from_json(application, user, body: dict):
    """`{"document": <key>, "reuse": <store item id>}`: the answer of the attachments endpoint."""
    key, item_id = body.get("document"), body.get("reuse")
    errors = {}
    if not isinstance(key, str) or not key:
        errors["document"] = [N_("Vui lòng cho biết giấy tờ (document).")]
    if not isinstance(item_id, (str, int)) or isinstance(item_id, bool) or item_id == "":
        errors["reuse"] = [N_("Vui lòng cho biết giấy tờ dùng lại (reuse: id trong kho dữ liệu).")]
    if errors:
        raise Invalid(N_("Thiếu thông tin giấy tờ dùng lại."), errors=errors)
    attachment = store.reuse(application, user, key, item_id)
    return {"id": attachment.id, "document": attachment.document_key, "filename": attachment.filename,
            "content_type": attachment.content_type, "size": attachment.size, "sha256": attachment.sha256,
            "digitised_at": attachment.digitised_at, "checked_against_original": attachment.checked_against_original,
            "reused_from": store.reused_source(attachment)}


RESULT_FORM = {"type": "object", "required": ["file", "number", "date"], "properties": {
    "file": {"type": "string", "format": "binary"}, "number": {"type": "string"},
    "date": {"type": "string", "format": "date"}, "decided_outside": {"type": "boolean"}}}


@blp.route("/applications/<int:application_id>/digitised-result", methods=["POST"])
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": RESULT_FORM}}}, security=[{"bearerAuth": []}])
@blp.response(201)
@token_required
def add_digitised_result(application_id):
    """Số hóa kết quả được ban hành trên giấy (hoặc bởi hệ thống khác): bản quét, số và ngày văn bản"""
    user = api_user()
    application = ops.get_for(user, application_id, can_view_application)
    if request.mimetype != "multipart/form-data":
        raise Invalid(N_("Cần gửi multipart/form-data với các trường file, number, date."),
                      errors={"file": [N_("Vui lòng chọn bản quét kết quả (PDF, JPEG hoặc PNG).")]})
    upload = request.files.get("file")
    decided_outside = request.form.get("decided_outside", "").strip().lower() in TRUE_WORDS
    document = digitise_result(application, user, upload.stream if upload else None,
                               upload.filename if upload else None, request.form.get("number"),
                               request.form.get("date"), decided_outside=decided_outside)
    return document_out(document)


@blp.route("/applications/<int:application_id>/digitised-results", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@token_required
def list_digitised_results(application_id):
    """Các kết quả số hóa của hồ sơ"""
    application = ops.get_for(api_user(), application_id, can_view_application)
    return [document_out(d) for d in digitised_results(application)]

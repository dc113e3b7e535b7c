"""Applications: a citizen's drafts, attachments and submission; everyone's list and detail."""
from flask import abort, request
from flask_smorest import Blueprint

from ..i18n import N_
from ..auth.permissions import can_fill_application, can_view_application, fills_at_counter, is_citizen
from ..extensions import csrf
from ..operations import Invalid, NotFound
from ..operations import applications as ops
from ..operations.catalogue import get_service
from . import counter, desk_search
from .desk_search import LIST_HEADERS, ApplicationListQuery
from .common import api_principal, api_user, json_body, load_body, principal_required, token_required
from .schemas import (ApplicationCreate, ApplicationOut, ApplicationSummary, ApplicationUpdate, AttachmentOut,
                      CounterApplicationCreate, VersionIn)
from .application_out import application_answer, stored_answer, stored_application
from .serializers import application_summary

blp = Blueprint("api_applications", __name__, url_prefix="/api/v1/applications", description="Hồ sơ")
csrf.exempt(blp)


def _load(application_id, predicate=can_view_application):
    return ops.get_for(api_user(), application_id, predicate)


def _validated(schema, body):
    return load_body(schema, body)


@blp.route("", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": {
    "oneOf": [ApplicationCreate, CounterApplicationCreate]}}}}, security=[{"bearerAuth": []}])
@blp.response(201, ApplicationOut)
@token_required
def create():
    """Tạo hồ sơ nháp (công dân); cán bộ một cửa gửi kèm `applicant` để tiếp nhận hồ sơ trực tiếp (kênh `counter`)"""
    user = api_user()
    raw = json_body()
    if "applicant" in raw:
        # Walk-in intake: receivers only (a citizen or any other role gets 403), at their own unit. Without
        # an applicant, staff get 403 below: they never make an online application.
        return application_answer(counter.create(user, raw), 201)
    if not is_citizen(user):
        abort(403)
    body = _validated(ApplicationCreate(), raw)
    service = get_service(body["service"])
    if service is None:
        raise Invalid(N_("Không có thủ tục này."), errors={"service": [N_("Không có thủ tục này.")]})
    if not isinstance(body["data"], dict):
        raise Invalid(N_("Dữ liệu không hợp lệ."), errors={"data": [N_("Phải là một đối tượng JSON.")]})
    unit = ops.resolve_unit(service, body["unit"])
    return application_answer(ops.create_draft(user, service, unit, body["data"]), 201)


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ApplicationListQuery, location="query")
@blp.response(200, ApplicationSummary(many=True), headers=LIST_HEADERS)
@token_required
def list_applications(query):
    """Công dân: hồ sơ của mình; cán bộ: hồ sơ đang chờ vai trò của mình tại đơn vị, hoặc (`q`, `scope=unit`)
    tìm trong mọi hồ sơ của đơn vị theo mã, họ tên (không dấu cũng được), số định danh, số điện thoại"""
    page = desk_search.search_page(api_user(), request.args, query)
    return [application_summary(a) for a in page.items], desk_search.page_headers(page)


@blp.route("/<int:application_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, ApplicationOut)
@principal_required
def get(application_id):
    """Toàn bộ hồ sơ: dữ liệu, tệp, nhật ký, văn bản, phiên bản"""
    stored = stored_application(application_id)
    if stored is None or not can_view_application(api_principal(), stored):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    return stored_answer(stored)


@blp.route("/<int:application_id>", methods=["PATCH"])
@blp.doc(requestBody={"content": {"application/json": {"schema": ApplicationUpdate}}},
         security=[{"bearerAuth": []}])
@blp.response(200, ApplicationOut)
@token_required
def update(application_id):
    """Sửa dữ liệu hồ sơ nháp"""
    application = _load(application_id, can_fill_application)
    body = _validated(ApplicationUpdate(), json_body())
    ops.update_draft(application, api_user(), body["data"])
    return application_answer(application)


@blp.route("/<int:application_id>/attachments", methods=["POST"])
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["document", "file"],
    "properties": {"document": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}}}},
    security=[{"bearerAuth": []}])
@blp.response(201, AttachmentOut)
@token_required
def attach(application_id):
    """Đính kèm tệp (PDF, JPEG, PNG) cho một giấy tờ; hoặc JSON `{"document", "reuse"}`: dùng lại giấy tờ đã số hóa"""
    if request.mimetype == "application/json":  # reuse from the person's store (portal/digitised/api.py)
        from ..digitised.api import reuse_from_json
        return reuse_from_json(_load(application_id, can_fill_application), api_user(), json_body())
    if request.mimetype != "multipart/form-data":
        abort(415, N_("Cần gửi multipart/form-data với các trường document và file."))
    application = _load(application_id, can_fill_application)
    upload = request.files.get("file")
    key = request.form.get("document", "")
    errors = {}
    if not key:
        errors["document"] = [N_("Vui lòng cho biết giấy tờ (document).")]
    if upload is None:
        errors["file"] = [N_("Vui lòng chọn tệp (file).")]
    if errors:
        raise Invalid(N_("Thiếu thông tin tệp đính kèm."), errors=errors)
    if fills_at_counter(api_user(), application):  # a paper document scanned at the desk: digitised
        attachment = counter.scan_from_request(application, api_user(), key, upload)
    else:
        attachment = ops.attach(application, api_user(), key, upload.stream, upload.filename)
    return {"id": attachment.id, "document": attachment.document_key, "filename": attachment.filename,
            "content_type": attachment.content_type, "size": attachment.size, "sha256": attachment.sha256,
            "digitised_at": attachment.digitised_at,
            "checked_against_original": attachment.checked_against_original}


@blp.route("/<int:application_id>/submit", methods=["POST"])
@blp.doc(requestBody={"required": False, "content": {"application/json": {"schema": VersionIn}}},
         security=[{"bearerAuth": []}])
@blp.response(200, ApplicationOut)
@token_required
def submit(application_id):
    """Nộp hồ sơ: cấp mã hồ sơ, trạng thái `submitted`"""
    application = _load(application_id, can_fill_application)
    version = None
    if request.content_length:
        version = _validated(VersionIn(), json_body()).get("version")
    if fills_at_counter(api_user(), application):  # submitted for the person and received: form 01 issued
        counter.submit(application, api_user(), version)
    else:
        ops.submit(application, api_user(), expected_version=version)
    return application_answer(application)


@blp.route("/<int:application_id>/attachments/<int:attachment_id>", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}], responses={"200": {"description": "the file"}})
@token_required
def download_attachment(application_id, attachment_id):
    """Tải tệp đính kèm"""
    from ..views_common import send_attachment
    application = _load(application_id)
    return send_attachment(application, attachment_id)

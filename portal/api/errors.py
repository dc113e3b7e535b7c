"""Errors: application/problem+json in the API, a Vietnamese page elsewhere. The unit of work
(portal/unit_of_work.py) has rolled the request back before these handlers run, and rolls back any answer of
400 or more, so a refused request leaves nothing half-saved."""
import logging

from flask import jsonify, make_response, render_template, request
from marshmallow import Schema
from marshmallow import fields as ma_fields
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..i18n import translated
from ..operations import OperationError

log = logging.getLogger(__name__)

TITLES = {
    400: "Yêu cầu không hợp lệ", 401: "Chưa đăng nhập", 403: "Không được phép", 404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ", 409: "Xung đột dữ liệu", 413: "Dữ liệu gửi lên quá lớn",
    415: "Định dạng không được hỗ trợ", 422: "Dữ liệu không hợp lệ", 429: "Quá nhiều yêu cầu",
    500: "Lỗi hệ thống",
}
DETAILS = {
    400: "Yêu cầu không đúng định dạng.", 401: "Cần đăng nhập (Authorization: Bearer <token>).",
    403: "Bạn không có quyền thực hiện thao tác này.", 404: "Không tìm thấy nội dung yêu cầu.",
    405: "Phương thức không được hỗ trợ.", 409: "Dữ liệu đã thay đổi.",
    413: "Dữ liệu gửi lên vượt quá dung lượng cho phép.", 415: "Định dạng không được hỗ trợ.",
    422: "Dữ liệu không hợp lệ.", 429: "Bạn đã gửi quá nhiều yêu cầu, vui lòng thử lại sau.",
    500: "Đã có lỗi xảy ra. Vui lòng thử lại sau.",
}


def is_api() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, detail: str | None = None, errors: dict | None = None, title: str | None = None,
            code: str | None = None):
    # Vietnamese unless the client asks for English (Accept-Language: en, portal.select_locale); the texts
    # are the catalogue's msgids, so a Vietnamese answer is unchanged. `code` stays the machine's reason.
    body = {"type": "about:blank", "status": status, "title": translated(title or TITLES.get(status, "Lỗi")),
            "detail": translated(detail or DETAILS.get(status, ""))}
    if errors:
        body["errors"] = {name: [translated(m) if isinstance(m, str) else m for m in messages]
                          if isinstance(messages, list) else messages for name, messages in errors.items()}
    if code:
        body["code"] = code
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="dvc-portal"'  # RFC 6750 §3
    return response


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every API error is answered (declared in the OpenAPI document)."""
    type = ma_fields.String(metadata={"example": "about:blank"})
    status = ma_fields.Integer(metadata={"example": 404})
    title = ma_fields.String()
    detail = ma_fields.String()
    code = ma_fields.String(metadata={"description": "a stable machine-readable reason, when there is one"})
    errors = ma_fields.Dict(keys=ma_fields.String(), values=ma_fields.List(ma_fields.String()),
                            metadata={"description": "messages by field (422)"})


def _keep_headers(response, exc: HTTPException):
    """The headers the exception carries (Allow on 405, Retry-After on 429) survive the problem body."""
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _page(status: int, detail: str | None = None):
    return render_template("errors/error.html", status=status, title=TITLES.get(status, "Lỗi"),
                           detail=detail or DETAILS.get(status, "")), status


def _webargs_errors(exc: HTTPException) -> dict | None:
    messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
    if not messages:
        return None
    flat = {}
    for _location, fields in messages.items():
        if isinstance(fields, dict):
            for name, msgs in fields.items():
                flat[name] = msgs if isinstance(msgs, list) else [str(msgs)]
    return flat


def install_error_handlers(app):
    @app.errorhandler(OperationError)
    def operation_error(exc: OperationError):
        if is_api():
            return problem(exc.status, exc.message, exc.errors or None, title=exc.title, code=exc.code)
        return _page(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if is_api():
            return problem(400, "Thiếu hoặc sai mã bảo vệ CSRF.")
        return _page(400, "Phiên làm việc đã hết hạn hoặc biểu mẫu thiếu mã bảo vệ. Vui lòng tải lại trang "
                          "và gửi lại.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if is_api():
            errors = _webargs_errors(exc)
            if errors:
                return problem(422, "Dữ liệu không hợp lệ.", errors)
            detail = exc.description if status not in (404, 405, 500) else None
            return _keep_headers(problem(status, detail if isinstance(detail, str) else None), exc)
        # Our own abort(…, "message") carries a Vietnamese sentence; werkzeug's defaults are English.
        own = exc.description if exc.description != type(exc).description else None
        body, status = _page(status, own)
        return _keep_headers(make_response(body, status), exc)

    @app.errorhandler(Exception)
    def unexpected(exc):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise exc
        return http_error(InternalServerError())

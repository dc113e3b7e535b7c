"""Text with a NUL character is refused at the door: no form or API field needs one, PostgreSQL cannot
store one, and letting it through would turn a typing accident or a probe into a 500."""
from flask import abort, request

MESSAGE = "Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."
# The payment gateway's callback answers in its own protocol whatever it is sent (a forged call gets 97).
PROTOCOL_ENDPOINTS = {"payments.vnpay_ipn"}


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def install_input_guard(app):
    @app.before_request
    def refuse_nul_characters():
        if request.endpoint in PROTOCOL_ENDPOINTS:
            return
        if "\x00" in request.path or any(_has_nul(v) for v in request.args.listvalues()):
            abort(400, MESSAGE)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if request.is_json:
                if _has_nul(request.get_json(silent=True)):
                    abort(400, MESSAGE)
            elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                if any(_has_nul(v) for v in request.form.listvalues()):
                    abort(400, MESSAGE)

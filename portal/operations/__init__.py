"""Operations: the functions that change state. They never commit; the view (or CLI command) commits once."""


class OperationError(Exception):
    """A request the rules refuse. `status` maps to HTTP; `message` is Vietnamese for the person."""

    status = 422
    title = "Yêu cầu không hợp lệ"

    def __init__(self, message: str, errors: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.code = code


class Invalid(OperationError):
    status = 422
    title = "Dữ liệu không hợp lệ"


class Forbidden(OperationError):
    status = 403
    title = "Không được phép"


class NotFound(OperationError):
    status = 404
    title = "Không tìm thấy"


class Conflict(OperationError):
    status = 409
    title = "Hồ sơ đã thay đổi"


class UnsupportedMedia(OperationError):
    status = 415
    title = "Định dạng tệp không được chấp nhận"


class TooLarge(OperationError):
    status = 413
    title = "Tệp quá lớn"

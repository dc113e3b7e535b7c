"""Staff and citizens acting on an application: one entry point for pages and the API."""
import unicodedata

from ..i18n import N_
from ..auth.permissions import can_assign_handler, can_be_handler_of
from ..extensions import db
from ..models import User
from . import Conflict, Forbidden, Invalid
from . import applications as application_ops
from .transitions import STALE_MESSAGE, fire, touch

# Actions that are more than a state change, carried out by the feature that owns them (the fee taken at
# the desk is a payment row first): registered at import (registry.HOOK_MODULES), so operations import
# no feature. Each is called as operation(application, actor, version=, note=) and fires the action itself.
_OPERATIONS = {}


def performs(action: str):
    def register(operation):
        if _OPERATIONS.get(action, operation) is not operation:
            raise RuntimeError(f"action {action!r} has two operations")
        _OPERATIONS[action] = operation
        return operation
    return register


def perform(application, action: str, actor, *, version: int | None, note: str = "", new_due_date=None,
            data: dict | None = None, legal_basis: str | None = None):
    if action == "submit":
        return application_ops.submit(application, actor, expected_version=version)
    if action == "resubmit":
        if version is not None and version != application.version:
            raise Conflict(STALE_MESSAGE, code="stale_version")
        return application_ops.resubmit(application, actor, data, note=note, expected_version=version)
    operation = _OPERATIONS.get(action)
    if operation is not None:
        return operation(application, actor, version=version, note=note)
    inputs = {}
    if new_due_date is not None:
        inputs["new_due_date"] = new_due_date
    if legal_basis:
        # The provision a refusal rests on (Circular 03/2025/TT-VPCP form 03); NFC like every stored text.
        inputs["legal_basis"] = unicodedata.normalize("NFC", legal_basis.strip())
    return fire(application, action, actor, note=note, inputs=inputs, expected_version=version)


def assign_handler(application, actor, handler_id: int, version: int | None = None):
    if not can_assign_handler(actor, application):
        raise Forbidden(N_("Chỉ cán bộ một cửa hoặc lãnh đạo của đơn vị đang giữ hồ sơ được phân công."))
    if version is not None and version != application.version:
        raise Conflict(STALE_MESSAGE, code="stale_version")
    handler = db.session.get(User, handler_id)
    if handler is None or not handler.active or not can_be_handler_of(handler, application):
        message = "Người được phân công phải là chuyên viên của đơn vị."
        raise Invalid(message, errors={"handler": [message]})
    application.handler_id = handler.id
    touch(application)
    return application

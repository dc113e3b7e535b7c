"""Processing through the API: what may I do, and do it."""
from flask_smorest import Blueprint

from ..i18n import N_
from ..auth.permissions import can_view_application
from ..extensions import csrf
from ..operations import Invalid
from ..operations import applications as ops
from ..operations.processing import assign_handler, perform
from ..operations.transitions import available_actions
from .common import api_user, load_body, token_required
from .schemas import ActionIn, ActionOut, ApplicationOut
from .application_out import application_answer

blp = Blueprint("api_actions", __name__, url_prefix="/api/v1/applications", description="Thao tác xử lý")
csrf.exempt(blp)


def _load(application_id):
    return ops.get_for(api_user(), application_id, can_view_application)


@blp.route("/<int:application_id>/actions", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, ActionOut(many=True))
@token_required
def list_actions(application_id):
    """Các thao tác người gọi được thực hiện lúc này"""
    application = _load(application_id)
    return [{"action": t.action, "label": t.label, "requires": list(t.requires)}
            for t in available_actions(application, api_user())]


@blp.route("/<int:application_id>/actions/<action>", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": ActionIn}}}, security=[{"bearerAuth": []}],
         responses={"403": {"description": "not allowed"}, "409": {"description": "stale version"},
                    "422": {"description": "invalid"}})
@blp.response(200, ApplicationOut)
@token_required
def fire_action(application_id, action):
    """Thực hiện một thao tác; `version` là phiên bản hồ sơ người gọi đã xem"""
    application = _load(application_id)
    body = load_body(ActionIn())
    if action == "assign":
        if body.get("handler") is None:
            raise Invalid(N_("Vui lòng chọn chuyên viên."), errors={"handler": [N_("Vui lòng chọn chuyên viên.")]})
        assign_handler(application, api_user(), body["handler"], version=body["version"])
    else:
        perform(application, action, api_user(), version=body["version"], note=body.get("note") or "",
                new_due_date=body.get("new_due_date"), data=body.get("data"),
                legal_basis=body.get("legal_basis"))
    return application_answer(application)

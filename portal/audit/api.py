"""/api/v1/admin/applications/<id>/history-proof: the signed proof of one application's history."""
from flask_smorest import Blueprint

from ..i18n import N_
from ..api.common import api_user, token_required
from ..auth.permissions import can_administer
from ..extensions import csrf, db
from ..models import Application
from ..operations import Forbidden, NotFound
from .proof import build_proof

blp = Blueprint("api_audit", __name__, url_prefix="/api/v1/admin", description="Quản trị")
csrf.exempt(blp)


@blp.route("/applications/<int:application_id>/history-proof", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@token_required
def history_proof(application_id):
    """Bằng chứng lịch sử hồ sơ: chuỗi băm các sự kiện, ký số bằng khóa của đơn vị đang giữ hồ sơ"""
    if not can_administer(api_user()):
        raise Forbidden(N_("Chỉ quản trị hệ thống được dùng chức năng này."))
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    return build_proof(application)

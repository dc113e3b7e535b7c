"""/api/v1/reports/submissions: what was sent to the reporting system, and sending a closed period now
(administrators; the page is /bao-cao/da-gui)."""
from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from ..api.common import api_user, load_body, token_required
from ..api.schemas import Lenient
from ..auth.permissions import can_administer
from ..extensions import csrf, db
from ..i18n import N_
from ..models import Unit
from ..operations import Forbidden, NotFound
from ..outbox.models import OutboxMessage
from .models import ReportSubmission
from .periods import parse_report_period
from .sending import send_period

blp = Blueprint("api_report_sending", __name__, url_prefix="/api/v1/reports",
                description="Báo cáo gửi Hệ thống thông tin báo cáo")
csrf.exempt(blp)
LIMIT = 500


class Delivery(Schema):
    id = fields.Integer()
    state = fields.String(metadata={"enum": ["pending", "sent", "failed"]})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)


class SubmissionOut(Schema):
    unit = fields.String(metadata={"description": "unit slug"})
    period = fields.String(metadata={"example": "2026-11"})
    version = fields.Integer()
    previous_version = fields.Integer(allow_none=True)
    payload_hash = fields.String()
    created_at = fields.DateTime()
    created = fields.Boolean(metadata={"description": "POST only: false when the figures were already sent"})
    outbox = fields.Nested(Delivery, allow_none=True)


class SendIn(Lenient):
    period = fields.String(required=True, metadata={"example": "2026-Q4"})
    unit = fields.String(load_default=None, metadata={"description": "unit slug; default: every unit"})


def _admin():
    if not can_administer(api_user()):
        raise Forbidden(N_("Chỉ quản trị hệ thống xem và gửi báo cáo tới Hệ thống thông tin báo cáo."))


def _out(submission, unit, message, created=None):
    out = {"unit": unit.slug, "period": submission.period, "version": submission.version,
           "previous_version": submission.previous_version, "payload_hash": submission.payload_hash,
           "created_at": submission.created_at,
           "outbox": None if message is None else {"id": message.id, "state": message.state,
                                                   "attempts": message.attempts,
                                                   "last_error": message.last_error, "sent_at": message.sent_at}}
    if created is not None:
        out["created"] = created
    return out


@blp.route("/submissions", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}], parameters=[
    {"in": "query", "name": "period", "schema": {"type": "string"}, "description": "2026-11 or 2026-Q4"},
    {"in": "query", "name": "unit", "schema": {"type": "string"}, "description": "unit slug"}])
@blp.response(200, SubmissionOut(many=True))
@token_required
def list_submissions():
    """Các phiên bản báo cáo đã gửi, mới nhất trước (theo thời điểm lập), với trạng thái gửi (quản trị)"""
    _admin()
    stmt = (select(ReportSubmission, Unit, OutboxMessage).join(Unit, Unit.id == ReportSubmission.unit_id)
            .outerjoin(OutboxMessage, OutboxMessage.id == ReportSubmission.outbox_message_id)
            .order_by(ReportSubmission.id.desc()).limit(LIMIT))
    if request.args.get("period"):
        stmt = stmt.where(ReportSubmission.period == parse_report_period(request.args["period"]).code)
    if request.args.get("unit"):
        stmt = stmt.where(Unit.slug == request.args["unit"])
    return [_out(*row) for row in db.session.execute(stmt).all()]


@blp.route("/submissions", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": SendIn}}}, security=[{"bearerAuth": []}],
         responses={"422": {"description": "a bad period, or one not over yet"}})
@blp.response(200, SubmissionOut(many=True))
@token_required
def send_submissions():
    """Gửi báo cáo một kỳ đã kết thúc; phiên bản mới khi số liệu thay đổi (quản trị)"""
    _admin()
    body = load_body(SendIn())
    period = parse_report_period(body["period"])
    unit = None
    if body.get("unit"):
        unit = db.session.execute(select(Unit).where(Unit.slug == body["unit"])).scalar_one_or_none()
        if unit is None:
            raise NotFound(N_("Không tìm thấy đơn vị."))
    outcomes = send_period(period, unit)
    messages = {m.id: m for m in db.session.execute(select(OutboxMessage).where(OutboxMessage.id.in_(
        [o.submission.outbox_message_id for o in outcomes if o.submission.outbox_message_id]))).scalars()}
    return [_out(o.submission, o.unit, messages.get(o.submission.outbox_message_id), o.created) for o in outcomes]

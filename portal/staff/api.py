"""The staff desk through the API: the inbox with counts and filters, the unit's register, and who may be
assigned. Firing actions and assigning are `POST /api/v1/applications/<id>/actions/<action>`
(api/actions.py)."""
from flask import abort
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..api.common import api_user, token_required
from ..api.schemas import ApplicationSummary, Lenient
from ..api.serializers import application_summary
from ..auth.permissions import is_staff, staff_can_see
from ..extensions import csrf, db
from ..models import Application
from ..operations import Invalid, NotFound
from ..operations.calendar import current_calendar
from ..operations.inbox import (DUE_FILTERS, PER_PAGE, InboxFilters, due_badge, inbox_counts, inbox_query,
                                unit_register_query)
from ..timeutil import vn_today
from .desk import assignable_handlers

blp = Blueprint("api_staff", __name__, url_prefix="/api/v1/staff", description="Bàn làm việc của cán bộ")
csrf.exempt(blp)


class InboxQuery(Lenient):
    service = fields.String(load_default="", metadata={"description": "slug of the service"})
    state = fields.String(load_default="",
                          metadata={"description": "one of the states waiting for your role"})
    due = fields.String(load_default="", validate=validate.OneOf(["", *DUE_FILTERS]),
                        metadata={"description": "overdue | soon (due within one working day)"})
    mine = fields.Boolean(load_default=False, metadata={"description": "only those assigned to me"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))


class RegisterQuery(Lenient):
    code = fields.String(load_default="", validate=validate.Length(max=60))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))


class BadgeOut(Schema):
    kind = fields.String(metadata={"description": "overdue | today | left | paused"})
    text = fields.String()
    days = fields.Integer(allow_none=True, metadata={"description": "working days left (or late)"})


class InboxItemOut(ApplicationSummary):
    handler = fields.String(allow_none=True)
    overdue_at = fields.DateTime(allow_none=True)
    badge = fields.Nested(BadgeOut, allow_none=True)


class CountsOut(Schema):
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer())
    overdue = fields.Integer()
    soon = fields.Integer()
    total = fields.Integer()


class PageOut(Schema):
    page = fields.Integer()
    pages = fields.Integer()
    total = fields.Integer()
    items = fields.List(fields.Nested(InboxItemOut))


class InboxOut(PageOut):
    counts = fields.Nested(CountsOut)


class HandlerOut(Schema):
    id = fields.Integer()
    full_name = fields.String()
    title = fields.String()


def _staff():
    user = api_user()
    if not is_staff(user):
        abort(403)
    return user


def _item(application, today, calendar) -> dict:
    out = application_summary(application)
    badge = due_badge(application, today, calendar)
    out.update(handler=application.handler.full_name if application.handler else None,
               overdue_at=application.overdue_at,
               badge={"kind": badge.kind, "text": badge.text, "days": badge.days} if badge else None)
    return out


def _page_out(page, today, calendar) -> dict:
    return {"page": page.page, "pages": page.pages, "total": page.total,
            "items": [_item(a, today, calendar) for a in page.items]}


@blp.route("/inbox", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(InboxQuery, location="query")
@blp.response(200, InboxOut)
@token_required
def inbox(query):
    """Hộp việc: hồ sơ chờ vai trò của tôi tại đơn vị, số lượng theo trạng thái, sắp xếp theo ngày hẹn trả"""
    user = _staff()
    filters = InboxFilters.from_args({**query, "mine": "1" if query["mine"] else ""}, user)
    if query["state"] and filters.state != query["state"]:
        message = "Trạng thái này không thuộc hộp việc của vai trò bạn."
        raise Invalid(message, errors={"state": [message]})
    today, calendar = vn_today(), current_calendar()
    page = db.paginate(inbox_query(user, filters, today, calendar), page=query["page"], per_page=PER_PAGE,
                       error_out=False)
    counts = inbox_counts(user, today, calendar)
    out = _page_out(page, today, calendar)
    out["counts"] = {"by_state": counts.by_state, "overdue": counts.overdue, "soon": counts.soon,
                     "total": counts.total}
    return out


@blp.route("/applications", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(RegisterQuery, location="query")
@blp.response(200, PageOut)
@token_required
def unit_register(query):
    """Tất cả hồ sơ của đơn vị (đang ở, đã tiếp nhận hoặc đã xử lý), tra cứu theo mã"""
    user = _staff()
    today, calendar = vn_today(), current_calendar()
    page = db.paginate(unit_register_query(user, query["code"]), page=query["page"], per_page=PER_PAGE,
                       error_out=False)
    return _page_out(page, today, calendar)


@blp.route("/applications/<int:application_id>/handlers", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, HandlerOut(many=True))
@token_required
def handlers(application_id):
    """Chuyên viên có thể được phân công (cho cán bộ một cửa hoặc lãnh đạo của đơn vị đang giữ hồ sơ)"""
    user = _staff()
    application = db.session.get(Application, application_id)
    if application is None or not staff_can_see(user, application):
        raise NotFound("Không tìm thấy hồ sơ.")
    return [{"id": h.id, "full_name": h.full_name, "title": h.title or ""}
            for h in assignable_handlers(application, user)]

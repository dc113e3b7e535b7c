"""GET /api/v1/reports/summary?unit=&from=&to=: the period figures of DESIGN.md §7."""
from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..api.common import api_user, token_required
from ..extensions import csrf
from .access import report_unit
from .metrics import parse_period, summary

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports", description="Báo cáo")
csrf.exempt(blp)


class Received(Schema):
    carried_over = fields.Integer()
    online = fields.Integer()
    counter = fields.Integer()


class Resolved(Schema):
    early = fields.Integer()
    on_time = fields.Integer()
    late = fields.Integer()


class InProgress(Schema):
    on_time = fields.Integer()
    overdue = fields.Integer()


class Satisfaction(Schema):
    satisfied = fields.Integer()
    normal = fields.Integer()
    unsatisfied = fields.Integer()


class Digitised(Schema):
    applications = fields.Integer(metadata={"description": "received in the period with digitised documents"})
    results = fields.Integer(metadata={"description": "results digitised (scanned) in the period"})


class SummaryOut(Schema):
    received = fields.Nested(Received)
    resolved = fields.Nested(Resolved)
    in_progress = fields.Nested(InProgress)
    waiting_citizen = fields.Integer()
    refused = fields.Integer()
    withdrawn = fields.Integer()
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "(early + on_time) / resolved"})
    online_rate = fields.Float(allow_none=True, metadata={"description": "online / (online + counter)"})
    satisfaction = fields.Nested(Satisfaction)
    digitised = fields.Nested(Digitised)
    paid_online = fields.Integer(metadata={"description": "fees paid through the gateway in the period"})
    average_days = fields.Float(allow_none=True, metadata={
        "description": "mean working days from receipt to resolution of the period's resolutions"})
    national_synced = fields.Integer(metadata={
        "description": "received in the period with a status delivered to the national portal"})


@blp.route("/summary")
@blp.doc(security=[{"bearerAuth": []}], parameters=[
    {"in": "query", "name": "unit", "schema": {"type": "string"},
     "description": "unit slug (default: yours)"},
    {"in": "query", "name": "from", "schema": {"type": "string", "format": "date"}},
    {"in": "query", "name": "to", "schema": {"type": "string", "format": "date"}}])
@blp.response(200, SummaryOut)
@token_required
def report_summary():
    """Figures for the unit and its children over [from, to] (Vietnam dates; default: this month)."""
    unit = report_unit(api_user(), request.args.get("unit"))
    period = parse_period(request.args.get("from"), request.args.get("to"))
    return summary(unit, period)

"""/bao-cao/da-gui: what was sent to the reporting system, per period and unit, with the state of each
version's outbox message; and a form to send (or resend, after a correction) a closed period now.
Administrators only. The request commits once at its end (portal/unit_of_work.py)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired

from ..auth.permissions import can_administer
from ..extensions import db
from ..models import Unit
from ..outbox.models import OutboxMessage
from ..unit_of_work import refusal_into
from .models import ReportSubmission
from .periods import parse_report_period
from .sending import reporting_url, schedule_daily, send_period

bp = Blueprint("report_sending", __name__, url_prefix="/bao-cao/da-gui")
PAGE_SIZE = 300


@bp.record_once
def _schedule(state):
    schedule_daily(state.app)  # the daily job, when RQ is configured (REDIS_URL)


class SendForm(FlaskForm):
    period = StringField(_l("Kỳ báo cáo"), validators=[DataRequired(_l("Nhập kỳ báo cáo."))])
    unit = SelectField(_l("Đơn vị"), choices=[], validate_choice=True)


def _form(units) -> SendForm:
    form = SendForm()
    form.unit.choices = [("", _("Tất cả đơn vị"))] + [(u.slug, u.name) for u in units]
    return form


def _units():
    return db.session.execute(select(Unit).where(Unit.active.is_(True), Unit.merged_into_id.is_(None))
                              .order_by(Unit.level, Unit.name)).scalars().all()


def _rows(period: str | None, unit_slug: str | None):
    stmt = (select(ReportSubmission, Unit, OutboxMessage)
            .join(Unit, Unit.id == ReportSubmission.unit_id)
            .outerjoin(OutboxMessage, OutboxMessage.id == ReportSubmission.outbox_message_id)
            .order_by(ReportSubmission.id.desc())
            .limit(PAGE_SIZE))
    if period:
        stmt = stmt.where(ReportSubmission.period == period)
    if unit_slug:
        stmt = stmt.where(Unit.slug == unit_slug)
    return db.session.execute(stmt).all()


def _periods():
    return db.session.execute(select(ReportSubmission.period).distinct()
                              .order_by(ReportSubmission.period.desc())).scalars().all()


def _admin_only():
    if not can_administer(current_user):
        abort(403)


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    _admin_only()
    units = _units()
    form = _form(units)
    if request.method == "POST" and form.validate_on_submit():
        with refusal_into(form, fallback="period"):
            period = parse_report_period(form.period.data)
            unit = next((u for u in units if u.slug == form.unit.data), None)
            outcomes = send_period(period, unit)
            created = sum(1 for o in outcomes if o.created)
            flash(_("Kỳ %(period)s: %(created)d báo cáo mới đưa vào hàng gửi, %(same)d không thay đổi.",
                    period=period.code, created=created, same=len(outcomes) - created), "success")
            return redirect(url_for(".index", period=period.code))
    chosen_period = (request.args.get("period") or "").strip().upper() or None
    chosen_unit = (request.args.get("unit") or "").strip() or None
    return render_template("reports/sending.html", form=form, rows=_rows(chosen_period, chosen_unit),
                           periods=_periods(), units=units, chosen_period=chosen_period,
                           chosen_unit=chosen_unit, receiver=reporting_url(), page_size=PAGE_SIZE)

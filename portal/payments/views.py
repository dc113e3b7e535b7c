"""Payment pages: the citizen's online payment, the return from the gateway, the gateway's IPN call, and
the receiver's "fee taken at the desk". Views validate and call an operation; the request commits once
(portal/unit_of_work.py), except the IPN, which must know that its commit held before it answers."""
import logging

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from ..i18n import N_
from ..auth.permissions import has_role, owns_application, staff_can_see
from ..extensions import csrf, db
from ..models import Application
from ..operations import NotFound
from ..unit_of_work import discard_changes
from . import vnpay
from .operations import (STATE_LABELS, gateway_redirect, handle_ipn, handle_return, payments_of,
                         record_desk_payment, start_online_payment)

log = logging.getLogger(__name__)

bp = Blueprint("payments", __name__, url_prefix="/payments")


@bp.app_template_global("application_payments")
def application_payments(application):
    """For the citizen's and the staff's application pages, which include this feature's boxes."""
    return payments_of(application)


@bp.app_context_processor
def _labels():
    return {"payment_state_labels": STATE_LABELS}


class PayForm(FlaskForm):
    """Only the CSRF token: the amount is the application's fee, never something the browser sends."""


class DeskPaymentForm(FlaskForm):
    note = TextAreaField(_l("Ghi chú (số biên lai giấy, hình thức thu…)"),
                         validators=[Optional(), Length(max=500)])


def _application(application_id) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    return application


def can_pay_online(application) -> bool:
    return (application.state == "awaiting_payment" and application.service_version.online_level == 4
            and application.fee_amount > 0 and application.paid_at is None)


def _application_page(application) -> str:
    """Where the application itself is shown to this user: the staff desk page or the citizen's page."""
    endpoint = "staff.application" if getattr(current_user, "is_staff", False) else "citizen.application"
    return url_for(endpoint, application_id=application.id)


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@login_required
def pay_online(application_id):
    application = _application(application_id)
    if not owns_application(current_user, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    form = PayForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        payment = start_online_payment(application, current_user)
        url = gateway_redirect(payment, return_url=url_for("payments.vnpay_return", _external=True),
                               client_ip=request.remote_addr or "127.0.0.1",
                               locale=getattr(current_user, "locale", "vi"))
        return redirect(url, code=303)
    return render_template("payments/pay.html", application=application, form=form,
                           payable=can_pay_online(application), payments=payments_of(application),
                           state_labels=STATE_LABELS)


@bp.get("/vnpay/return")
@login_required
def vnpay_return():
    outcome = handle_return(request.args.to_dict(), current_user)
    return render_template("payments/return.html", outcome=outcome,
                           application_url=_application_page(outcome.application) if outcome.application
                           else None)


@bp.get("/vnpay/ipn")
@csrf.exempt
def vnpay_ipn():
    """Called by the gateway, server to server. Always a 200 with the protocol's JSON reply."""
    try:
        reply = handle_ipn(request.args.to_dict())
        # The one commit of a view (see portal/unit_of_work.py): the gateway may be told "confirmed" only
        # once the confirmation is stored, and a failed commit must still answer 99 (call again), not a 500.
        db.session.commit()
    except Exception:  # answer 99 so VNPay calls again, rather than leave the payment unconfirmed
        discard_changes()
        log.exception("IPN for %s failed", request.args.get("vnp_TxnRef"))
        reply = vnpay.ipn_reply(vnpay.IPN_UNKNOWN_ERROR)
    return jsonify(reply)


@bp.route("/applications/<int:application_id>/desk", methods=["GET", "POST"])
@login_required
def desk_payment(application_id):
    application = _application(application_id)
    if not staff_can_see(current_user, application):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    allowed = (has_role(current_user, "receiver") and current_user.unit_id == application.current_unit_id
               and application.state == "awaiting_payment" and application.paid_at is None
               and application.fee_amount > 0)
    form = DeskPaymentForm()
    if request.method == "POST" and form.validate_on_submit():
        record_desk_payment(application, current_user, note=form.note.data or "")
        flash(_("Đã ghi nhận thu phí, lệ phí tại quầy và chuyển hồ sơ sang giải quyết."), "success")
        return redirect(_application_page(application), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("payments/desk.html", application=application, form=form, allowed=allowed,
                           payments=payments_of(application), state_labels=STATE_LABELS), status

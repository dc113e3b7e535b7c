"""Nhận hồ sơ nộp tại quầy: a citizen links a counter application entered for them (before they had an
account) to their account, by its code, their identification number and a one-time code sent by SMS to the
phone the desk entered (portal/citizen/claiming.py)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from ..auth.permissions import can_claim
from ..forms_common import nfc
from ..operations import OperationError
from . import claiming as claims
from ..unit_of_work import refusal_into

bp = Blueprint("claim", __name__)


class ClaimForm(FlaskForm):
    code = StringField(_l("Mã hồ sơ"), filters=[nfc],
                       description=_l("In trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."))
    national_id = StringField(_l("Số định danh cá nhân"), filters=[nfc], render_kw={"inputmode": "numeric"})
    otp = StringField(_l("Mã xác nhận"), filters=[nfc],
                      render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
                      description=_l("6 chữ số gửi bằng tin nhắn đến số điện thoại đã khai tại quầy."))


@bp.route("/ho-so/nhan-ho-so-tai-quay", methods=["GET", "POST"])
@login_required
def claim():
    if not can_claim(current_user):
        abort(403)
    user = current_user._get_current_object()
    form = ClaimForm()
    if request.method == "POST" and form.validate():
        if request.form.get("intent") == "confirm":
            with refusal_into(form, fallback="otp", catch=(OperationError,), category=None):
                application = claims.confirm(user, form.code.data, form.national_id.data, form.otp.data)
                flash(_("Hồ sơ %(code)s đã được nhận vào tài khoản của ông/bà.", code=application.code), "success")
                return redirect(url_for("citizen.application", application_id=application.id), code=303)
            return _page(form, request.form.get("sent_to") or "…", 422)
        with refusal_into(form, fallback="code", catch=(OperationError,), category=None):
            _claim, sent_to = claims.request_code(user, form.code.data, form.national_id.data)
            return _page(form, sent_to)
        return _page(form, None, 422)
    return _page(form, None)


def _page(form, sent_to, status=200):
    return render_template("citizen/claim.html", form=form, sent_to=sent_to,
                           minutes=claims.CLAIM_CODE_MINUTES), status

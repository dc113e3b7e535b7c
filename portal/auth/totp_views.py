"""The two-step sign-in pages of administrators and leaders (before their session exists): the code page and,
at the first sign-in, the enrolment page with its QR code. The URLs stay under /quan-tri, where they began."""
from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..extensions import limiter
from ..forms_common import nfc
from . import totp
from .accounts import start_session

bp = Blueprint("two_factor", __name__, url_prefix="/quan-tri/xac-thuc-hai-buoc")


class CodeForm(FlaskForm):
    code = StringField(_l("Mã xác thực"), filters=[nfc],
                       validators=[DataRequired(_l("Vui lòng nhập mã xác thực.")), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True})
    submit = SubmitField(_l("Xác nhận"))


def _finish_sign_in(person, pending):
    from .views import _safe_next, home_for
    start_session(person, pending.get("remember", False))  # committed with the request
    return _safe_next(pending.get("next")) or home_for(person)


def _expired():
    flash(_("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại."), "warning")
    return redirect(url_for("auth.login"))


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def code():
    person, pending = totp.pending_user()
    if person is None:
        return _expired()
    if not person.totp_secret:
        return redirect(url_for("two_factor.enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        if totp.verify_code(person, form.code.data):
            target = _finish_sign_in(person, pending)
            flash(_("Xin chào %(name)s.", name=person.full_name), "success")
            if person.recovery_codes is not None and len(person.recovery_codes) <= 2:
                flash(_("Bạn sắp hết mã khôi phục; hãy liên hệ quản trị để cấp lại."), "warning")
            return redirect(target)
        left = totp.count_failure(pending)
        form.code.errors.append(_("Mã xác thực không đúng hoặc đã được dùng. Còn %(n)s lần thử.", n=left)
                                if left > 0 else
                                _("Mã xác thực không đúng hoặc đã được dùng. Vui lòng đăng nhập lại."))
    return render_template("auth/two_factor.html", form=form, person=person)


@bp.route("/dang-ky", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def enrol():
    person, pending = totp.pending_user()
    if person is None:
        return _expired()
    if person.totp_secret:
        return redirect(url_for("two_factor.code"))
    secret = totp.enrolment_secret(pending)
    form = CodeForm()
    if form.validate_on_submit():
        codes = totp.enrol(person, secret, form.code.data)
        if codes is not None:
            target = _finish_sign_in(person, pending)
            return _no_store(make_response(render_template("auth/recovery_codes.html", codes=codes,
                                                           target=target, person=person)))
        left = totp.count_failure(pending)
        message = _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại rồi nhập mã mới.")
        form.code.errors.append(message + " " + _("Còn %(n)s lần thử.", n=left) if left > 0 else message)
    uri = totp.provisioning_uri(person, secret)
    return _no_store(make_response(render_template("auth/two_factor_setup.html", form=form, person=person,
                                                   secret=secret, qr=totp.qr_svg(uri))))

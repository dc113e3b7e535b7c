"""/tai-khoan: the signed-in person's account; /tai-khoan/doi-email and the confirmation link's page."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.national_identity_models import NationalIdentity
from ..auth.passwords import has_password, verify_password
from ..auth.permissions import can_change_own_email
from ..auth.throttle import throttle
from ..extensions import db, limiter
from ..notifications.recipients import deliverable
from ..operations import Conflict, Invalid
from ..unit_of_work import refusal_into
from . import email_change
from .forms import ChangeEmailForm, ConfirmEmailForm, NewEmailForm

bp = Blueprint("account", __name__)


def _per_account() -> str:
    return f"account:{current_user.get_id()}"


def _private(page: str, status: int = 200):
    """The account's own pages: never cached, and a confirmation link never leaks through a Referer."""
    return page, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.get("/tai-khoan")
@login_required
def index():
    user = current_user._get_current_object()
    linked = db.session.scalar(select(NationalIdentity.id).where(NationalIdentity.user_id == user.id))
    return _private(render_template("account/index.html", person=user, email=deliverable(user.email),
                                    has_password=has_password(user), national_identity=linked is not None,
                                    can_change_email=can_change_own_email(user)))


@bp.route("/tai-khoan/doi-email", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["EMAIL_CHANGE_RATE_LIMIT"], key_func=_per_account, methods=["POST"])
def change_email():
    user = current_user._get_current_object()
    if not can_change_own_email(user):
        abort(403)
    needs_password = has_password(user)
    form = ChangeEmailForm() if needs_password else NewEmailForm()
    if form.validate_on_submit():
        wait = throttle().retry_after("web", user.email) if needs_password else 0
        if wait:
            form.password.errors.append(_("Nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
                                          minutes=-(-wait // 60)))
            page = render_template("account/change_email.html", form=form)
            return page, 429, {"Retry-After": str(wait), "Cache-Control": "no-store"}
        if needs_password and not verify_password(user.password_hash, form.password.data):
            throttle().failed("web", user.email)  # a guess at the password counts as a wrong sign-in
            form.password.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            with refusal_into(form, category=None):
                email_change.request_change(user, form.email.data)
                return _private(render_template("account/email_link_sent.html", address=form.email.data,
                                                hours=email_change.max_age() // 3600))
    return _private(render_template("account/change_email.html", form=form), 422 if form.errors else 200)


@bp.route("/tai-khoan/xac-nhan-email/<token>", methods=["GET", "POST"])
@login_required
def confirm_email(token):
    user = current_user._get_current_object()
    address = email_change.address_in(token, user) if can_change_own_email(user) else None
    if address is None:
        return _private(render_template("account/confirm_email.html", form=None, address=None), 410)
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        with refusal_into(form, catch=(Invalid, Conflict)):
            email_change.confirm_change(user, token)
            flash(_("Đã đổi email của tài khoản. Các phiên đăng nhập khác đã được đăng xuất."), "success")
            return redirect(url_for("account.index"), code=303)
        return _private(render_template("account/confirm_email.html", form=form, address=address), 409)
    return _private(render_template("account/confirm_email.html", form=form, address=address))

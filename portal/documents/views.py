"""Pages of the documents feature: public verification, downloads, revocation, the control sheet and the
register. Views check access with the named predicates; the request commits once (portal/unit_of_work.py)."""
from __future__ import annotations

from datetime import date

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from services.forms import build_form_class, form_values, serialize

from ..auth.permissions import (can_download_register, can_revoke_document, can_view_control_sheet,
                                can_view_document)
from ..extensions import db, limiter
from ..forms_common import nfc
from ..i18n import current_language
from ..models import Application, Document
from ..operations.catalogue import definition_of
from ..public.verify_form import unknown_code_page
from ..timeutil import vn_today
from ..unit_of_work import refusal_into
from .correction import correct_result, correctable
from .issue import read_document, revoke_document
from .qr import qr_svg
from .receipt_online import record_online_receipt
from .sheets import MAX_REGISTER_DAYS, render_control_sheet, render_register
from .verify import find_by_code, verification

bp = Blueprint("documents", __name__)
bp.add_app_template_global(can_revoke_document, "can_revoke_document")
bp.add_app_template_global(correctable, "document_correctable")


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Lý do thu hồi"), filters=[nfc], validators=[
        DataRequired(_l("Vui lòng nhập lý do thu hồi văn bản.")),
        Length(max=2000, message=_l("Không quá 2000 ký tự."))])


class RegisterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that only reads: the period goes in the URL

    start = DateField(_l("Từ ngày"), validators=[DataRequired(_l("Vui lòng chọn ngày bắt đầu."))])
    end = DateField(_l("Đến ngày"), validators=[DataRequired(_l("Vui lòng chọn ngày kết thúc."))])

    def validate_end(self, field):
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))
            if (field.data - self.start.data).days > MAX_REGISTER_DAYS:
                raise ValidationError(_l("Mỗi lần in tối đa một năm."))


def pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def document_filename(document: Document) -> str:
    return f"{document.kind}-{document.code}.pdf"


def _document_for(user, document_id: int, predicate=can_view_document) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or not predicate(user, document):
        abort(404)
    return document


def verify_rate_limit():
    # Each check reads and validates a signed file: the public endpoints share the lookup's limit.
    return current_app.config.get("LOOKUP_RATE_LIMIT", "20 per minute")


@bp.route("/verify/<code>")
@limiter.limit(verify_rate_limit)
def verify(code):
    document = find_by_code(code)
    if document is None:
        return unknown_code_page(code)  # the form again, with a message that says what went wrong
    info = verification(document)
    return render_template("public/verify.html", info=info, qr=qr_svg(request.url))


@bp.route("/van-ban/<int:document_id>")
@login_required
def download(document_id):
    document = _document_for(current_user, document_id)
    response = pdf_response(read_document(document), document_filename(document))
    record_online_receipt(document, current_user._get_current_object())
    return response


@bp.route("/van-ban/<int:document_id>/thu-hoi", methods=["GET", "POST"])
@login_required
def revoke(document_id):
    document = _document_for(current_user, document_id)
    if not can_revoke_document(current_user, document):
        abort(403)
    form = RevokeForm()
    if form.validate_on_submit():
        with refusal_into(form, fallback="reason"):
            revoke_document(document, current_user, form.reason.data)
            flash(_("Đã thu hồi văn bản số %(number)s.", number=document.number), "success")
            return redirect(url_for("documents.verify", code=document.code))
    return render_template("documents_pages/revoke.html", form=form, document=document,
                           info=verification(document)), (422 if form.errors else 200)


def correction_form_class(definition):
    """The service's own form (same fields, same validators) plus the reason for the correction."""
    base = build_form_class(definition, base=FlaskForm, locale=current_language())

    class CorrectionForm(base):
        reason = TextAreaField(_l("Lý do đính chính"), filters=[nfc], validators=[
            DataRequired(_l("Vui lòng nêu lý do đính chính.")), Length(max=2000, message=_l("Không quá 2000 ký tự."))])
    return CorrectionForm


@bp.route("/van-ban/<int:document_id>/dinh-chinh", methods=["GET", "POST"])
@login_required
def correct(document_id):
    document = _document_for(current_user, document_id)
    if not can_revoke_document(current_user, document) or not correctable(document):
        abort(403)
    application = document.application
    definition = definition_of(application.service_version)
    form_class = correction_form_class(definition)
    form = form_class() if request.method == "POST" else form_class(data=form_values(definition,
                                                                                     application.data))
    if form.validate_on_submit():
        with refusal_into(form, fallback="reason"):
            corrected = correct_result(document, current_user._get_current_object(), serialize(form),
                                       form.reason.data)
            flash(_("Đã cấp văn bản đính chính số %(new)s, thay thế văn bản số %(old)s.", new=corrected.number,
                    old=document.number),
                  "success")
            return redirect(url_for("staff.application", application_id=application.id))
    return render_template("documents_pages/correct.html", form=form, document=document,
                           definition=definition), (422 if form.errors else 200)


@bp.route("/ho-so/<int:application_id>/phieu-kiem-soat")
@login_required
def control_sheet(application_id):
    application = db.session.get(Application, application_id)
    if application is None or not can_view_control_sheet(current_user, application):
        abort(404)
    pdf = render_control_sheet(application, unit=current_user.unit, actor=current_user)
    return pdf_response(pdf, f"phieu-kiem-soat-{application.code or application.id}.pdf")


@bp.route("/van-ban/so-theo-doi")
@login_required
def register():
    unit = current_user.unit if current_user.is_authenticated else None
    if not can_download_register(current_user, unit):
        abort(404)
    form = RegisterForm(request.args if request.args else None)
    if request.args and form.validate():
        pdf = render_register(unit, form.start.data, form.end.data, actor=current_user)
        return pdf_response(pdf, f"so-theo-doi-{unit.slug}-{form.start.data}-{form.end.data}.pdf")
    if not request.args:
        today = vn_today()
        form.start.data, form.end.data = date(today.year, today.month, 1), today
    status = 422 if form.errors else 200
    return render_template("documents_pages/register.html", form=form, unit=unit), status

"""Pages: the citizen's electronic store ("Kho dữ liệu của tôi"), the staff page that digitises a result issued
on paper, and the template global the document slots use to offer what may be reused."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField

from ..auth.permissions import can_digitise_result, can_view_application, is_citizen
from ..citizen.forms import ACCEPTED_TYPES
from ..documents.digitised_results import OUTSIDE_STATES, RESULT_STATES, check_allowed, digitise_result
from ..forms_common import nfc
from ..operations import Forbidden, Invalid, TooLarge, UnsupportedMedia
from ..operations import applications as ops
from ..operations import digitised as store
from ..unit_of_work import refusal_into
from .slots import field_name

bp = Blueprint("digitised", __name__)


@bp.app_template_global("reuse_options")
def reuse_options(application=None, national_id=None) -> list:
    """What the signed-in person may reuse in `application` (or in a new one: the citizen's own store, or
    at the desk the store of the identification number typed in). Never raises: no choice is offered."""
    if not current_user.is_authenticated:
        return []
    try:
        if application is not None:
            return store.store_for_application(current_user, application)
        return store.store_for_new_application(current_user, (national_id or "").strip())
    except (Invalid, Forbidden, store.NotFound):
        return []


@bp.app_template_global("reuse_field_name")
def reuse_field_name(document_key: str) -> str:
    return field_name(document_key)


bp.add_app_template_global(can_digitise_result, "can_digitise_result")


@bp.get("/kho-du-lieu")
@login_required
def my_store():
    if not is_citizen(current_user):
        abort(403)  # staff find a person's store from an application they act on
    items = store.citizen_store(current_user)
    return render_template("digitised/store.html", items=items)


class DigitisedResultForm(FlaskForm):
    file = FileField(_l("Bản quét kết quả"), render_kw={"accept": ACCEPTED_TYPES},
                     description=_l("PDF, JPEG hoặc PNG. Ảnh được lưu thành tệp PDF một trang."))
    number = StringField(_l("Số văn bản"), filters=[nfc], render_kw={"maxlength": 40, "autocomplete": "off"},
                         description=_l("Số, ký hiệu in trên kết quả, ví dụ 15/2026/QĐ-UBND."))
    date = StringField(_l("Ngày ban hành"), render_kw={"type": "date"})
    decided_outside = BooleanField(_l("Kết quả được giải quyết ngoài Cổng (hồ sơ trên Cổng chưa có kết quả)"))


@bp.route("/can-bo/ho-so/<int:application_id>/so-hoa-ket-qua", methods=["GET", "POST"])
@login_required
def digitise(application_id):
    application = ops.get_for(current_user, application_id, can_view_application)
    form = DigitisedResultForm()
    outside_allowed = application.state in OUTSIDE_STATES
    if request.method == "GET":
        check_allowed(current_user, application, decided_outside=outside_allowed)  # 404 / 403 / 422 page
        return render_template("digitised/result_form.html", form=form, application=application,
                               outside_allowed=outside_allowed)
    if form.validate_on_submit():  # the CSRF token; every value is checked by the operation
        upload = form.file.data if getattr(form.file.data, "filename", None) else None
        with refusal_into(form, catch=(Invalid, UnsupportedMedia, TooLarge)):
            document = digitise_result(application, current_user, upload.stream if upload else None,
                                       upload.filename if upload else None, form.number.data, form.date.data,
                                       decided_outside=form.decided_outside.data)
            flash(_("Đã số hóa kết quả số %(number)s.", number=document.number), "success")
            return redirect(url_for("staff.application", application_id=application.id), code=303)
    return render_template("digitised/result_form.html", form=form, application=application,
                           outside_allowed=outside_allowed, result_states=RESULT_STATES), 422

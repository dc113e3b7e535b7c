"""The administrators' page of national procedure codes (/quan-tri/ma-thu-tuc-dvcqg): which code the national
portal knows each service by, province-wide or for a unit and the units below it (portal/national/mapping.py)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..admin.forms import LEVEL_LABELS, ConfirmForm, choices
from ..admin.views import admin_required
from ..extensions import db
from ..forms_common import nfc
from ..models import Service, Unit
from ..operations import NotFound
from ..unit_of_work import refusal_into
from . import mapping

bp = Blueprint("national_codes", __name__, url_prefix="/quan-tri/ma-thu-tuc-dvcqg")

PROVINCE = "__province__"


class MappingForm(FlaskForm):
    service = SelectField(_l("Thủ tục"), validators=[DataRequired(_l("Vui lòng chọn thủ tục."))])
    unit = SelectField(_l("Áp dụng cho"), validators=[DataRequired(_l("Vui lòng chọn phạm vi áp dụng."))])
    national_code = StringField(_l("Mã thủ tục trên Cổng DVCQG"), filters=[nfc],
                                validators=[DataRequired(_l("Vui lòng nhập mã thủ tục.")), Length(max=40)],
                                description=_l("Ví dụ 1.004873, hoặc mã biến thể của tỉnh như 1.004873.000.00.00.H62."))
    submit = SubmitField(_l("Lưu"))


def _services():
    return db.session.execute(select(Service).where(Service.current_version_id.is_not(None))
                              .order_by(Service.slug)).scalars().all()


def _form() -> MappingForm:
    form = MappingForm()
    services = [(s.slug, f"{s.current.name} ({s.current.code})") for s in _services()]
    form.service.choices = choices([("", _("— Chọn —"))] + services)
    units = db.session.execute(select(Unit).where(Unit.active.is_(True)).order_by(Unit.level, Unit.name)).scalars()
    form.unit.choices = choices([(PROVINCE, _("Toàn tỉnh"))] + [
        (u.slug, f"{u.name} ({LEVEL_LABELS.get(u.level, u.level)})") for u in units])
    return form


@bp.route("", methods=["GET", "POST"])
@admin_required
def index():
    form = _form()
    if form.validate_on_submit():
        service = db.session.execute(select(Service).where(Service.slug == form.service.data)).scalar_one_or_none()
        unit = None if form.unit.data == PROVINCE else db.session.execute(
            select(Unit).where(Unit.slug == form.unit.data)).scalar_one_or_none()
        if service is None or (unit is None and form.unit.data != PROVINCE):
            abort(400)
        with refusal_into(form):
            row = mapping.set_mapping(current_user._get_current_object(), service, unit, form.national_code.data)
            flash(_("Đã lưu mã %(code)s cho thủ tục %(service)s.", code=row.national_code,
                    service=service.current.name), "success")
            return redirect(url_for("national_codes.index"))
    rows = mapping.mappings()
    return render_template("admin/national_codes.html", form=form, rows=rows, services=_services(),
                           confirm=ConfirmForm())


@bp.route("/<int:mapping_id>/xoa", methods=["POST"])
@admin_required
def remove(mapping_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        mapping.remove_mapping(current_user._get_current_object(), mapping_id)
    except NotFound:
        abort(404)
    flash(_("Đã xóa mã thủ tục; thủ tục dùng lại mã mặc định."), "success")
    return redirect(url_for("national_codes.index"))

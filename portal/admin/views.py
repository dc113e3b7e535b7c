"""Administration pages (/quan-tri): services, units, staff, calendar, workflows. The request commits once
at its end (portal/unit_of_work.py); a refused change is shown on its form with `refusal_into`."""
from functools import wraps

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice
from sqlalchemy import func, select

from ..auth.permissions import can_administer
from ..extensions import db, login_manager
from ..i18n import current_language, translated, vi_option
from ..models import Application, AuditLog, Service, Unit, User
from ..operations import Invalid
from ..unit_of_work import refusal_into
from ..workflows_registry import all_workflows
from . import calendar_admin, diagram, services_admin, staff, units
from .forms import (LEVEL_LABELS, AssignForm, ConfirmForm, MergeForm, OverrideForm,
                    ServiceImportForm,
                    ServiceTextForm, StaffForm, TwoLevelForm, UnitForm, choices)

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not can_administer(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _actor():
    return current_user._get_current_object()


def _unit_choices(include_blank=True, active_only=True):
    stmt = select(Unit).order_by(Unit.level, Unit.name)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    pairs = [("", _("— Không có —"))] if include_blank else [("", _("— Chọn —"))]
    # A unit's name is a Vietnamese proper name, also on English pages.
    return choices(pairs) + [SelectChoice(u.slug, f"{u.name} ({LEVEL_LABELS.get(u.level, u.level)})",
                                          render_kw=vi_option()) for u in db.session.execute(stmt).scalars()]


def _unit_by_slug(slug):
    if not slug:
        return None
    return db.session.execute(select(Unit).where(Unit.slug == slug)).scalar_one_or_none()


def _get_unit_or_404(slug) -> Unit:
    unit = _unit_by_slug(slug)
    if unit is None:
        abort(404)
    return unit


# -- home ----------------------------------------------------------------------------------------

@bp.route("/")
@admin_required
def index():
    counts = {
        "services": db.session.execute(select(func.count()).select_from(Service)
                                       .where(Service.active)).scalar(),
        "units": db.session.execute(select(func.count()).select_from(Unit).where(Unit.active)).scalar(),
        "staff": db.session.execute(select(func.count()).select_from(User)
                                    .where(User.kind == "staff", User.active)).scalar(),
        "applications": db.session.execute(select(func.count()).select_from(Application)).scalar(),
    }
    recent = db.session.execute(select(AuditLog).order_by(AuditLog.id.desc()).limit(15)).scalars().all()
    people = {r.actor_id for r in recent} | {r.target_user_id for r in recent}
    actors = {u.id: u for u in db.session.execute(
        select(User).where(User.id.in_(people - {None}))).scalars()}  # those who acted and those acted on
    return render_template("admin/index.html", counts=counts, recent=recent, actors=actors)


# -- units ---------------------------------------------------------------------------------------

@bp.route("/don-vi")
@admin_required
def unit_list():
    return render_template("admin/units.html", tree=units.tree(), levels=LEVEL_LABELS)


@bp.route("/don-vi/moi", methods=["GET", "POST"])
@admin_required
def unit_create():
    form = UnitForm()
    form.parent.choices = _unit_choices()
    if form.validate_on_submit():
        with refusal_into(form):
            unit = units.create_unit(_actor(), slug=form.slug.data, code=form.code.data, name=form.name.data,
                                     short_name=form.short_name.data, level=form.level.data,
                                     parent=_unit_by_slug(form.parent.data), address=form.address.data,
                                     phone=form.phone.data, one_stop_name=form.one_stop_name.data,
                                     return_time=form.return_time.data)
            flash(_("Đã tạo đơn vị %(name)s.", name=unit.name), "success")
            return redirect(url_for("admin.unit_edit", slug=unit.slug))
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/don-vi/<slug>", methods=["GET", "POST"])
@admin_required
def unit_edit(slug):
    unit = _get_unit_or_404(slug)
    form = UnitForm(obj=unit) if request.method == "GET" else UnitForm()
    form.parent.choices = [c for c in _unit_choices() if c.value != unit.slug]
    if request.method == "GET":
        form.parent.data = unit.parent.slug if unit.parent else ""
    if form.validate_on_submit():
        with refusal_into(form):
            units.update_unit(_actor(), unit, code=form.code.data, name=form.name.data,
                              short_name=form.short_name.data, level=form.level.data,
                              parent=_unit_by_slug(form.parent.data), address=form.address.data,
                              phone=form.phone.data, active=form.active.data,
                              one_stop_name=form.one_stop_name.data, return_time=form.return_time.data)
            flash(_("Đã lưu thông tin đơn vị."), "success")
            return redirect(url_for("admin.unit_edit", slug=unit.slug))
    return _unit_page(unit, form)


def _unit_page(unit, form, merge_form=None, two_level_form=None):
    merge_form = merge_form or MergeForm(formdata=None)
    merge_form.survivor.choices = choices([("", _("— Chọn —"))]) + [
        SelectChoice(u.slug, u.name, render_kw=vi_option()) for u in db.session.execute(
            select(Unit).where(Unit.level == unit.level, Unit.active.is_(True), Unit.id != unit.id)
            .order_by(Unit.name)).scalars()]
    two_level_form = two_level_form or TwoLevelForm(formdata=None)
    open_count = db.session.execute(
        select(func.count()).select_from(Application)
        .where((Application.unit_id == unit.id) | (Application.current_unit_id == unit.id),
               Application.state.not_in(units.terminal_states()))).scalar()
    people = staff.staff_list(unit)
    form.slug.render_kw = {"readonly": True}
    return render_template("admin/unit_form.html", form=form, unit=unit, merge_form=merge_form,
                           two_level_form=two_level_form, open_count=open_count, people=people)


@bp.route("/don-vi/<slug>/sap-nhap", methods=["POST"])
@admin_required
def unit_merge(slug):
    unit = _get_unit_or_404(slug)
    merge_form = MergeForm()
    merge_form.survivor.choices = _unit_choices(include_blank=False)
    if merge_form.validate_on_submit():
        survivor = _unit_by_slug(merge_form.survivor.data)
        if survivor is None:
            merge_form.survivor.errors.append(_("Vui lòng chọn đơn vị trong danh sách."))
        else:
            with refusal_into(merge_form, fallback="survivor"):
                moved = units.merge_units(_actor(), unit, survivor, merge_form.note.data)
                flash(_("Đã sáp nhập %(unit)s vào %(survivor)s: chuyển %(applications)s hồ sơ đang giải quyết "
                        "và %(staff)s cán bộ.", unit=unit.name, survivor=survivor.name,
                        applications=moved["applications"], staff=moved["staff"]), "success")
                return redirect(url_for("admin.unit_edit", slug=survivor.slug))
    form = UnitForm(obj=unit, formdata=None)
    form.parent.choices = _unit_choices()
    return _unit_page(unit, form, merge_form=merge_form)


@bp.route("/don-vi/<slug>/hai-cap", methods=["GET", "POST"])
@admin_required
def unit_two_levels(slug):
    """The switch to two levels: the plan first (communes, new codes, who decides each former district
    procedure, where each open application goes), then the administrator confirms it."""
    unit = _get_unit_or_404(slug)
    two_level_form = TwoLevelForm() if request.method == "POST" else TwoLevelForm(formdata=None)
    successors = {key.removeprefix("successor-"): value for key, value in request.form.items()
                  if key.startswith("successor-")}
    if two_level_form.validate_on_submit():
        with refusal_into(two_level_form, fallback="confirm"):
            totals = units.switch_to_two_levels(_actor(), unit, two_level_form.note.data, successors)
            flash(_("Đã chuyển sang chính quyền hai cấp: %(districts)s đơn vị cấp huyện ngừng hoạt động, "
                    "%(communes)s đơn vị cấp xã trực thuộc tỉnh, %(applications)s hồ sơ và %(staff)s cán bộ được "
                    "chuyển.", districts=totals["districts"], communes=totals["communes"],
                    applications=totals["applications"], staff=totals["staff"]), "success")
            return redirect(url_for("admin.unit_list"))
    plan, problem = None, None
    try:
        plan = units.plan_two_levels(unit, successors)
    except Invalid as exc:
        problem = translated(exc.message)
    return render_template("admin/two_levels.html", unit=unit, plan=plan, problem=problem,
                           two_level_form=two_level_form, levels=LEVEL_LABELS)


# -- staff ---------------------------------------------------------------------------------------

@bp.route("/can-bo")
@admin_required
def staff_list():
    unit = _unit_by_slug(request.args.get("don_vi"))
    return render_template("admin/staff.html", people=staff.staff_list(unit), unit=unit,
                           unit_choices=_unit_choices(active_only=False), roles=staff.ROLE_LABELS)


@bp.route("/can-bo/moi", methods=["GET", "POST"])
@admin_required
def staff_create():
    form = StaffForm()
    form.unit.choices = _unit_choices(include_blank=False)
    if form.validate_on_submit():
        with refusal_into(form):
            person, password = staff.create_staff(_actor(), email=form.email.data,
                                                  full_name=form.full_name.data,
                                                  role=form.role.data, unit=_unit_by_slug(form.unit.data),
                                                  title=form.title.data, phone=form.phone.data)
            return _password_page(person, password, _("Đã tạo tài khoản cán bộ"))
    return render_template("admin/staff_form.html", form=form)


def _password_page(person, password, heading):
    response = make_response(render_template("admin/password.html", person=person, password=password,
                                             heading=heading))
    response.headers["Cache-Control"] = "no-store"
    return response


def _get_staff_or_404(user_id) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.kind != "staff":
        abort(404)
    return person


@bp.route("/can-bo/<int:user_id>", methods=["GET", "POST"])
@admin_required
def staff_edit(user_id):
    person = _get_staff_or_404(user_id)
    form = AssignForm(obj=person) if request.method == "GET" else AssignForm()
    form.unit.choices = _unit_choices(include_blank=False)
    if request.method == "GET":
        form.unit.data = person.unit.slug if person.unit else ""
    if form.validate_on_submit():
        with refusal_into(form):
            staff.change_assignment(_actor(), person, role=form.role.data, unit=_unit_by_slug(form.unit.data),
                                    title=form.title.data)
            flash(_("Đã lưu vai trò, đơn vị của cán bộ."), "success")
            return redirect(url_for("admin.staff_edit", user_id=person.id))
    history = db.session.execute(select(AuditLog).where(AuditLog.target_user_id == person.id)
                                 .order_by(AuditLog.id.desc()).limit(30)).scalars().all()
    return render_template("admin/staff_edit.html", person=person, form=form, confirm=ConfirmForm(),
                           history=history, roles=staff.ROLE_LABELS)


@bp.route("/can-bo/<int:user_id>/<any('khoa', 'mo-khoa', 'dat-lai-mat-khau', 'dat-lai-xac-thuc'):act>",
          methods=["POST"])
@admin_required
def staff_action(user_id, act):
    person = _get_staff_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with refusal_into():
        if act == "dat-lai-mat-khau":
            password = staff.reset_password(_actor(), person)
            return _password_page(person, password, _("Đã đặt lại mật khẩu"))
        if act == "dat-lai-xac-thuc":
            staff.reset_second_factor(_actor(), person)
            message = _("Đã đặt lại xác thực hai bước; cán bộ sẽ đăng ký lại ở lần đăng nhập sau.")
        else:
            staff.set_active(_actor(), person, act == "mo-khoa")
            message = _("Đã mở khóa tài khoản.") if act == "mo-khoa" else _("Đã khóa tài khoản.")
        flash(message, "success")
    return redirect(url_for("admin.staff_edit", user_id=user_id))


# -- services ------------------------------------------------------------------------------------

@bp.route("/thu-tuc")
@admin_required
def service_list():
    return render_template("admin/services.html", services=services_admin.all_services(),
                           import_form=ServiceImportForm(), confirm=ConfirmForm())


def _get_service_or_404(slug) -> Service:
    service = db.session.execute(select(Service).where(Service.slug == slug)).scalar_one_or_none()
    if service is None or service.current is None:
        abort(404)
    return service


@bp.route("/thu-tuc/<slug>", methods=["GET", "POST"])
@admin_required
def service_edit(slug):
    service = _get_service_or_404(slug)
    form = ServiceTextForm()
    preview = None
    if request.method == "GET":
        form.toml.data = services_admin.export_toml(service)
    elif form.validate_on_submit():
        with refusal_into(form):
            if form.publish.data:
                version, created = services_admin.publish_text(_actor(), form.toml.data, expected_slug=slug)
                flash(_("Đã công bố phiên bản %(n)s; hồ sơ đang giải quyết giữ phiên bản cũ.", n=version.version)
                      if created else _("Định nghĩa không thay đổi nên không tạo phiên bản mới."),
                      "success" if created else "info")
                return redirect(url_for("admin.service_edit", slug=slug))
            definition = services_admin.parse_definition(form.toml.data, expected_slug=slug)
            preview = (definition, services_admin.preview_form(definition))
    return render_template("admin/service_edit.html", service=service, form=form, preview=preview,
                           open_by_version=services_admin.open_applications_by_version(service),
                           confirm=ConfirmForm())


@bp.route("/thu-tuc/<slug>.toml")
@admin_required
def service_export(slug):
    service = _get_service_or_404(slug)
    response = make_response(services_admin.export_toml(service))
    response.mimetype = "application/toml"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{service.slug}.toml"'
    return response


@bp.route("/thu-tuc/nhap", methods=["POST"])
@admin_required
def service_import():
    form = ServiceImportForm()
    if form.validate_on_submit():
        raw = form.file.data.read(services_admin.MAX_TOML_BYTES + 1)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            form.file.errors.append(_("Tệp phải được lưu bằng mã UTF-8."))
        else:
            with refusal_into(form, fallback="file"):
                version, created = services_admin.publish_text(_actor(), text)
                flash(_("Đã nhập thủ tục %(name)s (phiên bản %(n)s).", name=version.name, n=version.version)
                      if created
                      else _("Tệp trùng với phiên bản hiện hành; không có gì thay đổi."), "success")
                return redirect(url_for("admin.service_edit", slug=version.service.slug))
    return render_template("admin/services.html", services=services_admin.all_services(), import_form=form,
                           confirm=ConfirmForm())


@bp.route("/thu-tuc/<slug>/<any('ngung', 'mo-lai'):act>", methods=["POST"])
@admin_required
def service_toggle(slug, act):
    service = _get_service_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services_admin.set_service_active(_actor(), service, act == "mo-lai")
    flash(_("Đã mở lại thủ tục.") if act == "mo-lai" else _("Đã ngừng tiếp nhận thủ tục."), "success")
    return redirect(url_for("admin.service_list"))


# -- calendar ------------------------------------------------------------------------------------

@bp.route("/lich", methods=["GET", "POST"])
@admin_required
def calendar():
    form = OverrideForm()
    if form.validate_on_submit():
        with refusal_into(form):
            row = calendar_admin.add_override(_actor(), form.day.data, form.kind.data, form.note.data)
            flash(_("Đã thêm %(kind)s %(day)s.", kind=translated(calendar_admin.KINDS[row.kind]).lower(),
                    day=row.day.strftime("%d/%m/%Y")), "success")
            return redirect(url_for("admin.calendar"))
    return render_template("admin/calendar.html", form=form, rows=calendar_admin.overrides(),
                           kinds=calendar_admin.KINDS, confirm=ConfirmForm())


@bp.route("/lich/<int:override_id>/xoa", methods=["POST"])
@admin_required
def calendar_remove(override_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        calendar_admin.remove_override(_actor(), override_id)
    except Invalid:
        abort(404)
    flash(_("Đã xóa điều chỉnh lịch."), "success")
    return redirect(url_for("admin.calendar"))


# -- workflows -----------------------------------------------------------------------------------

@bp.route("/quy-trinh")
@admin_required
def workflow_list():
    workflows = sorted(all_workflows().values(), key=lambda w: w.name)
    return render_template("admin/workflows.html", workflows=workflows,
                           diagrams={w.name: diagram.render_svg(w, current_language()) for w in workflows},
                           legend=diagram.LEGEND)


@bp.route("/quy-trinh/<name>.svg")
@admin_required
def workflow_svg(name):
    return diagram.svg_response(name)

"""/api/v1/admin: the administration capabilities for scripts (administrators' bearer tokens only).

Units (tree, merge, two levels), staff (create, change, lock, reset password), services (export and
publish TOML), calendar overrides, workflow diagrams."""
from datetime import date

from flask import abort, make_response, request
from flask_smorest import Blueprint
from sqlalchemy import select

from ..i18n import N_
from ..api.common import api_user, json_body, token_required
from ..auth.permissions import can_administer
from ..extensions import csrf, db
from ..models import Service, Unit, User
from ..operations import Forbidden, Invalid, NotFound
from . import calendar_admin, diagram, services_admin, staff, units

blp = Blueprint("api_admin", __name__, url_prefix="/api/v1/admin", description="Quản trị")
csrf.exempt(blp)
SECURITY = [{"bearerAuth": []}]


def _admin():
    user = api_user()
    if not can_administer(user):
        raise Forbidden(N_("Chỉ quản trị hệ thống được dùng chức năng này."))
    return user


def _unit(slug, key="unit") -> Unit:
    unit = db.session.execute(select(Unit).where(Unit.slug == str(slug or ""))).scalar_one_or_none()
    if unit is None:
        raise Invalid(N_("Không tìm thấy đơn vị."), errors={key: [N_("Không tìm thấy đơn vị.")]})
    return unit


def _unit_out(unit: Unit) -> dict:
    return {"slug": unit.slug, "code": unit.code, "name": unit.name, "level": unit.level,
            "parent": unit.parent.slug if unit.parent else None, "active": unit.active,
            "merged_into": db.session.get(Unit, unit.merged_into_id).slug if unit.merged_into_id else None}


def _staff_out(user: User) -> dict:
    return {"id": user.id, "email": user.email, "full_name": user.full_name, "role": user.role,
            "unit": user.unit.slug if user.unit else None, "title": user.title, "active": user.active,
            "second_factor": bool(user.totp_secret)}


@blp.route("/units", methods=["GET"])
@blp.doc(security=SECURITY)
@token_required
def unit_tree():
    _admin()
    return {"units": [dict(_unit_out(unit), depth=depth) for unit, depth in units.tree()]}


@blp.route("/units/<slug>/merge", methods=["POST"])
@blp.doc(security=SECURITY, requestBody={"content": {"application/json": {"example": {
    "into": "tam-hong", "note": "Nghị quyết số …/NQ-UBTVQH15"}}}})
@token_required
def unit_merge(slug):
    actor = _admin()
    body = json_body()
    absorbed = _unit(slug)
    survivor = _unit(body.get("into"), key="into")
    moved = units.merge_units(actor, absorbed, survivor, str(body.get("note") or ""))
    return {"unit": _unit_out(absorbed), "into": survivor.slug, "moved": moved}


def _successors(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid(N_("successors phải là một đối tượng {huyện: xã}."), errors={"successors": [N_("Không hợp lệ.")]})
    return {str(k): str(v) for k, v in value.items()}


@blp.route("/units/<slug>/two-levels", methods=["GET"])
@blp.doc(security=SECURITY)
@token_required
def unit_two_levels_plan(slug):
    """The plan of the switch (nothing changes): new codes, successors, deciders, moved applications."""
    _admin()
    plan = units.plan_two_levels(_unit(slug), {k.removeprefix("successor-"): v for k, v in request.args.items()
                                               if k.startswith("successor-")})
    return {"unit": slug,
            "communes": [{"slug": c.slug, "code": c.code, "new_code": plan.new_codes[c.id]} for c in plan.communes],
            "successors": {d.slug: plan.successors[d.id].slug for d in plan.districts},
            "services": [{"service": m.service.service.slug, "district": m.district.slug,
                          "deciders": {c.slug: d.slug for c, d in m.deciders}} for m in plan.mappings],
            "applications": [{"id": m.row.id, "unit": m.unit.slug, "current_unit": m.current.slug}
                             for m in plan.moves]}


@blp.route("/units/<slug>/two-levels", methods=["POST"])
@blp.doc(security=SECURITY, requestBody={"content": {"application/json": {"example": {
    "successors": {"yen-lac": "tam-hong"}, "note": "Nghị quyết số …/NQ-UBTVQH15"}}}})
@token_required
def unit_two_levels(slug):
    """Carries out the plan (GET shows it first); `successors` as in the plan."""
    actor = _admin()
    body = json_body()
    totals = units.switch_to_two_levels(actor, _unit(slug), str(body.get("note") or ""),
                                        _successors(body.get("successors")))
    return {"unit": slug, "totals": totals}


@blp.route("/staff", methods=["GET"])
@blp.doc(security=SECURITY)
@token_required
def staff_index():
    _admin()
    return {"staff": [_staff_out(u) for u in staff.staff_list()]}


@blp.route("/staff", methods=["POST"])
@blp.doc(security=SECURITY, requestBody={"content": {"application/json": {"example": {
    "email": "motcua.tam-hong@example.vn", "full_name": "Nguyễn Thị Lan", "role": "receiver",
    "unit": "tam-hong", "title": "Công chức Bộ phận Một cửa"}}}})
@token_required
def staff_create():
    actor = _admin()
    body = json_body()
    slug = str(body.get("unit") or "")
    unit = db.session.execute(select(Unit).where(Unit.slug == slug)).scalar_one_or_none()
    person, password = staff.create_staff(actor, email=str(body.get("email") or ""),
                                          full_name=str(body.get("full_name") or ""), role=body.get("role"),
                                          unit=unit, title=str(body.get("title") or ""),
                                          phone=str(body.get("phone") or ""))
    return dict(_staff_out(person), temporary_password=password), 201


def _person(user_id) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.kind != "staff":
        raise NotFound(N_("Không tìm thấy cán bộ."))
    return person


@blp.route("/staff/<int:user_id>", methods=["PATCH"])
@blp.doc(security=SECURITY, requestBody={"content": {"application/json": {"example": {
    "role": "leader", "unit": "dong-van", "active": True}}}})
@token_required
def staff_update(user_id):
    actor = _admin()
    body = json_body()
    person = _person(user_id)
    if "role" in body or "unit" in body or "title" in body:
        unit = _unit(body["unit"]) if "unit" in body else person.unit
        staff.change_assignment(actor, person, role=body.get("role", person.role), unit=unit,
                                title=body.get("title"))
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise Invalid(N_("Dữ liệu không hợp lệ."), errors={"active": [N_("Phải là true hoặc false.")]})
        staff.set_active(actor, person, body["active"])
    return _staff_out(person)


@blp.route("/staff/<int:user_id>/reset-password", methods=["POST"])
@blp.doc(security=SECURITY)
@token_required
def staff_reset_password(user_id):
    actor = _admin()
    password = staff.reset_password(actor, _person(user_id))
    return {"temporary_password": password}


@blp.route("/services/<slug>.toml", methods=["GET"])
@blp.doc(security=SECURITY)
@token_required
def service_export(slug):
    _admin()
    service = db.session.execute(select(Service).where(Service.slug == slug)).scalar_one_or_none()
    if service is None or service.current is None:
        abort(404)
    response = make_response(services_admin.export_toml(service))
    response.mimetype = "application/toml"
    return response


@blp.route("/services", methods=["POST"])
@blp.doc(security=SECURITY, requestBody={"content": {"application/json": {"example": {
    "toml": "code = \"1.001193\"\nslug = \"dang-ky-khai-sinh\"\n…"}}}})
@token_required
def service_publish():
    """Publishes a service definition (TOML text): a new service, or a new version of a known one."""
    actor = _admin()
    body = json_body()
    if not isinstance(body.get("toml"), str):
        raise Invalid(N_("Dữ liệu không hợp lệ."), errors={"toml": [N_("Cần nội dung TOML dạng chuỗi.")]})
    version, created = services_admin.publish_text(actor, body["toml"])
    return {"slug": version.service.slug, "version": version.version,
            "created": created}, 201 if created else 200


@blp.route("/calendar", methods=["GET"])
@blp.doc(security=SECURITY)
@token_required
def calendar_index():
    _admin()
    return {"overrides": [{"id": r.id, "day": r.day.isoformat(), "kind": r.kind, "note": r.note}
                          for r in calendar_admin.overrides()]}


@blp.route("/calendar", methods=["POST"])
@blp.doc(security=SECURITY, requestBody={"content": {"application/json": {"example": {
    "day": "2026-09-01", "kind": "off", "note": "Nghỉ thêm dịp Quốc khánh"}}}})
@token_required
def calendar_add():
    actor = _admin()
    body = json_body()
    try:
        day = date.fromisoformat(str(body.get("day")))
    except ValueError:
        raise Invalid(N_("Dữ liệu không hợp lệ."),
                      errors={"day": [N_("Ngày không hợp lệ (năm-tháng-ngày).")]}) from None
    row = calendar_admin.add_override(actor, day, body.get("kind"), str(body.get("note") or ""))
    return {"id": row.id, "day": row.day.isoformat(), "kind": row.kind, "note": row.note}, 201


@blp.route("/calendar/<int:override_id>", methods=["DELETE"])
@blp.doc(security=SECURITY)
@token_required
def calendar_remove(override_id):
    actor = _admin()
    try:
        calendar_admin.remove_override(actor, override_id)
    except Invalid:
        raise NotFound(N_("Không tìm thấy điều chỉnh lịch.")) from None
    return "", 204


@blp.route("/workflows/<name>.svg", methods=["GET"])
@blp.doc(security=SECURITY)
@token_required
def workflow_svg(name):
    _admin()
    return diagram.svg_response(name)

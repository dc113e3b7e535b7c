"""Which unit receives a service, which unit decides it, and which workflow carries it there, in a
three-tier province (province -> districts -> communes) as in a two-level one (province -> communes and
wards, since 1 July 2025; provincial departments beside them).

A service names levels, not units (`intake`, `authority` in services/<slug>.toml). The unit tree says what
a level means where the citizen applies:

- A unit receives a service of intake level L when it is at level L, or when L is `district` and it is a
  commune with no active district above it: in a two-level province the former district procedures are
  received by the commune (Decree 120/2025, 140/2025, 168/2025 and the other 2025 decrees dividing the
  district's competences).
- The unit that decides an application received at unit U: the administrator's `ServiceRoute` for the
  service at U or at an ancestor of U (commune -> another commune, commune -> a provincial department);
  otherwise U when U is at the `authority` level, else U's nearest active ancestor at that level. A
  `district` authority with no district above U falls to U: "the district where one exists, else the
  commune".
- The workflow: the service's optional `local_workflow` when the receiving unit decides itself (the liên
  thông workflow of a household business becomes the commune's own where no district exists), its optional
  `transfer_workflow` when another unit decides (a building permit routed to the Sở Xây dựng), and its
  `workflow` otherwise.

The `move_to_deciding_unit` effect (a workflow's `forward`) sends the application to the deciding unit;
`return_to_intake` (core_effects) brings it back to the receiving desk.
"""
from __future__ import annotations

from sqlalchemy import select

from ..i18n import N_, pattern
from ..extensions import db
from ..models import AuditLog, Service, ServiceRoute, ServiceVersion, Unit
from ..timeutil import utcnow
from ..workflows_registry import all_workflows
from . import Invalid
from .effects import effect

TRANSFER_EFFECTS = frozenset({"move_to_deciding_unit", "move_to_parent"})
LEVEL_WORDS = {"province": N_("cấp tỉnh"), "district": N_("cấp huyện"), "commune": N_("cấp xã")}
NO_UNIT_AT_LEVEL = pattern(N_("Không xác định được đơn vị %(level)s có thẩm quyền giải quyết hồ sơ nhận tại "
                              "%(unit)s."))
UNIT_CLOSED = pattern(N_("%(unit)s đã ngừng hoạt động; không thể chuyển hồ sơ."))


def _active_ancestors(unit: Unit):
    return (a for a in unit.ancestors() if a.active)


def has_district_above(unit: Unit) -> bool:
    return any(a.level == "district" for a in _active_ancestors(unit))


def receives(unit: Unit, level: str) -> bool:
    """Whether `unit` receives services of intake level `level` (see the module docstring)."""
    if not unit.active:
        return False
    if unit.level == level:
        return True
    return level == "district" and unit.level == "commune" and not has_district_above(unit)


def _intake_levels(version: ServiceVersion) -> set[str]:
    return {version.intake} | ({"commune"} if version.intake == "district" else set())


def takes_applications(version: ServiceVersion, unit: Unit) -> bool:
    """Whether `unit` is one of intake_units(version), without listing every unit of the province."""
    return unit.level in _intake_levels(version) and receives(unit, version.intake)


def intake_units(version: ServiceVersion) -> list[Unit]:
    """Where a citizen may apply for this service version, by name."""
    levels = _intake_levels(version)
    candidates = db.session.execute(
        select(Unit).where(Unit.level.in_(levels), Unit.active.is_(True)).order_by(Unit.name)).scalars()
    return [unit for unit in candidates if receives(unit, version.intake)]


def route_for(service_id: int, unit: Unit) -> ServiceRoute | None:
    """The administrator's route for the service at `unit` or the nearest ancestor that has one."""
    chain = [unit, *unit.ancestors()]
    routes = {r.unit_id: r for r in db.session.execute(
        select(ServiceRoute).where(ServiceRoute.service_id == service_id,
                                   ServiceRoute.unit_id.in_([u.id for u in chain]))).scalars()}
    return next((routes[u.id] for u in chain if u.id in routes), None)


def level_unit(level: str, unit: Unit) -> Unit:
    """The unit at `level` for an application received at `unit`, by the tree alone."""
    if unit.level == level:
        return unit
    above = next((a for a in _active_ancestors(unit) if a.level == level), None)
    if above is not None:
        return above
    if level == "district":
        return unit  # a two-level province: the commune decides the former district procedures
    raise Invalid(NO_UNIT_AT_LEVEL % {"level": LEVEL_WORDS.get(level, level), "unit": unit.name})


def deciding_unit(version: ServiceVersion, unit: Unit) -> Unit:
    """The unit that decides an application of `version` received at `unit`."""
    route = route_for(version.service_id, unit)
    if route is not None and route.deciding_unit.active:
        return route.deciding_unit
    return level_unit(version.authority, unit)


def transfers(workflow_name: str) -> bool:
    """Whether the workflow moves the application to another unit (liên thông)."""
    workflow = all_workflows().get(workflow_name)
    return workflow is not None and any(TRANSFER_EFFECTS & set(t.effects) for t in workflow.transitions)


def _workflow(version: ServiceVersion, key: str) -> str:
    from .catalogue import definition_of  # catalogue imports this module
    return getattr(definition_of(version), key, None) or version.workflow


def workflow_for(version: ServiceVersion, unit: Unit) -> str:
    """The workflow an application of `version` received at `unit` runs under."""
    if deciding_unit(version, unit).id == unit.id:
        return _workflow(version, "local_workflow")
    return _workflow(version, "transfer_workflow")


@effect("move_to_deciding_unit")
def move_to_deciding_unit(ctx):
    """Liên thông: to the unit that decides the service for the receiving unit (the district in a three-tier
    province, a provincial department or another commune where the administrator routed it)."""
    app = ctx.application
    target = deciding_unit(app.service_version, app.unit)
    if not target.active:
        raise Invalid(UNIT_CLOSED % {"unit": target.name})
    moved = {"from_unit_id": app.current_unit_id, "to_unit_id": target.id}  # added to the event's details
    # Both sides: the id for what reads it before the flush, the relationship for a loaded current_unit.
    app.current_unit, app.current_unit_id = target, target.id
    return moved


# -- the administrator's routes ------------------------------------------------------------------

def set_route(actor, service: Service, unit: Unit, deciding: Unit, note: str = "") -> ServiceRoute:
    """Applications of `service` received at `unit` (or below it) are decided by `deciding`."""
    version = service.current
    errors = {}
    if version is None:
        errors["service"] = [N_("Thủ tục chưa có phiên bản đang áp dụng.")]
    elif deciding.id != unit.id and not transfers(_workflow(version, "transfer_workflow")):
        errors["service"] = [N_("Quy trình của thủ tục không chuyển hồ sơ liên thông (khai báo "
                             "transfer_workflow trong tệp thủ tục), nên không thể giao cho đơn vị khác giải quyết.")]
    if not deciding.active:
        errors["deciding_unit"] = [N_("Đơn vị giải quyết đã ngừng hoạt động.")]
    if errors:
        raise Invalid(N_("Không thể đặt đơn vị giải quyết."), errors=errors)
    route = db.session.execute(select(ServiceRoute).where(
        ServiceRoute.service_id == service.id, ServiceRoute.unit_id == unit.id)).scalar_one_or_none()
    if route is None:
        route = ServiceRoute(service_id=service.id, unit_id=unit.id, created_at=utcnow())
        db.session.add(route)
    route.deciding_unit_id = deciding.id
    route.note = (note or "").strip()[:300]
    db.session.flush()
    db.session.expire(route, ["deciding_unit"])
    db.session.add(AuditLog(actor_id=actor.id if actor is not None else None, action="service.route",
                            target=f"service:{service.slug}", created_at=utcnow(),
                            details={"unit": unit.slug, "deciding_unit": deciding.slug, "note": route.note}))
    return route

"""Switching a three-tier province to two levels (1 July 2025: districts gone, their procedures decided by
the communes), as a plan the administrator sees first and then confirms.

The plan says, before anything changes:
- each commune's new place (directly under the province) and its new code (the former one is kept in
  `Unit.former_code`: codes of applications received before start with it);
- for each former district procedure (a service whose `authority` or `intake` is `district`), who decides
  it now at each commune (operations/routing.py: the commune itself, or the unit an administrator's route
  names), and that every service still has a receiving unit;
- where each open application goes: one forwarded to the district goes to the unit that now decides it
  for the commune that received it; one received at the district's own desk goes to the commune chosen to
  take over that desk (the "successor", proposed as the district's first commune by name, changeable);
- the district's staff go to its successor commune.

Applying it moves the applications administratively (an `Event` `reorganize` each, no version bump, as
units.py explains), deactivates the districts (`merged_into_id` = the province, so the reports keep their
history) and refuses to finish if any active service would be left without a receiving unit.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select, update

from ..i18n import N_, pattern
from ..extensions import db
from ..models import Application, Service, ServiceVersion, Unit, User
from ..operations import Invalid
from ..operations import routing
from ..reports.flows import rebuild as rebuild_flows
from .units import _open_applications, _relocate, audit

NO_COMMUNES = pattern(N_("%(district)s không có đơn vị cấp xã nào để tiếp nhận hồ sơ và cán bộ."))
CHOOSE_SUCCESSOR = pattern(N_("Hãy chọn một xã, phường của %(district)s."))


@dataclass
class ServiceMapping:
    service: ServiceVersion
    district: Unit
    deciders: list[tuple[Unit, Unit]]  # (commune, unit that decides the procedure there now)


@dataclass
class ApplicationMove:
    row: object  # a row of units._open_applications
    unit: Unit  # the receiving unit after the switch
    current: Unit  # where it waits after the switch


@dataclass
class TwoLevelPlan:
    province: Unit
    districts: list[Unit]
    successors: dict[int, Unit]  # district id -> the commune taking over its desk, staff and applications
    new_codes: dict[int, str]  # commune id -> its code after the switch
    communes: list[Unit] = field(default_factory=list)
    mappings: list[ServiceMapping] = field(default_factory=list)
    moves: list[ApplicationMove] = field(default_factory=list)

    def commune_district(self, commune: Unit) -> Unit:
        return next(d for d in self.districts if commune.parent_id == d.id)


def _communes_of(district: Unit) -> list[Unit]:
    return sorted((c for c in district.children if c.level == "commune" and c.active),
                  key=lambda u: unicodedata.normalize("NFC", u.name))


def _decider_after(version: ServiceVersion, commune: Unit) -> Unit:
    """The unit deciding `version` for `commune` once the district above it is gone."""
    route = routing.route_for(version.service_id, commune)
    if route is not None and route.deciding_unit.active and route.deciding_unit.level != "district":
        return route.deciding_unit
    if version.authority in ("district", "commune"):
        return commune
    return routing.level_unit(version.authority, commune)


def _new_codes(province: Unit, communes: list[Unit]) -> dict[int, str]:
    """V1V2V3.00.NN.M: the communes take the level-two slot the districts had, numbered from 01, skipping
    every code already in use (the districts keep theirs, inactive)."""
    parts = province.code.split(".")
    prefix, suffix = (parts[0], parts[-1]) if len(parts) == 4 else ("000", province.code)
    used = set(db.session.execute(select(Unit.code)).scalars())
    codes, number = {}, 0
    for commune in communes:
        while True:
            number += 1
            code = f"{prefix}.00.{number:02d}.{suffix}"
            if code not in used:
                break
        used.add(code)
        codes[commune.id] = code
    return codes


def plan_two_levels(province: Unit, successors: dict[str, str] | None = None) -> TwoLevelPlan:
    """The switch as it would happen. `successors`: district slug -> commune slug (the default is each
    district's first commune by name). Raises Invalid when there is nothing to switch or a choice is wrong."""
    if province.level != "province":
        raise Invalid(N_("Chỉ áp dụng cho đơn vị cấp tỉnh."), errors={"unit": [N_("Chỉ áp dụng cho đơn vị cấp tỉnh.")]})
    districts = sorted((u for u in province.children if u.level == "district" and u.active),
                       key=lambda u: u.name)
    if not districts:
        message = N_("Tỉnh này không còn đơn vị cấp huyện nào đang hoạt động.")
        raise Invalid(message, errors={"unit": [message]})
    chosen = successors or {}
    picked: dict[int, Unit] = {}
    communes: list[Unit] = []
    for district in districts:
        own = _communes_of(district)
        if not own:
            message = NO_COMMUNES % {"district": district.name}
            raise Invalid(message, errors={f"successor-{district.slug}": [message]})
        wanted = chosen.get(district.slug)
        successor = next((c for c in own if c.slug == wanted), None) if wanted else own[0]
        if successor is None:
            message = CHOOSE_SUCCESSOR % {"district": district.name}
            raise Invalid(message, errors={f"successor-{district.slug}": [message]})
        picked[district.id] = successor
        communes.extend(own)
    plan = TwoLevelPlan(province=province, districts=districts, successors=picked,
                        new_codes=_new_codes(province, communes), communes=communes)
    plan.mappings = _mappings(districts)
    plan.moves = _moves(plan)
    return plan


def _district_services() -> list[ServiceVersion]:
    return list(db.session.execute(
        select(ServiceVersion).join(Service, Service.current_version_id == ServiceVersion.id)
        .where(Service.active.is_(True),
               (ServiceVersion.authority == "district") | (ServiceVersion.intake == "district"))
        .order_by(ServiceVersion.name)).scalars())


def _mappings(districts: list[Unit]) -> list[ServiceMapping]:
    return [ServiceMapping(service=version, district=district,
                           deciders=[(c, _decider_after(version, c)) for c in _communes_of(district)])
            for version in _district_services() for district in districts]


def _moves(plan: TwoLevelPlan) -> list[ApplicationMove]:
    by_id = {d.id: d for d in plan.districts}
    units = {u.id: u for u in db.session.execute(select(Unit)).scalars()}
    versions = {}
    moves = []
    for row in _open_applications(by_id):
        receiving = plan.successors[row.unit_id] if row.unit_id in by_id else units[row.unit_id]
        if row.current_unit_id in by_id:
            if row.unit_id in by_id:
                current = receiving  # received at the district's own desk: its successor commune
            else:
                # forwarded to the district: the unit that decides it now for the commune that received it
                version_id = db.session.get(Application, row.id).service_version_id
                version = versions.setdefault(version_id, db.session.get(ServiceVersion, version_id))
                current = _decider_after(version, receiving)
        else:
            current = units[row.current_unit_id]
        moves.append(ApplicationMove(row=row, unit=receiving, current=current))
    return moves


def switch_to_two_levels(actor, province: Unit, note: str = "", successors: dict[str, str] | None = None) -> dict:
    """Carries out plan_two_levels(province, successors); the caller commits. Returns the counts."""
    plan = plan_two_levels(province, successors)
    text = unicodedata.normalize("NFC", (note or "").strip()) or (
        f"Tổ chức chính quyền địa phương hai cấp: các đơn vị cấp huyện của {province.name} kết thúc hoạt động.")
    _relocate(actor, [(m.row, m.unit.id, m.current.id) for m in plan.moves], text)
    staff = 0
    for district in plan.districts:
        people = db.session.execute(select(User).where(User.unit_id == district.id)).scalars().all()
        for person in people:
            person.unit_id = plan.successors[district.id].id
        staff += len(people)
    for commune in plan.communes:
        commune.former_code, commune.code = commune.code, plan.new_codes[commune.id]
        commune.parent = province
    for district in plan.districts:
        district.active = False
        district.merged_into_id = province.id
    db.session.flush()
    _release_handlers(plan)
    _check_every_service_has_intake()
    affected = {d.id for d in plan.districts} | {m.current.id for m in plan.moves} | {m.unit.id for m in plan.moves}
    if plan.moves:
        rebuild_flows(sorted(affected))
    totals = {"districts": len(plan.districts), "communes": len(plan.communes), "applications": len(plan.moves),
              "staff": staff}
    audit(actor, "unit.two_levels", f"unit:{province.slug}", note=text,
          successors={d.slug: plan.successors[d.id].slug for d in plan.districts},
          codes={c.slug: [c.former_code, c.code] for c in plan.communes}, **totals)
    return totals


def _release_handlers(plan: TwoLevelPlan) -> None:
    """An assigned handler who does not work where the application now waits cannot act on it any more:
    the new unit assigns its own."""
    table = Application.__table__
    for move in plan.moves:
        if move.row.handler_id is None:
            continue
        handler = db.session.get(User, move.row.handler_id)
        if handler is None or handler.unit_id != move.current.id:
            db.session.execute(update(table).where(table.c.id == move.row.id).values(handler_id=None))


def _check_every_service_has_intake() -> None:
    """No service may be left without a unit to apply at (the switch is then refused and rolled back)."""
    orphans = [version.name for version in db.session.execute(
        select(ServiceVersion).join(Service, Service.current_version_id == ServiceVersion.id)
        .where(Service.active.is_(True))).scalars() if not routing.intake_units(version)]
    if orphans:
        message = "Sau khi chuyển, các thủ tục sau không còn nơi tiếp nhận: " + "; ".join(orphans) + "."
        raise Invalid(message, errors={"unit": [message]})

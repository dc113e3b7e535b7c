"""The unit tree: create and edit units, merge two units, and switch a province to two levels (the 2025
reform: districts abolished, communes merged).

Moving applications between units is an administrative act, not a workflow transition: the application
keeps its state, due dates and version, so it does not go through `fire()` (no role of the workflow may
do it, and nothing must be triggered). Each moved application gets one `Event` written here, action
`reorganize`, role `admin`, from_state = to_state = its state, with a note naming both units, so its
history says why another unit now holds it. Nothing else about the application changes: its version is
not bumped (a person holding the old page acts through `fire()`, which checks the unit again).
Finished applications stay with the unit that handled them; that unit stays in the tree, inactive, with
`merged_into_id` pointing at the survivor, and the reports count its history with the survivor.
"""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import or_, select, update

from ..i18n import N_
from ..extensions import db
from ..models import UNIT_LEVELS, Application, AuditLog, Event, Unit, User
from ..operations import Invalid
from ..timeutil import utcnow
from ..workflows_registry import all_workflows
from ..reports.flows import rebuild as rebuild_flows

REORGANIZE = "reorganize"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _nfc(value: str | None) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def audit(actor, action: str, target: str | User, **details):
    """target: "unit:<slug>", "calendar:<day>", … or the account acted on, kept by id (its e-mail may change)."""
    user = target if isinstance(target, User) else None
    db.session.add(AuditLog(actor_id=actor.id if actor is not None else None, action=action,
                            target=f"user:{user.id}" if user else target, target_user_id=user.id if user else None,
                            details=details or None, created_at=utcnow()))


def terminal_states() -> set[str]:
    """States in which an application is finished, across every workflow."""
    return {name for workflow in all_workflows().values()
            for name, state in workflow.states.items() if state.terminal}


def tree() -> list[tuple[Unit, int]]:
    """Every unit in tree order with its depth, for the tree page (inactive units included)."""
    units = db.session.execute(select(Unit).order_by(Unit.name)).scalars().all()
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent_id, depth):
        for unit in children.get(parent_id, []):
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)
    walk(None, 0)
    return ordered


def _check(slug, code, name, short_name, level, parent, editing: Unit | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    if not _SLUG.fullmatch(slug or ""):
        errors["slug"] = [N_("Chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ tam-hong.")]
    if not code:
        errors["code"] = ["Vui lòng nhập mã đơn vị."]
    if not name:
        errors["name"] = ["Vui lòng nhập tên đơn vị."]
    if not short_name:
        errors["short_name"] = [N_("Vui lòng nhập tên ngắn (dùng trong dòng địa danh, ngày tháng).")]
    if level not in UNIT_LEVELS:
        errors["level"] = [N_("Cấp không hợp lệ.")]
    for key, column, value in (("slug", Unit.slug, slug), ("code", Unit.code, code)):
        other = db.session.execute(select(Unit).where(column == value)).scalar_one_or_none()
        if other is not None and other is not editing:
            errors.setdefault(key, []).append("Giá trị này đã được dùng cho đơn vị khác.")
    if parent is not None and editing is not None:
        if parent is editing or any(a is editing for a in parent.ancestors()):
            errors["parent"] = [N_("Không thể đặt đơn vị làm cấp dưới của chính nó.")]
    if parent is not None and not parent.active:
        errors.setdefault("parent", []).append("Đơn vị cấp trên đã ngừng hoạt động.")
    return errors


def create_unit(actor, *, slug, code, name, short_name, level, parent=None, address="", phone="",
                one_stop_name="", return_time=None) -> Unit:
    slug, code, name, short_name = _nfc(slug), _nfc(code), _nfc(name), _nfc(short_name)
    errors = _check(slug, code, name, short_name, level, parent)
    if errors:
        raise Invalid(N_("Thông tin đơn vị chưa hợp lệ."), errors=errors)
    unit = Unit(slug=slug, code=code, name=name, short_name=short_name, level=level, parent=parent,
                address=_nfc(address), phone=_nfc(phone), one_stop_name=_nfc(one_stop_name or "") or None,
                return_time=return_time)
    db.session.add(unit)
    db.session.flush()
    audit(actor, "unit.create", f"unit:{unit.slug}", name=name, level=level,
          parent=parent.slug if parent is not None else None)
    return unit


def update_unit(actor, unit: Unit, *, code, name, short_name, level, parent=None, address="", phone="",
                active=True, one_stop_name="", return_time=None) -> Unit:
    code, name, short_name = _nfc(code), _nfc(name), _nfc(short_name)
    errors = _check(unit.slug, code, name, short_name, level, parent, editing=unit)
    if errors:
        raise Invalid(N_("Thông tin đơn vị chưa hợp lệ."), errors=errors)
    before = {"code": unit.code, "name": unit.name, "level": unit.level, "active": unit.active,
              "parent": unit.parent.slug if unit.parent else None}
    unit.code, unit.name, unit.short_name, unit.level = code, name, short_name, level
    unit.parent = parent
    unit.address, unit.phone, unit.active = _nfc(address), _nfc(phone), bool(active)
    unit.one_stop_name, unit.return_time = _nfc(one_stop_name or "") or None, return_time
    after = {"code": code, "name": name, "level": level, "active": unit.active,
             "parent": parent.slug if parent else None}
    audit(actor, "unit.update", f"unit:{unit.slug}",
          changes={k: [before[k], after[k]] for k in before if before[k] != after[k]})
    return unit


def _open_applications(unit_ids) -> list:
    """(id, state, unit_id, current_unit_id, handler_id) of the unfinished applications received at or
    waiting at one of `unit_ids`."""
    unit_ids = list(unit_ids)
    return db.session.execute(
        select(Application.id, Application.state, Application.unit_id, Application.current_unit_id,
               Application.handler_id)
        .where(or_(Application.unit_id.in_(unit_ids), Application.current_unit_id.in_(unit_ids)),
               Application.state.not_in(terminal_states()))).all()


def _relocate(actor, moves: list[tuple], note: str) -> None:
    """moves: (row of _open_applications, new unit_id, new current_unit_id). One `reorganize` event each.
    Core UPDATEs: the mapper would bump `version`, and a reorganisation changes nothing a person acting on
    the application has to re-read (fire() checks the unit again)."""
    table = Application.__table__
    now = utcnow()
    for row, unit_id, current_id in moves:
        db.session.execute(update(table).where(table.c.id == row.id)
                           .values(unit_id=unit_id, current_unit_id=current_id))
    db.session.add_all(Event(
        application_id=row.id, action=REORGANIZE, actor_id=actor.id if actor else None, role="admin",
        unit_id=current_id, from_state=row.state, to_state=row.state, note=note,
        details=_moved(row, unit_id, current_id), created_at=now)
        for row, unit_id, current_id in moves)
    db.session.flush()
    # Objects already loaded in this session must not keep the old units.
    moved_ids = {row.id for row, _, _ in moves}
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Application) and obj.id in moved_ids:
            db.session.expire(obj, ["unit_id", "current_unit_id", "unit", "current_unit", "handler_id",
                                    "handler"])


def _moved(row, unit_id, current_id) -> dict:
    """The event's details: where it waited and waits; the receiving units too when they are not those."""
    details = {"from_unit_id": row.current_unit_id, "to_unit_id": current_id}
    if (row.unit_id, unit_id) != (row.current_unit_id, current_id):
        details.update(from_intake_unit_id=row.unit_id, to_intake_unit_id=unit_id)
    return details


def _move_contents(actor, source: Unit, target: Unit, note: str) -> dict:
    """Open applications (receiving or current unit) and staff of `source` go to `target`."""
    rows = _open_applications([source.id])
    _relocate(actor, [(row, target.id if row.unit_id == source.id else row.unit_id,
                       target.id if row.current_unit_id == source.id else row.current_unit_id)
                      for row in rows], note)
    staff = db.session.execute(select(User).where(User.unit_id == source.id)).scalars().all()
    for person in staff:
        person.unit_id = target.id
    db.session.flush()
    if rows:
        rebuild_flows([source.id, target.id])  # the moved applications now count for the survivor
    return {"applications": len(rows), "staff": len(staff)}


def merge_units(actor, absorbed: Unit, survivor: Unit, note: str = "") -> dict:
    """`absorbed` joins `survivor` (same level): its open applications and staff move, its sub-units are
    re-parented, and it is deactivated with `merged_into_id`. Returns the counts moved."""
    errors = {}
    if absorbed is survivor:
        errors["survivor"] = [N_("Hãy chọn một đơn vị khác để sáp nhập vào.")]
    elif absorbed.level != survivor.level:
        errors["survivor"] = [N_("Chỉ sáp nhập các đơn vị cùng cấp.")]
    elif not survivor.active:
        errors["survivor"] = [N_("Đơn vị tiếp nhận đã ngừng hoạt động.")]
    if not absorbed.active:
        errors["absorbed"] = [N_("Đơn vị này đã ngừng hoạt động.")]
    if errors:
        raise Invalid(N_("Không thể sáp nhập."), errors=errors)
    text = _nfc(note) or f"Sắp xếp đơn vị hành chính: {absorbed.name} sáp nhập vào {survivor.name}."
    moved = _move_contents(actor, absorbed, survivor, text)
    children = list(absorbed.children)
    for child in children:
        child.parent = survivor
    moved["sub_units"] = len(children)
    absorbed.active = False
    absorbed.merged_into_id = survivor.id
    audit(actor, "unit.merge", f"unit:{absorbed.slug}", into=survivor.slug, note=text, **moved)
    return moved


from .two_levels import plan_two_levels, switch_to_two_levels  # noqa: E402,F401  (the 2025 switch)

"""Procedure codes as the national portal knows them (mã TTHC of the national catalogue).

A province publishes its own variants of a national procedure, and a unit may carry one of them: the national
code of a service is the mapping row of the application's receiving unit, else of the nearest unit above it,
else the province-wide row (unit NULL), else the service's own `code` (services/<slug>.toml)."""
from __future__ import annotations

import re
import unicodedata

from flask import g, has_app_context
from sqlalchemy import select

from ..admin.units import audit
from ..extensions import db
from ..i18n import N_
from ..models import Service, Unit
from ..operations import Invalid, NotFound
from ..timeutil import utcnow
from .models import ProcedureCodeMapping

# National catalogue codes: "1.004873", or a local variant "1.004873.000.00.00.H62".
CODE_PATTERN = re.compile(r"[0-9]\.[0-9]{6}(\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2})?")
CODE_MESSAGE = N_("Mã thủ tục không đúng định dạng của Cổng DVCQG (ví dụ 1.004873 hoặc 1.004873.000.00.00.H62).")


def clean_code(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = unicodedata.normalize("NFC", value.strip())
    return value if CODE_PATTERN.fullmatch(value) else None


def mapping_rows(service_id: int) -> dict:
    """{unit id or None: national code} of a service, read once per request (a transition's status message
    reads it before the transition writes; the administrators' page changes rows in requests of its own)."""
    cache = g.setdefault("national_mappings", {}) if has_app_context() else {}
    if service_id not in cache:
        cache[service_id] = {row.unit_id: row.national_code for row in db.session.execute(
            select(ProcedureCodeMapping).where(ProcedureCodeMapping.service_id == service_id)).scalars()}
    return cache[service_id]


def _forget() -> None:
    if has_app_context():
        g.pop("national_mappings", None)


def national_code(service: Service, unit: Unit | None, own_code: str) -> str:
    """The code to send for `service` received at `unit`; `own_code` when no row maps it."""
    rows = mapping_rows(service.id)
    if not rows:
        return own_code
    node = unit
    while node is not None:
        if node.id in rows:
            return rows[node.id]
        node = node.parent
    return rows.get(None, own_code)


def mappings() -> list[ProcedureCodeMapping]:
    return db.session.execute(
        select(ProcedureCodeMapping).join(Service).order_by(Service.slug, ProcedureCodeMapping.unit_id.is_not(None),
                                                            ProcedureCodeMapping.unit_id)).scalars().all()


def set_mapping(actor, service: Service, unit: Unit | None, code) -> ProcedureCodeMapping:
    """Creates or replaces the mapping of `service` at `unit` (None: the whole province)."""
    clean = clean_code(code)
    if clean is None:
        raise Invalid(CODE_MESSAGE, errors={"national_code": [CODE_MESSAGE]})
    unit_id = unit.id if unit is not None else None
    row = db.session.execute(select(ProcedureCodeMapping).where(
        ProcedureCodeMapping.service_id == service.id,
        ProcedureCodeMapping.unit_id.is_(None) if unit_id is None else ProcedureCodeMapping.unit_id == unit_id,
    )).scalar_one_or_none()
    before = row.national_code if row is not None else None
    if row is None:
        row = ProcedureCodeMapping(service=service, unit=unit, service_id=service.id, unit_id=unit_id)
        db.session.add(row)
    row.national_code = clean
    row.updated_by_id = actor.id if actor is not None else None
    row.updated_at = utcnow()
    db.session.flush()
    _forget()
    audit(actor, "national_code.set", f"service:{service.slug}", unit=unit.slug if unit else None,
          before=before, after=clean)
    return row


def remove_mapping(actor, mapping_id: int) -> None:
    row = db.session.get(ProcedureCodeMapping, mapping_id)
    if row is None:
        raise NotFound(N_("Không tìm thấy mã thủ tục đã khai báo."))
    audit(actor, "national_code.remove", f"service:{row.service.slug}",
          unit=row.unit.slug if row.unit else None, before=row.national_code)
    db.session.delete(row)
    db.session.flush()
    _forget()

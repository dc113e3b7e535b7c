"""Documents rendered on demand from the records rather than issued once: the control sheet of an application
(form 06 of Circular 03/2025/TT-VPCP, from its handover events) and a unit's register for a period (form 07).
They are signed by the unit when it has a key, but not stored: printed again tomorrow they show tomorrow's
state. The register's book and serial number are given once, when the application is received (form 01)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Application, Unit
from ..operations.counters import next_value
from ..timeutil import VN, to_vn, utcnow
from ..workflows_registry import workflow_of
from . import contexts
from .issue import TITLES, sign_for_unit
from .render import render_pdf

MAX_REGISTER_DAYS = 366
# How the result reached the applicant, for the register's "signature of the recipient" column; at the desk
# the applicant signs the printed book.
RETURNED_BY = {"online": "Nhận trực tuyến", "post": "Gửi qua bưu chính công ích", "desk": ""}


def register_book(day: date) -> str:
    """One electronic register book per receiving unit and year: "01/2026"."""
    return f"01/{day.year}"


def enter_register(application, day: date) -> None:
    """Gives the application its book and serial number in the receiving unit's register, once: a receipt
    issued again (after a supplement) keeps them."""
    if application.register_serial is not None:
        return
    application.register_book = register_book(day)
    application.register_serial = next_value(f"register:{application.unit_id}:{day.year}")


def _unit_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())


def handover_rows(application) -> list[dict]:
    """One row per handover event (written by the `record_handover` effect); who took it over is whoever
    acted next at the receiving unit."""
    events = list(application.events)
    handovers = [(i, e, (e.details or {}).get("handover")) for i, e in enumerate(events)]
    handovers = [(i, e, h) for i, e, h in handovers if isinstance(h, dict)]
    names = _unit_names([h.get(key) for _, _, h in handovers for key in ("from_unit_id", "to_unit_id")])
    rows = []
    for index, event, handover in handovers:
        to_unit = handover.get("to_unit_id")
        taker = next((later.actor.full_name for later in events[index + 1:]
                      if later.unit_id == to_unit and later.actor is not None), "")
        rows.append({
            "from_unit": names.get(handover.get("from_unit_id"), ""),
            "to_unit": names.get(to_unit, ""),
            "at": event.created_at,
            "giver": event.actor.full_name if event.actor is not None else "",
            "taker": taker,
            "status": handover.get("timing", ""),
            "note": event.note or "",
        })
    return rows


def render_control_sheet(application, *, unit, actor) -> bytes:
    today = to_vn(utcnow()).date()
    context = {
        "title": TITLES["control_sheet"],
        "number": application.code or "",
        "date": today,
        "unit": contexts.unit_context(unit, desk=True),
        "signer": contexts.signer_context(actor),
        "verification": {},
        "application": contexts.application_context(application),
        "handovers": handover_rows(application),
    }
    pdf, _signed = sign_for_unit(render_pdf("control_sheet", context), unit, reason=TITLES["control_sheet"])
    return pdf


def _state_label(application) -> str:
    try:
        states = workflow_of(application).states
        return states[application.state].label if application.state in states else application.state
    except Exception:  # a workflow file removed since: the raw state still says something
        return application.state


def _lead_agency(application, names: dict[int, str], transfer) -> str:
    """The unit that decides: whoever approved or denied, else where it was sent, else where it waits."""
    decided = next((e for e in reversed(list(application.events)) if e.action in ("approve", "deny")), None)
    if decided is not None and decided.unit_id in names:
        return names[decided.unit_id]
    if transfer is not None:
        return transfer["to_unit"]
    return names.get(application.current_unit_id, "")


def _returned_to(application) -> str:
    if application.state != "completed":
        return ""
    delivered = next((e for e in reversed(list(application.events)) if e.action == "deliver"), None)
    if delivered is not None and delivered.role == "citizen":
        return RETURNED_BY["online"]
    return RETURNED_BY.get((application.delivery or {}).get("method") or "desk", "")


def register_row(application, names: dict[int, str]) -> dict:
    applicant = application.applicant
    handovers = handover_rows(application)
    transfer = next((h for h in handovers if h["from_unit"] != h["to_unit"]), None)
    returned = application.completed_at if application.state == "completed" else None
    return {
        "serial": application.register_serial,
        "code": application.code or "",
        "received_at": application.received_at,
        "applicant": application.applicant_full_name,
        "address": (applicant.address or "") if applicant else "",
        "phone": application.applicant_phone or ((applicant.phone or "") if applicant else ""),
        "sets": 1,
        "service_name": application.service_version.name if application.service_version else "",
        "due_date": application.due_date,
        "lead_agency": _lead_agency(application, names, transfer),
        "transfer": transfer,
        "resolved_at": application.decided_at,
        "returned_at": returned,
        "returned_to": _returned_to(application),
        "note": "" if application.state == "completed" else _state_label(application),
        "state_label": _state_label(application),
        "state": application.state,
        "closed": application.completed_at is not None,  # returned, refused, denied or withdrawn
    }


def register_rows(unit, start: date, end: date) -> list[dict]:
    low = datetime.combine(start, time.min, tzinfo=VN)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN)
    applications = db.session.execute(
        select(Application).where(Application.unit_id == unit.id, Application.received_at >= low,
                                  Application.received_at < high)
        .options(selectinload(Application.events), selectinload(Application.applicant))
        .order_by(Application.received_at, Application.id)).scalars().all()
    names = _unit_names({e.unit_id for a in applications for e in a.events}
                        | {a.current_unit_id for a in applications})
    return [register_row(a, names) for a in applications]


def render_register(unit, start: date, end: date, *, actor) -> bytes:
    rows = register_rows(unit, start, end)
    resolved = sum(1 for r in rows if r["closed"])
    context = {
        "title": TITLES["register"],
        "number": "",
        "date": to_vn(utcnow()).date(),
        "unit": contexts.unit_context(unit, desk=True),
        "signer": contexts.signer_context(actor),
        "verification": {},
        "period_from": start,
        "period_to": end,
        "rows": rows,
        "totals": {"received": len(rows), "resolved": resolved, "in_progress": len(rows) - resolved},
    }
    pdf, _signed = sign_for_unit(render_pdf("register", context), unit, reason=TITLES["register"])
    return pdf

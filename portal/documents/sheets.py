"""Documents rendered on demand from the records rather than issued once: the control sheet of an application
(form 05, from its handover events) and a unit's register for a period (form 06). They are signed by the
unit when it has a key, but not stored: printed again tomorrow they show tomorrow's state."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Application, Unit
from ..timeutil import VN, to_vn, utcnow
from ..workflows_registry import get_workflow
from . import contexts
from .issue import TITLES, sign_for_unit
from .render import render_pdf

MAX_REGISTER_DAYS = 366


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
        states = get_workflow(application.workflow).states
        return states[application.state].label if application.state in states else application.state
    except Exception:  # a workflow file removed since: the raw state still says something
        return application.state


def register_rows(unit, start: date, end: date) -> list[dict]:
    low = datetime.combine(start, time.min, tzinfo=VN)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN)
    applications = db.session.execute(
        select(Application).where(Application.unit_id == unit.id, Application.received_at >= low,
                                  Application.received_at < high)
        .order_by(Application.received_at, Application.id)).scalars().all()
    return [{
        "code": a.code or "",
        "received_at": a.received_at,
        "applicant": a.applicant.full_name if a.applicant else "",
        "service_name": a.service_version.name if a.service_version else "",
        "due_date": a.due_date,
        "resolved_at": a.decided_at,
        "returned_at": a.completed_at,
        "state_label": _state_label(a),
        "state": a.state,
    } for a in applications]


def render_register(unit, start: date, end: date, *, actor) -> bytes:
    rows = register_rows(unit, start, end)
    resolved = sum(1 for r in rows if r["resolved_at"] is not None or r["returned_at"] is not None)
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

"""Workflow effects that issue documents. Each runs inside the transition's transaction and never commits;
each returns what it adds to the event's details (the documents issued, listed by id, kind and code); the
issued documents are left in `ctx.results["documents"]` for later effects (e.g. the notification)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Payment
from ..operations.effects import effect
from ..timeutil import to_vn
from . import contexts
from .issue import issue_document, result_template


def _issue(ctx, kind, **kwargs) -> dict:
    """Issues the document; returns what the event lists of it."""
    document = issue_document(ctx.application, kind, actor=ctx.actor, **kwargs)
    ctx.results.setdefault("documents", []).append(document)
    return {"documents": [{"id": document.id, "kind": kind, "code": document.code}]}


@effect("issue_receipt")
def issue_receipt(ctx):
    from .sheets import enter_register  # form 01 prints the register book and serial (Circular 03/2025)
    enter_register(ctx.application, to_vn(ctx.now).date())
    return _issue(ctx, "receipt")


@effect("issue_supplement_request")
def issue_supplement_request(ctx):
    unit = ctx.application.current_unit
    if ctx.actor is not None and ctx.actor.unit is not None:
        unit = ctx.actor.unit
    contact = {"name": ctx.actor.full_name if ctx.actor is not None else "",
               "phone": unit.phone or "", "address": unit.address or unit.name}
    items = contexts.supplement_items(ctx.inputs, ctx.note)
    return _issue(ctx, "supplement_request", extra={"missing": items, "contact": contact,
                                                    "reason": "" if not ctx.inputs.get("missing") else ctx.note})


@effect("issue_refusal")
def issue_refusal(ctx):
    return _issue(ctx, "refusal", extra={"reason": ctx.note, "legal_basis": ctx.inputs.get("legal_basis", "")})


def _as_date(value):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@effect("issue_apology")
def issue_apology(ctx):
    app = ctx.application
    # set_new_due_date runs first and keeps the date it replaced in the event.
    previous = _as_date(ctx.details.get("previous_due_date")) or app.original_due_date
    new = _as_date(ctx.inputs.get("new_due_date")) or app.due_date
    # approve_reschedule: the reason is the requesting officer's (take_reschedule_request), the leader signs.
    reason = ctx.inputs.get("reschedule_reason") or ctx.note
    return _issue(ctx, "apology", extra={"original_due_date": previous, "new_due_date": new, "reason": reason,
                                         "requested_by": ctx.inputs.get("requested_by", "")})


@effect("issue_result")
def issue_result(ctx):
    template, title = result_template(ctx.application)
    return _issue(ctx, "result", template=template, title=title,
                  extra={"decision": {"text": "", "note": ctx.note}})


@effect("issue_denial")
def issue_denial(ctx):
    return _issue(ctx, "denial", extra={"reason": ctx.note})


PAYMENT_METHODS = {"vnpay": "Thanh toán trực tuyến (VNPAY)", "desk": "Nộp tiền mặt tại Bộ phận Một cửa"}


@effect("issue_payment_receipt")
def issue_payment_receipt(ctx):
    app = ctx.application
    payment = db.session.execute(
        select(Payment).where(Payment.application_id == app.id, Payment.state == "paid")
        .order_by(Payment.paid_at.desc(), Payment.id.desc())).scalars().first()
    details = {
        "amount": payment.amount if payment is not None else app.fee_amount,
        "fee_name": f"Phí, lệ phí: {app.service_version.name}",
        "method": PAYMENT_METHODS.get(payment.provider, payment.provider) if payment is not None else "",
        "txn_ref": payment.txn_ref if payment is not None else "",
        "gateway_txn_no": payment.gateway_txn_no if payment is not None else "",
        "paid_at": (payment.paid_at if payment is not None else None) or app.paid_at or ctx.now,
    }
    return _issue(ctx, "payment_receipt", extra={"payment": details})

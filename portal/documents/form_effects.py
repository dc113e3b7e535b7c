"""Effects for the two Circular 03/2025/TT-VPCP forms that need more than one step or a signer the actor is
not: the apology letter with a new date (form 04, asked for by the officer, signed by the head of the agency
once the leader approves) and the notice that resolution stops (form 05, when a received application is
withdrawn). Handlers return what they add to the event's details and never commit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..i18n import N_
from ..models import Unit, User
from ..operations import Invalid
from ..operations.effects import effect
from . import contexts
from .issue import issue_document

# Decree 118/2025/NĐ-CP governs the one-stop mechanism that form 05 belongs to; a withdrawal needs no other
# basis than the applicant's own request under it.
WITHDRAWAL_BASIS = ("Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm 2025 của Chính phủ về thực hiện thủ tục "
                    "hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ "
                    "công quốc gia; đề nghị rút hồ sơ của người nộp hồ sơ")
WITHDRAWAL_REASON = "Người nộp hồ sơ đề nghị rút hồ sơ."


def _date_error(message: str) -> Invalid:
    return Invalid(message, errors={"new_due_date": [message]})


def requested_due_date(ctx) -> date:
    """The date an officer asks for: after the current due date, on a working day."""
    raw = ctx.inputs.get("new_due_date")
    try:
        wanted = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        raise _date_error("Ngày hẹn mới không hợp lệ.") from None
    due = ctx.application.due_date
    if due is not None and wanted <= due:
        raise _date_error(N_("Ngày hẹn mới phải sau ngày hẹn trả hiện tại."))
    if not ctx.calendar.is_working_day(wanted):
        raise _date_error(N_("Ngày hẹn mới phải là ngày làm việc."))
    return wanted


@effect("record_reschedule_request")
def record_reschedule_request(ctx):
    """`reschedule`: the request waits for the leader; nothing changes for the citizen yet."""
    wanted = requested_due_date(ctx)
    return {"requested_due_date": wanted.isoformat(),
            "requested_by": ctx.actor.full_name if ctx.actor is not None else ""}


def pending_request(application):
    """The latest `reschedule` event (the request `approve_reschedule` answers), or None."""
    return next((e for e in reversed(list(application.events)) if e.action == "reschedule"), None)


@effect("take_reschedule_request")
def take_reschedule_request(ctx):
    """`approve_reschedule`: the requested date (unless the leader gives another) and the requester's reason
    become this action's inputs, for `set_new_due_date` and `issue_apology` after it."""
    request = pending_request(ctx.application)
    requested = dict((request.details or {}) if request is not None else {})
    if ctx.inputs.get("new_due_date") in (None, ""):
        ctx.inputs["new_due_date"] = requested.get("requested_due_date")
    if ctx.inputs.get("new_due_date") in (None, ""):
        raise _date_error(N_("Không tìm thấy ngày hẹn mới được đề nghị; vui lòng chọn ngày hẹn trả mới."))
    reason = (request.note if request is not None else "") or ctx.note
    ctx.inputs["reschedule_reason"] = reason
    ctx.inputs["requested_by"] = requested.get("requested_by", "")
    if not ctx.note:
        ctx.note = reason  # the citizen's e-mail gives the reason of the delay
    return {"request_event_id": request.id if request is not None else None}


def head_of(unit) -> dict:
    """The signer of a letter of the agency: its first active leader (name and title)."""
    leader = db.session.execute(
        select(User).where(User.kind == "staff", User.role == "leader", User.active.is_(True),
                           User.unit_id == unit.id).order_by(User.id)).scalars().first()
    if leader is None:
        return {"name": "", "title": contexts.ROLE_TITLES["leader"]}
    return contexts.signer_context(leader, "leader")


@effect("issue_stop_notice")
def issue_stop_notice(ctx):
    """Form 05: the agency holding the application tells the applicant it stops resolving it."""
    application = ctx.application
    unit = db.session.get(Unit, application.current_unit_id)
    reason = ctx.note or WITHDRAWAL_REASON
    legal_basis = str(ctx.inputs.get("legal_basis") or "").strip() or WITHDRAWAL_BASIS
    document = issue_document(application, "stop_notice", actor=ctx.actor, unit=unit,
                              extra={"reason": reason, "legal_basis": legal_basis, "signer": head_of(unit),
                                     "stopped_at": ctx.now, "stop_kind": "withdrawn"})
    ctx.results.setdefault("documents", []).append(document)
    return {"documents": [{"id": document.id, "kind": "stop_notice", "code": document.code}]}

"""The workflow effect `notify_citizen`: an e-mail (and, for the steps that matter, an SMS) to the applicant
for each state change it is attached to. Rendered inside the transaction; delivered after the commit."""
from datetime import date

from flask import current_app

from ..extensions import db
from ..models import Unit
from ..operations.effects import effect
from ..workflows_registry import workflow_of
from . import send_email, send_sms
from .recipients import applicant_email

# The state reached says most (a fee to pay, a result to collect); otherwise the action does.
TEMPLATE_BY_STATE = {
    "awaiting_payment": "payment_due", "result_ready": "result_ready", "completed": "completed",
}
TEMPLATE_BY_ACTION = {
    "submit": "submitted", "accept": "accepted", "request_supplement": "supplement_requested",
    "refuse": "refused", "deny": "denied", "reschedule": "rescheduled",
    "approve_reschedule": "rescheduled",  # the request itself (reschedule) notifies no one
}
GENERIC_TEMPLATE = "state_changed"
SUBJECTS = {
    "submitted": "Đã nhận hồ sơ {code}",
    "accepted": "Hồ sơ {code} đã được tiếp nhận",
    "supplement_requested": "Hồ sơ {code} cần bổ sung giấy tờ, thông tin",
    "payment_due": "Hồ sơ {code}: đề nghị nộp phí, lệ phí",
    "result_ready": "Hồ sơ {code} đã có kết quả",
    "completed": "Hồ sơ {code} đã hoàn thành",
    "refused": "Hồ sơ {code} không được tiếp nhận",
    "denied": "Hồ sơ {code} không được chấp thuận",
    "rescheduled": "Hồ sơ {code}: thay đổi ngày hẹn trả kết quả",
    GENERIC_TEMPLATE: "Hồ sơ {code}: {state_label}",
}
# An SMS costs money and attention: only for what the citizen must know or act on.
SMS_TEMPLATES = frozenset({"submitted", "accepted", "supplement_requested", "payment_due", "result_ready",
                           "refused", "denied", "rescheduled"})


def template_for(action: str, to_state: str) -> str:
    return TEMPLATE_BY_STATE.get(to_state) or TEMPLATE_BY_ACTION.get(action) or GENERIC_TEMPLATE


def public_url(endpoint: str, **values) -> str:
    """An absolute link under PUBLIC_URL, built without a request (effects also run from the CLI and from
    the payment gateway's server-to-server call). The registry loads every feature, so the page exists."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_URL"] + path


def _application_url(application) -> str:
    return public_url("citizen.application", application_id=application.id)


def _iso_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def notification_context(ctx) -> dict:
    application = ctx.application
    version = application.service_version
    workflow = workflow_of(application)
    to_state = ctx.decision.to_state
    # The unit may just have changed (forwarded, returned): read it by id, not through a stale relationship.
    current_unit = db.session.get(Unit, application.current_unit_id)
    online_level = version.online_level
    has_account = application.applicant_id is not None
    return {
        "applicant_name": application.applicant_full_name,
        "code": application.code,
        "service_name": version.name,
        "unit_name": application.unit.name,
        "unit_address": application.unit.address,
        "unit_phone": application.unit.phone,
        "current_unit_name": current_unit.name if current_unit else "",
        "action": ctx.decision.action,
        "action_label": ctx.decision.transition.label,
        "state": to_state,
        "state_label": workflow.state(to_state).label,
        "note": ctx.note,
        "due_date": application.due_date,
        "previous_due_date": _iso_date(ctx.details.get("previous_due_date")),
        "fee_amount": application.fee_amount,
        "online_level": online_level,
        "event_at": ctx.now,
        # The application's, payment and rating pages are behind the applicant's sign-in; without an account
        # the public lookup (code and phone digits) is the way in, and the fee is paid at the desk.
        "application_url": _application_url(application) if has_account else None,
        "lookup_url": public_url("lookup.lookup"),
        "payment_url": (public_url("payments.pay_online", application_id=application.id)
                        if online_level == 4 and has_account else None),
        "rating_url": public_url("ratings.page", application_id=application.id) if has_account else None,
    }


@effect("notify_citizen")
def notify_citizen(ctx):
    application = ctx.application
    template = template_for(ctx.decision.action, ctx.decision.to_state)
    context = notification_context(ctx)
    subject = SUBJECTS[template].format(**context)
    applicant = application.applicant  # None: no account (a walk-in or a national portal applicant)
    email = applicant_email(application)
    if email:
        send_email(email, subject, template, **context)
    if template in SMS_TEMPLATES:
        send_sms(application.applicant_phone or (applicant.phone if applicant else ""), template, **context)

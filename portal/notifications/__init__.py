"""Telling people what happened: e-mail and SMS rendered from templates/emails/ and delivered by the job
queue (portal.notifications.jobs).

`send_email` and `send_sms` render now and deliver once the current database transaction commits, so nobody
is told about a change that was rolled back; called with no transaction open, they deliver at once. The
workflow effect `notify_citizen` (effects.py) uses them on every state change it is attached to."""
from ..extensions import db
from ..unit_of_work import after_commit
from .jobs import enqueue
from .mail import compose, deliver_email
from .sms import compose_sms, deliver_sms

__all__ = ["send_email", "send_sms", "dispatch"]


def dispatch(job, *args):
    """Queues `job(*args)` after the commit of the open transaction, or now when none is open."""
    session = db.session()  # the request's own Session (the scoped proxy has no in_transaction)
    if session.in_transaction():
        after_commit(session, enqueue, job, *args)
    else:
        enqueue(job, *args)


def send_email(to: str, subject: str, template: str, **context) -> dict:
    """Renders templates/emails/<template>.txt (and .html when present) with `context` and delivers it to `to`
    after the commit. Returns the composed message (plain data)."""
    message = compose(to, subject, template, **context)
    dispatch(deliver_email, message)
    return message


def send_sms(phone: str, template: str, **context) -> dict | None:
    """Renders templates/emails/sms/<template>.txt and sends it to `phone` after the commit. Returns the
    composed SMS, or None (nothing sent) when `phone` is not a usable mobile number."""
    message = compose_sms(phone, template, **context)
    if message is not None:
        dispatch(deliver_sms, message)
    return message

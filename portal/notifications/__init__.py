"""Telling people what happened: e-mail and SMS rendered from templates/emails/ and delivered by the job
queue (portal.notifications.jobs).

`send_email` and `send_sms` render now and put the message in the outbox (portal/outbox, destinations `mail`
and `sms`, portal/notifications/outboxed.py) in the current database transaction: nobody is told about a
change that was rolled back, and a committed change always has its messages, even when the process dies
right after the commit; called with no transaction open, they commit the message at once. The
workflow effect `notify_citizen` (effects.py) uses them on every state change it is attached to."""
from ..extensions import db
from ..unit_of_work import after_commit
from .jobs import enqueue
from .outboxed import outbox_on, put_email, put_sms
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
    if outbox_on():
        _in_outbox(put_email, message)
    else:
        dispatch(deliver_email, message)
    return message


def send_sms(phone: str, template: str, **context) -> dict | None:
    """Renders templates/emails/sms/<template>.txt and sends it to `phone` after the commit. Returns the
    composed SMS, or None (nothing sent) when `phone` is not a usable mobile number."""
    message = compose_sms(phone, template, **context)
    if message is not None and outbox_on():
        _in_outbox(put_sms, message)
    elif message is not None:
        dispatch(deliver_sms, message)
    return message


def _in_outbox(put_message, message: dict) -> None:
    """The message joins the open transaction (sent once it commits); with none open, it is committed now."""
    session = db.session()
    opened_here = not session.in_transaction()
    put_message(message)
    if opened_here:
        session.commit()  # no request's unit of work will: a script or a worker sent it

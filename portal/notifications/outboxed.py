"""E-mail and SMS as outbox messages (destinations `mail` and `sms`): written in the transaction of the change
they announce, so a process killed between the commit and the queueing loses none of them (portal/outbox
delivers them, retries them, and shows those that keep failing to administrators).

Delivery is idempotent by the message key: an e-mail written to the file outbox is named after its key and
not written twice; the log SMS provider keeps a mark per key under OUTBOX_DIR/sms and sends a key once; an
SMTP server gets the same Message-ID again at worst (the key is the Message-ID)."""
import logging
import uuid

from ..outbox import destination, put
from ..outbox.store import enabled
from .mail import deliver_email
from .sms import deliver_sms

log = logging.getLogger(__name__)


def put_email(message: dict):
    key = message["message_id"]
    return put("mail", message, key=key, ordering_key=f"mail:{key}", fresh_key=True)  # a new Message-ID


def put_sms(message: dict):
    key = message.setdefault("key", f"sms-{uuid.uuid4().hex}")
    return put("sms", message, key=key, ordering_key=f"sms:{key}", fresh_key=True)


def outbox_on() -> bool:
    return enabled()


@destination("mail")
def send_mail(message) -> None:
    deliver_email(message.payload, key=message.key)


@destination("sms")
def send_sms(message) -> None:
    deliver_sms(message.payload, key=message.key)

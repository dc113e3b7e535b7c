"""SMS: a provider interface. The default provider (`SMS_PROVIDER=log`) writes each message to the log
`portal.sms`; a gateway is plugged in by naming its class, `SMS_PROVIDER=package.module:ClassName`, whose
instances have `send(phone, text)`.

Messages are rendered in the app (templates/emails/sms/<name>.txt) and delivered by the job `deliver_sms`,
which gets plain data only."""
import importlib
import logging
import re
from typing import Protocol

from flask import current_app, has_app_context

from .mail import render_text
from .marks import already_sent, mark_sent

log = logging.getLogger("portal.sms")


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogProvider:
    """Development and closed networks: the message goes to the log instead of a gateway. The number is
    masked: logs are kept longer and read by more people than an SMS inbox."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


PROVIDERS = {"log": LogProvider}


def mask_phone(phone: str) -> str:
    return phone[:3] + "*" * max(len(phone) - 6, 0) + phone[-3:] if len(phone) > 6 else "***"


def normalize_phone(phone: str | None) -> str:
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits if re.fullmatch(r"0\d{9,10}", digits) else ""


def provider_named(name: str) -> SmsProvider:
    name = (name or "log").strip()
    if name in PROVIDERS:
        return PROVIDERS[name]()
    module_name, _, class_name = name.partition(":")
    if not module_name or not class_name:
        raise ValueError(f"SMS_PROVIDER {name!r}: use 'log' or 'package.module:ClassName'")
    return getattr(importlib.import_module(module_name), class_name)()


def sms_provider_name() -> str:
    if has_app_context():
        return current_app.config.get("SMS_PROVIDER", "log")
    from config import Config
    return Config().SMS_PROVIDER


def compose_sms(phone: str, template: str, **context) -> dict | None:
    """The SMS as plain data, or None when there is no usable mobile number."""
    number = normalize_phone(phone)
    if not number:
        return None
    text = " ".join(render_text(f"emails/sms/{template}.txt", **context).split())
    return {"phone": number, "text": text, "template": template}


def deliver_sms(message: dict, key: str | None = None) -> None:
    """Job: hands one composed SMS to the configured provider. With the outbox's `key`, a mark per key
    (OUTBOX_DIR/sms) keeps a message handed over twice from reaching the phone twice."""
    folder = outbox_dir() if key else ""
    if key and already_sent(folder, "sms", key):
        log.info("SMS %s to %s already sent, not sent twice", key, mask_phone(message["phone"]))
        return
    provider_named(sms_provider_name()).send(message["phone"], message["text"])
    if key:
        mark_sent(folder, "sms", key)


def outbox_dir() -> str:
    if has_app_context():
        return current_app.config["OUTBOX_DIR"]
    from config import Config
    return Config().OUTBOX_DIR

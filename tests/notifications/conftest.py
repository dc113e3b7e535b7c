"""A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, collecting what it receives."""
import email
import socket
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What the server accepted: parsed messages with their SMTP envelopes."""

    def __init__(self):
        self.received = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=policy.default)
        with self._arrived:
            self.received.append({"message": message, "mail_from": envelope.mail_from,
                                  "rcpt_tos": list(envelope.rcpt_tos), "raw": envelope.original_content,
                                  "login": getattr(session, "auth_data", None)})
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=15.0):
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} message(s), the SMTP server got {len(self.received)}")
                self._arrived.wait(left)
        return [item["message"] for item in self.received]

    @property
    def messages(self):
        return [item["message"] for item in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_inbox():
    """(inbox, "smtp://127.0.0.1:<port>")"""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


@pytest.fixture
def mail_to(app, monkeypatch, smtp_inbox):
    """The app sends by SMTP to the test server; yields the inbox."""
    inbox, url = smtp_inbox
    monkeypatch.setitem(app.config, "MAIL_URL", url)
    yield inbox

"""E-mail: rendered from the Vietnamese templates in templates/emails/ while the request is still here, then
delivered by a job (`deliver_email`) that needs only the rendered message: by SMTP when MAIL_URL is set,
otherwise written as an .eml file to OUTBOX_DIR.

MAIL_URL forms: `smtp://host:port` (plain, port 25), `smtp+starttls://user:pass@host:port` (port 587) and
`smtps://user:pass@host:port` (TLS from the first byte, port 465). User and password are percent-encoded."""
import base64
import logging
import os
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, has_app_context
from jinja2 import TemplateNotFound

from ..timeutil import utcnow
from .marks import key_name

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 30  # seconds: a hung mail server must not hold a worker (or an inline request) for ever
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class MailServer:
    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = ""

    @property
    def implicit_tls(self) -> bool:
        return self.scheme == "smtps"

    @property
    def starttls(self) -> bool:
        return self.scheme == "smtp+starttls"


def parse_mail_url(url: str) -> MailServer:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"MAIL_URL: unknown scheme {parts.scheme!r}; "
                         "use smtp://, smtp+starttls:// or smtps://")
    if not parts.hostname:
        raise ValueError("MAIL_URL: the mail server's host name is missing")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise ValueError("MAIL_URL: the port must be a number") from None
    return MailServer(scheme=scheme, host=parts.hostname, port=port,
                      username=unquote(parts.username or ""), password=unquote(parts.password or ""))


# -- rendering (in the app, inside the transaction) ------------------------------------------------------

def render_text(name: str, **context) -> str:
    """Renders a template with the app's filters but without the page context processors: a message is the
    same whether a staff member's request, the CLI or a gateway callback caused it, and none of them need a
    request to exist."""
    return current_app.jinja_env.get_template(name).render(**context)


def render_body(template: str, **context) -> tuple[str, str | None]:
    """The text part (templates/emails/<name>.txt) and the HTML part when <name>.html exists."""
    text = render_text(f"emails/{template}.txt", **context)
    try:
        html = render_text(f"emails/{template}.html", **context)
    except TemplateNotFound as missing:
        if missing.name != f"emails/{template}.html":
            raise  # the HTML template exists but includes a missing one: a bug, not an absent part
        html = None
    return text, html


def compose(to: str, subject: str, template: str, **context) -> dict:
    """The whole message as plain data, ready for a job: sender, date and Message-ID are fixed now, so a
    retried job sends the same message (receivers can drop the duplicate by its Message-ID)."""
    text, html = render_body(template, **context)
    sender = current_app.config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "dichvucong.local"
    now = utcnow()
    return {
        "from": sender, "to": to, "subject": " ".join(subject.split()),
        "date": format_datetime(now), "message_id": make_msgid(domain=domain),
        "composed_at": now.strftime("%Y%m%dT%H%M%S%f"),  # names its outbox file, whenever it is delivered
        "text": text, "html": html, "template": template,
    }


# -- delivery (in a job: inline, or in an RQ worker with no app) -----------------------------------------

# CRLF lines, RFC 2047 encoded Vietnamese headers. Headers are not folded below the RFC 5322 limit of 998:
# Python's folder splits a long Vietnamese subject into encoded words at a space and loses that space
# ("đính chính" arrives as "đínhchính").
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


def build_message(message: dict) -> EmailMessage:
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = message["from"]
    email["To"] = message["to"]
    email["Subject"] = message["subject"]
    email["Date"] = message["date"]
    email["Message-ID"] = message["message_id"]
    email.set_content(message["text"], charset="utf-8", cte="quoted-printable")
    if message.get("html"):
        email.add_alternative(message["html"], subtype="html", charset="utf-8", cte="quoted-printable")
    return email


def mail_settings() -> tuple[str, str]:
    """(MAIL_URL, OUTBOX_DIR) from the running app, or from the environment in an RQ worker."""
    if has_app_context():
        return current_app.config.get("MAIL_URL", ""), current_app.config["OUTBOX_DIR"]
    from config import Config
    settings = Config()
    return settings.MAIL_URL, settings.OUTBOX_DIR


def send_smtp(server: MailServer, email: EmailMessage) -> None:
    context = ssl.create_default_context()
    if server.implicit_tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT)
    with client:
        client.ehlo()
        if server.starttls:
            client.starttls(context=context)
            client.ehlo()
        if server.username:
            login(client, server.username, server.password)
        client.send_message(email)


def login(client: smtplib.SMTP, username: str, password: str) -> None:
    if (username + password).isascii():
        client.login(username, password)
        return
    # smtplib encodes credentials as ASCII; AUTH PLAIN carries UTF-8 (RFC 4616), as a Vietnamese
    # password needs.
    client.ehlo_or_helo_if_needed()
    if "PLAIN" not in client.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPNotSupportedError("the mail server offers no AUTH PLAIN for a non-ASCII login")
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = client.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def write_outbox(directory: str, email: EmailMessage, name: str | None = None) -> Path:
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    name = name or f"{utcnow().strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}.eml"
    partial = folder / f".{name}.part"
    partial.write_bytes(email.as_bytes())
    os.replace(partial, folder / name)  # whoever reads the outbox never sees half a message
    return folder / name


def deliver_email(message: dict, key: str | None = None) -> str:
    """Job: sends one composed message. Returns where it went ("smtp://host:port" or the .eml path).

    With the outbox's `key`, the file outbox gets one file per key however often the message is delivered
    (an SMTP server gets the same Message-ID again at worst)."""
    email = build_message(message)
    url, outbox = mail_settings()
    if key and not url:
        name = f"{message.get('composed_at', '')}-{key_name(key)}.eml".lstrip("-")
        existing = Path(outbox) / name
        if existing.exists():
            log.info("mail %s %s already in %s, not written twice", message.get("template"),
                     message["message_id"], existing)
            return str(existing)
        path = write_outbox(outbox, email, name)
        log.info("mail %s %s written to %s", message.get("template"), message["message_id"], path)
        return str(path)
    if url:
        server = parse_mail_url(url)
        send_smtp(server, email)
        log.info("mail %s %s sent via %s:%s", message.get("template"), message["message_id"], server.host,
                 server.port)
        return f"{server.scheme}://{server.host}:{server.port}"
    path = write_outbox(outbox, email)
    log.info("mail %s %s written to %s", message.get("template"), message["message_id"], path)
    return str(path)

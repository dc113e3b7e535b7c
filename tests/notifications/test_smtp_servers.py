"""The three MAIL_URL forms against real SMTP servers: login with percent-encoded credentials, STARTTLS and
TLS from the first byte (a self-signed certificate the client is told to trust)."""
import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from portal.notifications import send_email
from portal.notifications.mail import parse_mail_url
from tests.notifications.conftest import Inbox, free_port, text_of

USER, PASSWORD = "dvc@tam-hong.gov.vn", "mật:khẩu/@1"
ENCODED = "dvc%40tam-hong.gov.vn:m%E1%BA%ADt%3Akh%E1%BA%A9u%2F%401"


def check_login(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert path, key path)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def server_context(certificate):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def send_one(app, url, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", url)
    send_email("nguoi.dan@example.vn", "Thử gửi thư: Hồ sơ đã có kết quả", "state_changed",
               applicant_name="Trần Thị Bích", code="000.21.31.H62-261127-0001",
               service_name="Đăng ký khai sinh",
               unit_name="Ủy ban nhân dân xã Tam Hồng", action_label="Phê duyệt", state_label="Có kết quả",
               state="result_ready", event_at=datetime.datetime.now(datetime.timezone.utc))


def test_plain_smtp_with_a_percent_encoded_login(app, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=check_login,
                            auth_require_tls=False)
    controller.start()
    try:
        send_one(app, f"smtp://{ENCODED}@127.0.0.1:{controller.port}", monkeypatch)
        message = inbox.wait_for(1)[0]
    finally:
        controller.stop()
    assert message["subject"] == "Thử gửi thư: Hồ sơ đã có kết quả"
    assert "Trạng thái hiện nay: Có kết quả" in text_of(message)
    assert inbox.received[0]["login"].login == USER.encode()  # logged in, with the decoded credentials


def test_starttls_with_login(app, monkeypatch, certificate):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test certificate, and only it
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            tls_context=server_context(certificate), require_starttls=True,
                            authenticator=check_login, auth_required=True)
    controller.start()
    try:
        send_one(app, f"smtp+starttls://{ENCODED}@127.0.0.1:{controller.port}", monkeypatch)
        message = inbox.wait_for(1)[0]
    finally:
        controller.stop()
    assert message["subject"] == "Thử gửi thư: Hồ sơ đã có kết quả"
    assert inbox.received[0]["login"].login == USER.encode()


def test_implicit_tls(app, monkeypatch, certificate):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            ssl_context=server_context(certificate))
    controller.start()
    try:
        send_one(app, f"smtps://127.0.0.1:{controller.port}", monkeypatch)
        message = inbox.wait_for(1)[0]
    finally:
        controller.stop()
    assert "000.21.31.H62-261127-0001" in text_of(message)


def test_an_untrusted_certificate_is_refused(app, monkeypatch, certificate, tmp_path):
    other = tmp_path / "empty-trust.pem"
    other.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(other))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port(),
                            ssl_context=server_context(certificate))
    controller.start()
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            from portal.notifications.mail import build_message, send_smtp
            message = {"from": "a@example.vn", "to": "b@example.vn", "subject": "x",
                       "date": "Fri, 27 Nov 2026 10:00:00 +0000", "message_id": "<1@example.vn>",
                       "text": "x", "html": None}
            send_smtp(parse_mail_url(f"smtps://127.0.0.1:{controller.port}"), build_message(message))
    finally:
        controller.stop()

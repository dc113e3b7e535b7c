"""How the national portal signs what it sends to the province, and how the portal checks it.

HMAC-SHA256 with the shared secret DVCQG_INBOUND_SECRET over "<timestamp>." + the exact body bytes:
`X-DVCQG-Timestamp: <Unix seconds>` and `X-DVCQG-Signature: sha256=<hex>`. The body is signed as sent, so
nothing in it can be changed on the way; the timestamp (DVCQG_INBOUND_MAX_SKEW seconds either way) bounds
how long a captured message can be played again (and a replay is harmless anyway: the national code makes
it idempotent). With no secret configured one is derived from SECRET_KEY: the built-in sandbox, which signs
with the same app's config, then agrees with the portal; a deployment sets the secret agreed with the
national portal."""
import hashlib
import hmac
import logging
import time

from flask import current_app

from ..operations import OperationError

log = logging.getLogger("portal.national.inbound")

TIMESTAMP_HEADER = "X-DVCQG-Timestamp"
SIGNATURE_HEADER = "X-DVCQG-Signature"
PREFIX = "sha256="


class Unauthenticated(OperationError):
    status = 401
    title = "Chưa xác thực"


def inbound_secret(app=None) -> bytes:
    config = (app or current_app).config
    configured = config.get("DVCQG_INBOUND_SECRET") or ""
    if configured:
        return configured.encode()
    return hmac.new(config["SECRET_KEY"].encode(), b"dvcqg-inbound-signing", hashlib.sha256).hexdigest().encode()


def signature(body: bytes, timestamp: str, secret: bytes) -> str:
    return PREFIX + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, secret: bytes | None = None, now: float | None = None) -> dict:
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(body, timestamp, secret or inbound_secret())}


def verify(headers, body: bytes, remote: str = "") -> None:
    """Returns quietly for a message signed with the shared secret within the allowed skew; else raises
    Unauthenticated (401) and logs why."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    given = headers.get(SIGNATURE_HEADER, "")
    if not timestamp or not given:
        log.warning("national inbound refused: unsigned message from %s", remote or "?")
        raise Unauthenticated("Thiếu chữ ký của Cổng DVCQG (X-DVCQG-Timestamp, X-DVCQG-Signature).",
                              code="missing_signature")
    if not (timestamp.isascii() and timestamp.isdigit()) or \
            abs(time.time() - int(timestamp)) > int(current_app.config.get("DVCQG_INBOUND_MAX_SKEW", 300)):
        log.warning("national inbound refused: timestamp %r outside the allowed skew, from %s", timestamp[:20],
                    remote or "?")
        raise Unauthenticated("Thời điểm ký không hợp lệ hoặc đã quá hạn.", code="stale_signature")
    if not hmac.compare_digest(given.encode(), signature(body, timestamp, inbound_secret()).encode()):
        log.warning("national inbound refused: signature does not match (forged or altered), from %s",
                    remote or "?")
        raise Unauthenticated("Chữ ký không hợp lệ: thông điệp không do Cổng DVCQG gửi hoặc đã bị sửa đổi.",
                              code="bad_signature")

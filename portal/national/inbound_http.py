"""HTTP for the inbound side: the sandbox posting a message to the portal, the portal fetching the files a
message points at (DuongDanTaiTepTin).

The outbox's transport does the work (portal/outbox/http.py: the portal's own origin is answered by its WSGI
in this process), without the outbox's verdicts: the caller reads the status itself. An in-process call runs
in an application context of its own, so it has its own database session and `g`, as a real second request
would: the call's commit or rollback is not the caller's."""
from urllib.parse import urlsplit

from ..outbox import http
from ..own_origin import origin

USER_AGENT = "dvc-portal-national/1"


def exchange(method: str, url: str, body: bytes = b"", headers: dict | None = None,
             timeout: float = 10) -> http.Response:
    """One request and its answer, whatever the status. Transport failures raise the outbox's Transient."""
    return http.exchange(method, url, body, {"User-Agent": USER_AGENT, **(headers or {})}, timeout)


def allowed_file_origins(config) -> set:
    """Where attachments may be fetched from: DVCQG_FILE_ORIGINS (space or comma separated), else the
    national portal's origin, else (the sandbox) the portal's own. Never any URL a message names: the
    message is signed, but a fetch of an internal address on its word is still not ours to make."""
    listed = (config.get("DVCQG_FILE_ORIGINS") or "").replace(",", " ").split()
    if not listed:
        listed = [config.get("DVCQG_URL") or config.get("PUBLIC_URL", "")]
    return {origin(url) for url in listed if url}


def is_allowed_file_url(url: str, config) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and \
        origin(url) in allowed_file_origins(config)

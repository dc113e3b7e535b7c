"""Status of every application to the national portal (Cổng DVCQG), through the outbox.

Every transition of an application that has a code (from its submission on) writes one outbox message in the
transaction of the transition (destination `dvcqg`, ordering key = the application's code, idempotency key =
code and event id): a rolled-back action sends nothing, a committed one is never without its message. Every
way in fires its transitions through operations.transitions.fire() (online, counter intake, national intake),
so observing fire() covers them all.

The message is the dossier record of the national portal's `DongBoHoSoMC` service ("synchronise a one-stop
dossier"): the whole picture of the application at that event, so that the last message delivered is what the
national portal shows, whatever came before it. Field names are the national portal's; dates are Vietnam time
in its `yyyyMMddHHmmss` form.

TrangThaiHoSo is the workflow state's `portal_status` (workflows/definitions/*.toml, DESIGN.md §7), except at
the receipt: the acceptance that starts the clock reports 2 "Được tiếp nhận" (the state it enters says 4,
"being processed", which the next step reports), so the citizen sees on the national portal that the desk
received the application."""
from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time as clock
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Application, Event
from ..notifications.recipients import applicant_email
from ..operations.observers import observe_transitions
from ..timeutil import to_vn
from ..workflows_registry import workflow_of
from .mapping import national_code
from .models import ProcedureCodeMapping  # noqa: F401  (the feature's tables are part of the schema)

log = logging.getLogger(__name__)

DESTINATION = "dvcqg"
SYNC_SERVICE = "DongBoHoSoMC"
LOOKUP_SERVICE = "TraCuuHoSo"
SANDBOX_PATH = "/sandbox/dvcqg"
RECEIVED = 2  # Được tiếp nhận
TERMINAL = frozenset({3, 7, 8, 10})
# KenhThucHien: 1 at the desk, 2 online, 3 by post. Applications from the national portal were made online.
CHANNELS = {"counter": 1, "online": 2, "national": 2}
DEFAULT_RETURN_TIME = time(17, 0)
DATE_FORMAT = "%Y%m%d%H%M%S"


# -- dates -------------------------------------------------------------------------------------------------

def national_time(moment: datetime | None) -> str:
    return to_vn(moment).strftime(DATE_FORMAT) if moment is not None else ""


def national_day(day: date | str | None, unit) -> str:
    """A due date as the national portal keeps it: the day at the unit's hour of return (form 01)."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime.combine(day, (unit.return_time if unit is not None else None) or DEFAULT_RETURN_TIME
                            ).strftime(DATE_FORMAT)


# -- the status -------------------------------------------------------------------------------------------

def status_of(application: Application, event: Event) -> int:
    """The national status code the event leaves the application in."""
    status = workflow_of(application).state(event.to_state).portal_status
    started_clock = event.from_state == "submitted" and bool((event.details or {}).get("due_date"))
    if started_clock and status == 4:
        return RECEIVED
    return status


def latest_event(application: Application) -> Event | None:
    return db.session.execute(select(Event).where(Event.application_id == application.id)
                              .order_by(Event.id.desc()).limit(1)).scalar_one_or_none()


# -- the message -------------------------------------------------------------------------------------------

ROOT_TTL = 300  # seconds a unit's province code is reused before the tree is read again


def _root_code(unit) -> str:
    """The code of the top of `unit`'s tree (the province: the sending organisation, `madonvi`), cached per
    process for a few minutes, since walking the parents costs a query per level on every transition."""
    cache = current_app.extensions.setdefault("dvcqg_root_codes", {})
    now = clock.monotonic()
    hit = cache.get(unit.id)
    if hit is not None and hit[1] > now:
        return hit[0]
    node = unit
    while node.parent is not None:
        node = node.parent
    cache[unit.id] = (node.code, now + ROOT_TTL)
    return node.code


def _actor_name(event: Event) -> str:
    return event.actor.full_name if event.actor is not None else ""


def _histories(application: Application, events: list[Event]):
    """The supplement requests (with the due date before and after each) and the extensions of the due date,
    from the events, oldest first."""
    unit = application.unit
    supplements, extensions = [], []
    due = None
    open_request = None
    for event in events:
        details = event.details or {}
        before = due
        if details.get("due_date"):
            due = details["due_date"]
        if event.action == "request_supplement":
            open_request = {
                "HoSoBoSungId": str(event.id), "NguoiYeuCauBoSung": _actor_name(event),
                "NoiDungBoSung": event.note or "", "NgayBoSung": national_time(event.created_at),
                "NgayTiepNhanBoSung": "", "TrangThaiBoSung": "0",
                "NgayHenTraTruoc": national_day(due, unit), "NgayHenTraMoi": ""}
            supplements.append(open_request)
        elif event.action == "resubmit" and open_request is not None:
            open_request.update(NgayTiepNhanBoSung=national_time(event.created_at), TrangThaiBoSung="1",
                                NgayHenTraMoi=national_day(due, unit))
            open_request = None
        if "previous_due_date" in details:
            extensions.append({
                "GiaHanId": str(event.id), "NguoiGiaHan": _actor_name(event), "LyDoGiaHan": event.note or "",
                "NgayGiaHan": national_time(event.created_at),
                "NgayHenTraTruoc": national_day(details.get("previous_due_date") or before, unit),
                "NgayHenTraMoi": national_day(details.get("due_date"), unit)})
    return supplements, extensions


def _results(application: Application) -> list[dict]:
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    # The collection, not a query: documents are issued and revoked through it (documents/issue.py), and the
    # answer that follows reads it too.
    documents = sorted((d for d in application.documents if d.kind == "result" and d.revoked_at is None),
                       key=lambda d: d.id)
    return [{"GiayToId": doc.code, "TenGiayTo": doc.title, "SoKyHieu": doc.number,
             "NgayBanHanh": national_time(doc.issued_at), "DuongDanTepTinKetQua": f"{base}/verify/{doc.code}"}
            for doc in documents]


def national_reference(application: Application) -> str:
    """The code the national portal knows the application by."""
    return getattr(application, "national_code", None) or application.code


def build_record(application: Application, event: Event) -> dict:
    """The DongBoHoSoMC record of `application` as `event` leaves it."""
    version = application.service_version
    unit, current = application.unit, application.current_unit
    events = sorted((e for e in application.events if e.id is not None and e.id <= event.id),
                    key=lambda e: e.id)
    supplements, extensions = _histories(application, events)
    applicant = application.applicant
    delivery = application.delivery or {}
    return {
        # The national portal knows an application submitted there by its own code; ours goes beside it.
        "MaHoSo": national_reference(application),
        "MaHoSoDonVi": application.code,
        "MaTTHC": national_code(application.service, unit, version.code),
        "TenTTHC": version.name,
        "TenLinhVuc": version.sector or "",
        "ChuHoSo": application.applicant_full_name,
        "LoaiDoiTuong": "1",  # a person (2 would be an organisation)
        "MaDoiTuong": application.applicant_nid,
        "Email": applicant_email(application),
        "SoDienThoai": application.applicant_phone or (applicant.phone if applicant is not None else "") or "",
        "TrichYeuHoSo": f"{version.name} — {application.applicant_full_name}",
        "MaDonViTiepNhan": unit.code,
        "TenDonViTiepNhan": unit.name,
        "DonViXuLy": current.name if current is not None else unit.name,
        "KenhThucHien": str(CHANNELS.get(application.channel, 2)),
        "NgayNopHoSo": national_time(application.submitted_at),
        "NgayTiepNhan": national_time(application.received_at),
        "NgayHenTra": national_day(application.due_date, unit),
        "NgayKetThucXuLy": national_time(application.decided_at),
        "NgayTra": national_time(application.completed_at) if application.state == "completed" else "",
        "HinhThuc": "1" if delivery.get("method") == "post" else "0",  # result by post (1) or not (0)
        "TrangThaiHoSo": str(status_of(application, event)),
        "ThoiDiemXuLy": national_time(event.created_at),
        "NguoiXuLy": _actor_name(event),
        "NoiDungXuLy": event.note or "",
        "DanhSachHoSoBoSung": supplements,
        "DanhSachGiaHan": extensions,
        "DanhSachGiayToKetQua": _results(application),
    }


def build_envelope(application: Application, event: Event) -> dict:
    """The request body of the DongBoHoSoMC call (the session token goes in the Authorization header)."""
    return {
        "service": SYNC_SERVICE,
        "madonvi": _root_code(application.unit),
        # An update for every event after the submission; the national portal creates the dossier at the first.
        "isUpdating": event.from_state not in (None, "draft"),
        "data": [build_record(application, event)],
    }


def message_key(application: Application, event: Event, suffix: str = "") -> str:
    return f"{application.code}:{event.id}{suffix}"


def queue_status(application: Application, event: Event, *, suffix: str = "", updating: bool | None = None,
                 new_event: bool = False):
    """Writes the status message of `event` into the outbox, in the caller's transaction. `updating`: whether
    the national portal already has the dossier, when known better than from the event (reconciliation).
    `new_event`: the event was flushed in this very transaction, so no message can have its key yet (no
    look-up; the unique key still guards)."""
    from ..outbox import put
    from ..outbox.store import enabled
    if not enabled():
        return None  # the outbox switched off (bench/outbox.py's baseline): not even the record is built
    envelope = build_envelope(application, event)
    if updating is not None:
        envelope["isUpdating"] = updating
    return put(DESTINATION, envelope, key=message_key(application, event, suffix),
               ordering_key=application.code, application_id=application.id, fresh_key=new_event)


@observe_transitions
def send_status(application: Application):
    if application.id is not None:
        # Read now, before the transition writes (a submission holds the day's counter from its code to the
        # commit): its history, its documents, the national code of its procedure and the sending province.
        with db.session.no_autoflush:  # the application's pending changes are written once, later
            application.events, application.documents  # noqa: B018  (loads both collections)
            national_code(application.service, application.unit, application.service_version.code)
            _root_code(application.unit)

    def finish():
        if application.code is None:
            return  # a draft: the national portal knows an application from its submission on
        db.session.flush()  # the event's id is half of the message's idempotency key
        # The collection holds the new event (backref), and build_record reads it anyway: no query of its own.
        event = max((e for e in application.events if e.id is not None), key=lambda e: e.id, default=None)
        if event is not None:
            queue_status(application, event, new_event=True)
    return finish


# -- delivery ----------------------------------------------------------------------------------------------

def sandbox_mode(app=None) -> bool:
    """True when the portal talks to a sandbox: its own (DVCQG_URL empty), or one reached over HTTP (a URL
    ending in /sandbox/dvcqg, as the timeout tests and a second instance use)."""
    url = (app or current_app).config.get("DVCQG_URL") or ""
    return not url or url.rstrip("/").endswith(SANDBOX_PATH)


def base_url(app=None) -> str:
    app = app or current_app
    return app.config.get("DVCQG_URL") or app.config["PUBLIC_URL"].rstrip("/") + SANDBOX_PATH


def client_secret(app=None) -> str:
    """The configured secret; in sandbox mode without one, a secret derived from SECRET_KEY, which the sandbox
    derives the same way (nothing to configure for `make run`, nothing in the repository)."""
    app = app or current_app
    secret = app.config.get("DVCQG_CLIENT_SECRET", "")
    if secret or not sandbox_mode(app):
        return secret
    return hmac.new(app.config["SECRET_KEY"].encode(), b"dvcqg-sandbox-client-secret", hashlib.sha256).hexdigest()


class _Tokens:
    """Session tokens by API address and client, reused until shortly before they expire."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tokens = {}

    def get(self, key):
        with self._lock:
            token, expires = self._tokens.get(key, (None, 0))
            return token if token and expires > clock.monotonic() else None

    def put(self, key, token, lifetime):
        with self._lock:
            self._tokens[key] = (token, clock.monotonic() + max(0, lifetime - 30))

    def forget(self, key):
        with self._lock:
            self._tokens.pop(key, None)


TOKENS = _Tokens()


def _timeout(app=None):
    return (app or current_app).config.get("DVCQG_TIMEOUT", 10)


def access_token(force: bool = False) -> str:
    from ..outbox.http import post_json
    app = current_app
    key = (base_url(app), app.config.get("DVCQG_CLIENT_ID", ""))
    token = None if force else TOKENS.get(key)
    if token:
        return token
    secret = client_secret(app)
    if not secret:
        raise RuntimeError("DVCQG_CLIENT_SECRET is not set: cannot sign in to the national portal")
    answer = _json(post_json(base_url(app) + "/oauth/token",
                             {"grant_type": "client_credentials", "client_id": key[1], "client_secret": secret},
                             timeout=_timeout(app)))
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not token:
        raise RuntimeError("the national portal gave no access token")
    TOKENS.put(key, token, int(answer.get("expires_in") or 300))
    return token


def _json(response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        # A proxy's page in front of the portal, say: the national portal itself may take it later.
        raise RuntimeError(f"the national portal answered something that is not JSON: {response.text[:200]}")
    return answer


def call_api(body: dict, *, key: str | None = None) -> dict:
    """One call of the national portal's integration API, signed in; a rejected session is renewed once.

    In an app context of its own: the built-in sandbox is answered in this process (outbox.http), and its
    request must get its own database session and commit, never the caller's (a reconciliation in the
    middle of its reading, a sender after its commit)."""
    with current_app._get_current_object().app_context():
        return _call_api(body, key=key)


def _call_api(body: dict, *, key: str | None = None) -> dict:
    from ..outbox import Refused
    from ..outbox.http import post_json
    for attempt in (1, 2):
        headers = {"Authorization": f"Bearer {access_token(force=attempt == 2)}"}
        if key:
            headers["Idempotency-Key"] = key
        try:
            answer = _json(post_json(base_url() + "/api", body, headers=headers, timeout=_timeout()))
        except Refused as refusal:
            if attempt == 1 and _unauthorised(refusal):
                continue
            raise
        if str(answer.get("error_code", "0")) not in ("0", "00"):
            raise Refused(f"national portal refused {body.get('service')}: {answer.get('message', answer)}")
        return answer
    raise AssertionError("unreachable")


def _unauthorised(refusal) -> bool:
    status = getattr(refusal, "status", None) or getattr(refusal, "status_code", None)
    return status == 401 or "401" in str(refusal)[:40]


def deliver(message) -> None:
    record = (message.payload.get("data") or [{}])[0]
    call_api(message.payload, key=message.key)
    log.info("dvcqg: delivered %s TrangThaiHoSo=%s (message %s)", record.get("MaHoSo"),
             record.get("TrangThaiHoSo"), message.id)


def lookup(code: str) -> dict | None:
    """What the national portal holds now for an application code (TraCuuHoSo), or None."""
    answer = call_api({"service": LOOKUP_SERVICE, "mahoso": code})
    results = answer.get("result") or []
    return results[0] if results else None


def _register_destination():
    try:
        from ..outbox import destination
    except ImportError:  # the outbox is not part of this checkout yet: nothing can be sent
        log.warning("portal.outbox is missing: national status messages cannot be sent")
        return
    destination(DESTINATION)(deliver)


_register_destination()

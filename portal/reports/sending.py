"""Each unit's monthly and quarterly report, sent to the reporting system through the outbox (issue 12 §4).

- The figures are those of GET /api/v1/reports/summary for the unit and its children over the period
  (portal/reports/metrics.py), as the indicator list of portal/reports/indicators.py.
- `submit` writes a `ReportSubmission` and its outbox message (destination `reporting`, ordering key
  `report:<unit slug>:<period>`) in the caller's transaction. Its hash covers the unit, the period and the
  indicators: the same figures again create nothing, changed figures create version + 1 naming the
  version it replaces, so a corrected period is resent and never overwritten.
- `send_due` is the scheduled job's work: every closed period of the last REPORTING_LOOKBACK_MONTHS
  months that a unit has not sent yet. It sends first versions only: figures of a past period drift as
  its open applications move on (metrics.py, waiting_citizen), and a correction is a person's decision
  (`flask reports send --period`), not a nightly one.
- The receiver is REPORTING_URL, or the built-in sandbox (portal/reports/reporting_sandbox.py) when empty.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Unit
from ..i18n import N_
from ..operations import Invalid
from ..outbox import Refused, destination, put
from ..outbox.models import OutboxMessage
from ..timeutil import VN, to_vn, utcnow, vn_today
from .indicators import indicator_values
from .metrics import summary
from .models import ReportSubmission
from .periods import ReportPeriod, closed_periods

log = logging.getLogger(__name__)

DESTINATION = "reporting"
SCHEMA = "dvc-portal.report/1"
SANDBOX_PATH = "/sandbox/reporting/reports"


# -- where and with what ---------------------------------------------------------------------------------

def reporting_url(config=None) -> str:
    config = config if config is not None else current_app.config
    return config.get("REPORTING_URL") or config["PUBLIC_URL"].rstrip("/") + SANDBOX_PATH


def reporting_token(config=None) -> str:
    """REPORTING_TOKEN; for the built-in sandbox without one, a token derived from SECRET_KEY, so that
    sender and sandbox agree without a secret in the repository. A real receiver's token is never derived."""
    config = config if config is not None else current_app.config
    token = config.get("REPORTING_TOKEN", "")
    if token or config.get("REPORTING_URL"):
        return token
    return hmac.new(config["SECRET_KEY"].encode(), b"reporting-sandbox-token", hashlib.sha256).hexdigest()


def content_hash(unit_code: str, period_code: str, indicators: list[dict]) -> str:
    canonical = json.dumps({"unit": unit_code, "period": period_code, "indicators": indicators},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# -- building and recording a report ----------------------------------------------------------------------

@dataclass
class Outcome:
    unit: Unit
    period: ReportPeriod
    submission: ReportSubmission
    created: bool  # False: the latest version already holds these figures


def latest_submission(unit: Unit, period: ReportPeriod) -> ReportSubmission | None:
    return db.session.execute(
        select(ReportSubmission).where(ReportSubmission.unit_id == unit.id,
                                       ReportSubmission.period == period.code)
        .order_by(ReportSubmission.version.desc()).limit(1)).scalar_one_or_none()


def was_refused(submission: ReportSubmission) -> bool:
    """Whether the reporting system refused the submission's last sending (its outbox message failed)."""
    if submission.outbox_message_id is None:
        return False
    return db.session.scalar(select(OutboxMessage.state).where(
        OutboxMessage.id == submission.outbox_message_id)) == "failed"


def build_payload(unit: Unit, period: ReportPeriod, version: int, indicators: list[dict], digest: str) -> dict:
    span = period.period
    return {
        "schema": SCHEMA,
        "unit": {"code": unit.code, "slug": unit.slug, "name": unit.name, "level": unit.level,
                 "parent_code": unit.parent.code if unit.parent is not None else None},
        "period": {"code": period.code, "kind": period.kind, "year": period.year, "number": period.number,
                   "from": span.first.isoformat(), "to": span.last.isoformat()},
        "version": version,
        "previous_version": version - 1 if version > 1 else None,
        "content_hash": digest,
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "indicators": indicators,
    }


def submit(unit: Unit, period: ReportPeriod, *, today: date | None = None) -> Outcome:
    """Records the unit's report for a closed period, as a new version when its figures changed, and puts
    it in the outbox. Never commits."""
    if not period.closed(today):
        raise Invalid(N_("Kỳ báo cáo chưa kết thúc."), errors={"period": [
            N_("Chỉ gửi báo cáo của kỳ đã kết thúc (tháng hoặc quý trước ngày hôm nay).")]})
    indicators = indicator_values(summary(unit, period.period))
    digest = content_hash(unit.code, period.code, indicators)
    latest = latest_submission(unit, period)
    refused = latest is not None and was_refused(latest)
    if latest is not None and latest.payload_hash == digest and not refused:
        return Outcome(unit, period, latest, created=False)
    key = f"report:{unit.slug}:{period.code}"
    if refused:
        # The reporting system never took that version and wants its number next (each version is the one
        # before plus 1): the report sent now, with the same figures after a configuration fix or new ones,
        # takes its place. The refused message stays in the outbox with the receiver's reason.
        submission, version = latest, latest.version
        message_key = f"{key}:v{version}:after-{latest.outbox_message_id}"
    else:
        submission, version = None, latest.version + 1 if latest is not None else 1
        message_key = f"{key}:v{version}"
    payload = build_payload(unit, period, version, indicators, digest)
    message = put(DESTINATION, payload, key=message_key, ordering_key=key, application_id=None)
    if submission is None:
        submission = ReportSubmission(unit_id=unit.id, period=period.code, version=version)
        db.session.add(submission)
    submission.previous_version, submission.payload_hash = payload["previous_version"], digest
    submission.payload, submission.created_at = payload, utcnow()
    submission.outbox_message_id = message.id if message is not None else None  # None: outbox switched off
    db.session.flush()
    log.info("report %s %s version %s queued for the reporting system (outbox message %s)",
             unit.slug, period.code, version, submission.outbox_message_id)
    return Outcome(unit, period, submission, created=True)


def reporting_units() -> list[Unit]:
    """Units that report: every active unit that has not been merged into another."""
    return db.session.execute(select(Unit).where(Unit.active.is_(True), Unit.merged_into_id.is_(None))
                              .order_by(Unit.level, Unit.slug)).scalars().all()


def send_period(period: ReportPeriod, unit: Unit | None = None, *, today: date | None = None) -> list[Outcome]:
    """`flask reports send --period`: the period's report of one unit, or of every reporting unit."""
    return [submit(each, period, today=today) for each in ([unit] if unit is not None else reporting_units())]


def due(today: date | None = None, months_back: int | None = None) -> list[tuple[Unit, ReportPeriod]]:
    """(unit, period) pairs of closed periods within the look-back that have no version at all yet."""
    today = today or vn_today()
    if months_back is None:
        months_back = current_app.config.get("REPORTING_LOOKBACK_MONTHS", 3)
    periods = closed_periods(today, months_back)
    if not periods:
        return []
    sent = set(db.session.execute(select(ReportSubmission.unit_id, ReportSubmission.period)
                                  .where(ReportSubmission.period.in_([p.code for p in periods]))
                                  .distinct()).all())
    return [(unit, period) for period in periods for unit in reporting_units()
            if (unit.id, period.code) not in sent]


def send_due(today: date | None = None, months_back: int | None = None) -> list[Outcome]:
    return [submit(unit, period, today=today) for unit, period in due(today, months_back)]


# -- the schedule -----------------------------------------------------------------------------------------

DAILY_AT = time(1, 30)  # Vietnam time: the night after a period closes, before the offices open
JOB_PREFIX = "reports-send-due-"


def next_run(now: datetime) -> datetime:
    local = to_vn(now)
    candidate = datetime.combine(local.date(), DAILY_AT, VN)
    return candidate if candidate > local else candidate + timedelta(days=1)


def schedule_daily(app) -> str | None:
    """With REDIS_URL, puts the next daily `send_due_job` in RQ's scheduled registry (`make worker` runs
    `rq worker --with-scheduler`). The job id names the day, so every process that starts asks for the
    same job and there is one run a day however many servers there are; each run schedules the next."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    from ..notifications.jobs import job_path, queue
    when = next_run(utcnow())
    job_id = JOB_PREFIX + when.date().isoformat()
    try:
        queue(url).enqueue_at(when, job_path(send_due_job), job_id=job_id)
    except Exception:  # Redis down at start-up must not stop the portal; the next start or run schedules it
        log.exception("could not schedule %s", job_id)
        return None
    return job_id


def send_due_job() -> int:
    """The daily job (RQ; or `flask reports send-due` from cron): sends what is due, commits, and schedules
    tomorrow's run. A worker has no application, so it makes one."""
    from flask import current_app as app_now, has_app_context
    if has_app_context():
        return _send_due_and_commit(app_now._get_current_object())
    from .. import create_app
    app = create_app()
    with app.app_context():
        return _send_due_and_commit(app)


def _send_due_and_commit(app) -> int:
    try:
        outcomes = send_due()
        db.session.commit()  # an RQ job, not a request: it commits its own work
    except Exception:
        db.session.rollback()
        log.exception("scheduled reports failed; tomorrow's run tries again")
        raise
    finally:
        schedule_daily(app)
    log.info("scheduled reports: %d queued for the reporting system", len(outcomes))
    return len(outcomes)


# -- delivery ---------------------------------------------------------------------------------------------

@destination(DESTINATION)
def deliver(message):
    """POSTs the report to the reporting system. A refusal (4xx) marks the message failed for an
    administrator to see; errors of the network or the receiver (5xx) are retried by the outbox."""
    from ..outbox.http import post_json
    config = current_app.config
    token = reporting_token(config)
    if not token:
        raise Refused("REPORTING_TOKEN is not set: the reporting system would refuse an unauthenticated report")
    # An application context of its own: the built-in sandbox is answered in this process, and its request
    # must not share the session of the caller (which, after a commit, can emit no more SQL).
    with current_app.app_context():
        post_json(reporting_url(config), message.payload,
                  headers={"Authorization": f"Bearer {token}", "Idempotency-Key": message.key},
                  timeout=config.get("REPORTING_TIMEOUT", 15))

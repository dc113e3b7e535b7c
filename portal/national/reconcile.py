"""Reconciliation with the national portal: what it holds for each application (TraCuuHoSo) against what the
portal would tell it now (the record of the application's latest event), and a new outbox message for each
difference. A message still pending for an application is on its way: that application is left alone.

The resent message carries the latest event's record under a key of its own (the event's key with
":r<time>"), since the first one was delivered, or failed, already."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Application
from ..outbox.models import OutboxMessage
from ..timeutil import utcnow
from .status import DESTINATION, build_record, latest_event, lookup, national_reference, queue_status

log = logging.getLogger(__name__)

BATCH = 500
COMPARED = ("TrangThaiHoSo", "MaTTHC", "NgayTiepNhan", "NgayHenTra", "NgayTra")


@dataclass
class Summary:
    checked: int = 0
    in_sync: int = 0
    missing: int = 0
    different: int = 0
    pending: int = 0
    errors: int = 0
    resent: int = 0
    lines: list[str] = field(default_factory=list)

    def text(self, dry_run: bool) -> str:
        action = "sẽ gửi lại" if dry_run else "đã gửi lại"
        return (f"Đã đối chiếu {self.checked} hồ sơ: {self.in_sync} khớp, {self.missing} Cổng DVCQG chưa có, "
                f"{self.different} khác nhau, {self.pending} đang chờ gửi, {self.errors} lỗi khi tra cứu; "
                f"{action} {self.missing + self.different if dry_run else self.resent}.")


def _results(record: dict | None) -> list:
    return sorted(item.get("GiayToId", "") for item in (record or {}).get("DanhSachGiayToKetQua") or []
                  if isinstance(item, dict))


def differences(expected: dict, held: dict | None) -> list[str]:
    """The fields in which the national portal's record differs from the one expected (empty: in sync)."""
    if held is None:
        return ["(không có)"]
    changed = [name for name in COMPARED if str(expected.get(name, "")) != str(held.get(name, ""))]
    if _results(expected) != _results(held):
        changed.append("DanhSachGiayToKetQua")
    return changed


def _pending(code: str) -> bool:
    return db.session.execute(select(OutboxMessage.id).where(
        OutboxMessage.destination == DESTINATION, OutboxMessage.ordering_key == code,
        OutboxMessage.state == "pending").limit(1)).first() is not None


def _batches(since, codes):
    """The applications to check, a batch at a time (by id, so a province's year never sits in memory)."""
    last_id = 0
    while True:
        stmt = (select(Application).where(Application.code.is_not(None), Application.id > last_id)
                .order_by(Application.id).limit(BATCH))
        if since is not None:
            stmt = stmt.where(Application.updated_at >= since)
        if codes:
            stmt = stmt.where(Application.code.in_(list(codes)))
        batch = db.session.execute(stmt).scalars().all()
        if not batch:
            return
        last_id = batch[-1].id  # read now: the batch is committed (and expired) before the next one
        yield batch


def reconcile(*, since: datetime | None = None, codes=None, dry_run: bool = False) -> Summary:
    """Checks the applications and, unless `dry_run`, resends the differences, committing after each batch
    (what was resent stays resent if a later batch fails); a dry run writes nothing."""
    summary = Summary()
    stamp = utcnow().strftime("%Y%m%d%H%M%S")
    for batch in _batches(since, codes):
        for application in batch:
            _check(application, summary, stamp, dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()  # the resent messages are delivered after this commit
    return summary


def _check(application: Application, summary: Summary, stamp: str, dry_run: bool) -> None:
    event = latest_event(application)
    if event is None:
        return
    summary.checked += 1
    if _pending(application.code):
        summary.pending += 1
        return
    try:
        held = lookup(national_reference(application))
    except Exception as error:  # one unreachable answer must not stop the others
        summary.errors += 1
        log.warning("national reconcile: lookup of %s failed: %s", application.code, error)
        summary.lines.append(f"{application.code}: lỗi khi tra cứu ({error})")
        return
    changed = differences(build_record(application, event), held)
    if not changed:
        summary.in_sync += 1
        return
    if held is None:
        summary.missing += 1
    else:
        summary.different += 1
    summary.lines.append(f"{application.code}: {', '.join(changed)}")
    if not dry_run:
        queue_status(application, event, suffix=f":r{stamp}", updating=held is not None)
        summary.resent += 1
        log.info("national reconcile: resent %s (%s)", application.code, ", ".join(changed))

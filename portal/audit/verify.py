"""Walks the hash chains and names every break: which scope, which row, what does not match.

Rows are walked in id order (the order the history is shown in), so a row changed, deleted or moved to
another place shows: its own hash no longer matches its content, its `prev_hash` no longer matches the row
before it, or its place (`chain_seq`) is not the next one. The audit log's tail is anchored by the
"audit:chain" counter (made by the first audit row written after migration 0006), so deleting its last
rows shows too."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditLog, Counter, Event
from .chain import AUDIT_COUNTER, AUDIT_SCOPE, GENESIS, audit_hash, event_hash


@dataclass(frozen=True)
class Break:
    scope: str  # "application:<id>" | "audit"
    row_id: int | None
    problem: str

    def __str__(self):
        where = f"row {self.row_id}" if self.row_id is not None else "end of chain"
        return f"{self.scope}: {where}: {self.problem}"


def walk(scope: str, rows, hash_of) -> tuple[list[Break], int]:
    """The breaks in one chain (rows in id order) and the last place seen."""
    breaks, expected_seq, previous = [], 1, GENESIS
    for row in rows:
        if row.row_hash is None:
            breaks.append(Break(scope, row.id, "not sealed (no hash)"))
            continue
        if row.chain_seq != expected_seq:
            what = ("a row before it is missing" if row.chain_seq > expected_seq
                    else "it was moved or copied from an earlier place")
            breaks.append(Break(scope, row.id, f"place {row.chain_seq} where {expected_seq} was expected: {what}"))
        elif row.prev_hash != previous:
            breaks.append(Break(scope, row.id, "prev_hash does not match the row before it"))
        if hash_of(row) != row.row_hash:
            breaks.append(Break(scope, row.id, "content does not match its hash (the row was changed)"))
        expected_seq, previous = (row.chain_seq or 0) + 1, row.row_hash
    return breaks, expected_seq - 1


def application_breaks(application_id: int) -> list[Break]:
    rows = db.session.execute(sa.select(Event.__table__).where(Event.application_id == application_id)
                              .order_by(Event.id)).all()
    return walk(f"application:{application_id}", rows, event_hash)[0]


def audit_breaks() -> list[Break]:
    rows = db.session.execute(sa.select(AuditLog.__table__).order_by(AuditLog.id)).all()
    breaks, last = walk(AUDIT_SCOPE, rows, audit_hash)
    anchored = db.session.execute(sa.select(Counter.value).where(Counter.scope == AUDIT_COUNTER)).scalar()
    # No anchor yet: the log was sealed by migration 0006 and nothing was written since.
    if anchored is not None and anchored != last:
        breaks.append(Break(AUDIT_SCOPE, None,
                            f"the log ends at place {last} but {anchored} rows were written: rows at the end "
                            "are missing" if anchored > last else f"the log goes past its anchor {anchored}"))
    return breaks


def all_breaks():
    """Every break, application by application (one streamed query), then the audit log."""
    rows = db.session.execute(sa.select(Event.__table__).order_by(Event.application_id, Event.id)
                              .execution_options(yield_per=2000))
    for application_id, history in groupby(rows, key=lambda row: row.application_id):
        yield from walk(f"application:{application_id}", history, event_hash)[0]
    yield from audit_breaks()

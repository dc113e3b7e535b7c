"""What the reports count as digitised, paid online and synchronised with the national portal: the one place
these definitions live (the flows, the full scan and the direct counts all read them from here).

- An application's documents were digitised when, at its submission, it had an attachment marked digitised
  (`attachments.digitised_at`: a paper document scanned at the desk, migration 0007, or a document picked from
  the person's digitised store, which keeps the original's mark, 0008). Fixed at submission, so the figure
  never moves after the day it was counted; a document scanned later (a supplement) does not make it count.
- A result was digitised when a scanned result (`documents.source = 'scan'`, kind `result`, not revoked,
  0008) was attached to it; counted on the day it was scanned (`documents.digitised_at`).
- Paid online: the application's `paid` payment came through the gateway (any provider but `desk`).
- Synchronised with the national portal: at least one status message for it was delivered (the outbox of
  issue 12: `outbox_messages`, destination `dvcqg`, state `sent`, keyed by the application's code). Until that
  table is part of the schema, nothing is counted (0).
"""
from __future__ import annotations

from sqlalchemy import and_, exists, func, inspect, select

from ..extensions import db
from ..models import Application, Attachment, Document, Payment

DESK_PROVIDER = "desk"
NATIONAL_TABLE = "outbox_messages"
NATIONAL_DESTINATION = "dvcqg"
DELIVERED = "sent"


def _digitised_before_submission(application_id, submitted_at):
    return exists().where(Attachment.application_id == application_id, Attachment.digitised_at.is_not(None),
                          Attachment.created_at <= submitted_at)


def digitised_clause():
    """For a select() over applications: whether its documents were digitised (a correlated EXISTS)."""
    return _digitised_before_submission(Application.id, Application.submitted_at).label("digitised")


def has_digitised_documents(application: Application) -> bool:
    if application.id is None or application.submitted_at is None:
        return False
    loaded = _loaded_attachments(application)
    if loaded is not None:
        return any(a.digitised_at is not None and a.created_at <= application.submitted_at for a in loaded)
    return bool(db.session.scalar(select(_digitised_before_submission(application.id,
                                                                      application.submitted_at))))


def _loaded_attachments(application: Application):
    """The application's attachments when this transaction has them all in memory, with their times (the
    submission has just checked them): the same answer as the query, without one. None otherwise."""
    state = inspect(application)
    if "attachments" in state.unloaded:
        return None
    attachments = application.attachments
    if any(inspect(a).pending or a.created_at is None for a in attachments):
        return None  # a row not yet written takes its time at the insert: the query decides
    return attachments


def _paid_online(application_id):
    return exists().where(Payment.application_id == application_id, Payment.state == "paid",
                          Payment.provider != DESK_PROVIDER)


def paid_online_clause():
    return _paid_online(Application.id).label("paid_online")


def paid_online(application: Application) -> bool:
    return application.id is not None and bool(db.session.scalar(select(_paid_online(application.id))))


def digitised_results_statement(period, unit_ids):
    """(unit, service, count) of the applications whose result was digitised during the period."""
    a = Application
    stmt = (select(a.unit_id, a.service_id, func.count(func.distinct(Document.application_id)))
            .join(a, a.id == Document.application_id)
            .where(Document.source == "scan", Document.kind == "result", Document.revoked_at.is_(None),
                   Document.digitised_at >= period.start, Document.digitised_at < period.end)
            .group_by(a.unit_id, a.service_id))
    if unit_ids is not None:
        stmt = stmt.where(a.unit_id.in_(unit_ids))
    return stmt


def national_table():
    """The outbox table when the schema has it (issue 12), else None."""
    return db.metadata.tables.get(NATIONAL_TABLE)


def national_synced_statement(period, unit_ids):
    """(unit, service, count) of the applications received in the period with a delivered national status
    message; None while the schema has no outbox."""
    table = national_table()
    if table is None or not {"destination", "state", "ordering_key"} <= set(table.c.keys()):
        return None
    a = Application
    # Driven from the delivered messages (far fewer than a year's applications until most are synced).
    stmt = (select(a.unit_id, a.service_id, func.count(func.distinct(a.id)))
            .select_from(table).join(a, a.code == table.c.ordering_key)
            .where(table.c.destination == NATIONAL_DESTINATION, table.c.state == DELIVERED,
                   and_(a.submitted_at >= period.start, a.submitted_at < period.end))
            .group_by(a.unit_id, a.service_id))
    if unit_ids is not None:
        stmt = stmt.where(a.unit_id.in_(unit_ids))
    return stmt

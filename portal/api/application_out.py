"""The whole of one application as the API answers it (`ApplicationOut`): for GET /api/v1/applications/<id>
and for every call that changes one application.

It is read with Core queries (the application with the names it shows, its files, its events, and its
documents when it has any) and written straight to JSON, without ORM objects or a marshmallow pass. Building
the ORM objects took most of a read: the application, its service, both versions, two units, each file, event
and document became an object with its state and history. Measured: docs/architecture.md, "Reading one
application through the API".

`StoredApplication` is what the predicates of auth/permissions.py read (`applicant_id`, `state`, `channel`,
`unit_id`, `current_unit_id`, `events` with their `unit_id` and `role`): the GET checks access on it, as
other views check it on the ORM row. The calls that change an application answer from the ORM row they
changed (`application_answer`), through the same `application_document`."""
from __future__ import annotations

import functools

from flask import current_app
from sqlalchemy import bindparam, exists, select

from ..extensions import db
from ..models import Application, Attachment, Document, Event, Service, ServiceVersion, Unit, User, WorkflowVersion
from ..operations.digitised import reused_source
from ..workflows_registry import workflow_pinned
from .serializers import delivery_out, label_of


class StoredApplication:
    """One application's row (its columns as attributes) with its files, events and documents as rows."""

    __slots__ = ("_row", "attachments", "events", "documents")

    def __init__(self, row, attachments, events, documents):
        self._row, self.attachments, self.events, self.documents = row, attachments, events, documents

    def __getattr__(self, name):
        return getattr(self._row, name)

    # Application.applicant_full_name / applicant_nid, for the row: the desk's entry, else the account's.
    @property
    def applicant_full_name(self) -> str:
        return self._row.applicant_name or self._row.account_full_name or ""

    @property
    def applicant_nid(self) -> str:
        return self._row.applicant_national_id or self._row.account_national_id or ""


@functools.cache
def _statements():
    # Table columns, not the mapped attributes: a statement of mapped attributes runs through the ORM's
    # loading (a third of the read), even when it selects no entity.
    applications, attachments, events, documents = (model.__table__ for model in (
        Application, Attachment, Event, Document))
    services, versions, workflows = Service.__table__, ServiceVersion.__table__, WorkflowVersion.__table__
    unit, current_unit, event_unit = (Unit.__table__.alias(name) for name in ("unit", "current_unit", "event_unit"))
    applicant, handler, actor = (User.__table__.alias(name) for name in ("applicant", "handler", "actor"))
    application = (
        select(applications, services.c.slug.label("service_slug"), versions.c.name.label("service_name"),
               versions.c.version.label("service_version_number"), unit.c.slug.label("unit_slug"),
               current_unit.c.slug.label("current_unit_slug"), handler.c.full_name.label("handler_name"),
               applicant.c.full_name.label("account_full_name"),
               applicant.c.national_id.label("account_national_id"),
               workflows.c.name.label("pinned_workflow"), workflows.c.source_hash.label("pinned_hash"),
               # Most applications have no issued document yet: their read skips that query.
               exists().where(documents.c.application_id == applications.c.id).label("has_documents"))
        .select_from(applications
                     .join(services, services.c.id == applications.c.service_id)
                     .join(versions, versions.c.id == applications.c.service_version_id)
                     .join(unit, unit.c.id == applications.c.unit_id)
                     .join(current_unit, current_unit.c.id == applications.c.current_unit_id)
                     .outerjoin(handler, handler.c.id == applications.c.handler_id)
                     .outerjoin(applicant, applicant.c.id == applications.c.applicant_id)
                     .outerjoin(workflows, workflows.c.id == applications.c.workflow_version_id))
        .where(applications.c.id == bindparam("id")))
    files = select(attachments).where(attachments.c.application_id == bindparam("id")).order_by(attachments.c.id)
    history = (select(events.c.action, events.c.role, events.c.unit_id, event_unit.c.slug.label("unit_slug"),
                      actor.c.full_name.label("actor_name"), events.c.from_state, events.c.to_state,
                      events.c.note, events.c.created_at)
               .select_from(events.outerjoin(event_unit, event_unit.c.id == events.c.unit_id)
                            .outerjoin(actor, actor.c.id == events.c.actor_id))
               .where(events.c.application_id == bindparam("id")).order_by(events.c.id))
    issued = (select(*(documents.c[name] for name in (
                  "id", "kind", "code", "number", "title", "issued_at", "revoked_at", "superseded_by_id", "source",
                  "document_date")))
              .where(documents.c.application_id == bindparam("id")).order_by(documents.c.id))
    return application, files, history, issued


def stored_application(application_id: int) -> StoredApplication | None:
    """The application as the database holds it in this transaction; None when there is none."""
    application, files, history, issued = _statements()
    connection, ident = db.session.connection(), {"id": application_id}
    row = connection.execute(application, ident).first()
    if row is None:
        return None
    return StoredApplication(row, connection.execute(files, ident).all(), connection.execute(history, ident).all(),
                             connection.execute(issued, ident).all() if row.has_documents else [])


def _iso(value):
    return None if value is None else value.isoformat()


def _state_label(stored: StoredApplication) -> str:
    return label_of(workflow_pinned(stored.pinned_workflow or stored.workflow, stored.workflow_version_id,
                                    stored.pinned_hash), stored.state)


def application_document(stored: StoredApplication) -> dict:
    """The `ApplicationOut` fields, JSON-ready (dates and times in ISO 8601, as marshmallow writes them)."""
    return {
        "id": stored.id, "code": stored.code, "service": stored.service_slug, "service_name": stored.service_name,
        "unit": stored.unit_slug, "current_unit": stored.current_unit_slug, "state": stored.state,
        "state_label": _state_label(stored), "version": stored.version, "due_date": _iso(stored.due_date),
        "submitted_at": _iso(stored.submitted_at), "channel": stored.channel,
        "service_version": stored.service_version_number, "data": stored.data or {},
        "fee_amount": stored.fee_amount, "received_at": _iso(stored.received_at),
        "paid_at": _iso(stored.paid_at), "handler": stored.handler_name,
        "attachments": [{"id": a.id, "document": a.document_key, "filename": a.filename,
                         "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
                         "digitised_at": _iso(a.digitised_at),
                         "checked_against_original": a.checked_against_original, "reused_from": reused_source(a)}
                        for a in stored.attachments if not a.superseded],
        "applicant": {"full_name": stored.applicant_full_name, "national_id": stored.applicant_nid,
                      "phone": stored.applicant_phone, "has_account": stored.applicant_id is not None},
        "events": [{"action": e.action, "role": e.role, "unit": e.unit_slug, "actor": e.actor_name,
                    "from_state": e.from_state, "to_state": e.to_state, "note": e.note,
                    "created_at": _iso(e.created_at)} for e in stored.events],
        "documents": [{"id": d.id, "kind": d.kind, "code": d.code, "number": d.number, "title": d.title,
                       "issued_at": _iso(d.issued_at), "revoked": d.revoked_at is not None,
                       "superseded": d.superseded_by_id is not None, "source": d.source,
                       "document_date": _iso(d.document_date)} for d in stored.documents],
        "delivery": delivery_out(stored),
    }


def application_answer(application, status: int = 200):
    """The JSON answer about `application`, an ORM row this request has just changed: read from the row and
    what it has loaded, so that no query runs after a submission has taken its code (the write window,
    tests/operations/test_submission_lock_window.py)."""
    return stored_answer(_Changed(application), status)


class _Changed:
    """An ORM application seen with the names of `StoredApplication`."""

    __slots__ = ("_application", "events")

    def __init__(self, application):
        self._application = application
        self.events = [_ChangedEvent(event) for event in application.events]

    def __getattr__(self, name):
        return getattr(self._application, name)

    service_slug = property(lambda self: self._application.service.slug)
    service_name = property(lambda self: self._application.service_version.name)
    service_version_number = property(lambda self: self._application.service_version.version)
    unit_slug = property(lambda self: self._application.unit.slug)
    current_unit_slug = property(lambda self: self._application.current_unit.slug)
    handler_name = property(lambda self: _name(self._application.handler))
    pinned_workflow = property(lambda self: getattr(self._application.workflow_version, "name", None))
    pinned_hash = property(lambda self: getattr(self._application.workflow_version, "source_hash", None))


class _ChangedEvent:
    __slots__ = ("_event",)

    def __init__(self, event):
        self._event = event

    def __getattr__(self, name):
        return getattr(self._event, name)

    unit_slug = property(lambda self: getattr(self._event.unit, "slug", None))
    actor_name = property(lambda self: _name(self._event.actor))


def _name(user) -> str | None:
    return user.full_name if user is not None else None


def stored_answer(stored: StoredApplication, status: int = 200):
    response = current_app.json.response(application_document(stored))
    response.status_code = status
    return response

"""What the application desk page shows: the data with its labels, the attachments by document, the history
in words, the actions this person may fire and the handlers they may assign. Plain data for the template."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..auth.permissions import can_assign_handler, can_be_handler_of
from ..extensions import db
from ..models import User
from ..operations.catalogue import definition_of
from ..workflows_registry import workflow_of
from ..event_labels import extra_action_label


@dataclass(frozen=True)
class DataRow:
    label: str
    value: str


def _display(field, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or (field is not None and field.type == "checkbox"):
        return "Có" if value else "Không"
    if field is not None and field.type == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def data_rows(application) -> list[DataRow]:
    """The fields in the order of the service definition the application was made under."""
    definition = definition_of(application.service_version)
    data = dict(application.data or {})
    rows = [DataRow(f.label, _display(f, data.pop(f.name))) for f in definition.fields if f.name in data]
    rows.extend(DataRow(name, _display(None, value)) for name, value in data.items())
    return rows


@dataclass(frozen=True)
class DocumentRow:
    label: str
    required: bool
    current: object | None  # models.Attachment
    earlier: tuple  # superseded uploads, oldest first


def document_rows(application) -> list[DocumentRow]:
    definition = definition_of(application.service_version)
    rows = []
    for document in definition.documents:
        uploads = [a for a in application.attachments if a.document_key == document.key]
        current = next((a for a in reversed(uploads) if not a.superseded), None)
        rows.append(DocumentRow(document.label, document.required, current,
                                tuple(a for a in uploads if a.superseded)))
    return rows


@dataclass(frozen=True)
class HistoryRow:
    event: object  # models.Event
    action_label: str
    from_label: str
    to_label: str


def history_rows(application) -> list[HistoryRow]:
    workflow = workflow_of(application)

    def label(state):
        return workflow.states[state].label if state in workflow.states else (state or "")
    return [HistoryRow(e, extra_action_label(e.action, "vi") or workflow.action_label(e.action),
                       label(e.from_state), label(e.to_state))
            for e in application.events]


def assignable_handlers(application, actor) -> list[User]:
    """Handlers of the unit holding the application, for a receiver or leader of that unit; else none."""
    if not can_assign_handler(actor, application):
        return []
    candidates = db.session.execute(
        select(User).where(User.kind == "staff", User.role == "handler", User.active.is_(True),
                           User.unit_id == application.current_unit_id).order_by(User.full_name, User.id)
    ).scalars()
    return [user for user in candidates if can_be_handler_of(user, application)]


def state_label(application) -> str:
    workflow = workflow_of(application)
    state = workflow.states.get(application.state)
    return state.label if state else application.state

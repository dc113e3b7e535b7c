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
from ..i18n import current_language, translated


@dataclass(frozen=True)
class DataRow:
    label: str
    value: str


def _display(field, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or (field is not None and field.type == "checkbox"):
        return translated("Có") if value else translated("Không")
    if field is not None and field.type == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if field is not None and field.choices:
        return str(field.display_choice(value, current_language()))
    return str(value)


def data_rows(application) -> list[DataRow]:
    """The fields in the order of the service definition the application was made under."""
    definition = definition_of(application.service_version)
    data = dict(application.data or {})
    language = current_language()
    rows = [DataRow(f.display_label(language), _display(f, data.pop(f.name))) for f in definition.fields
            if f.name in data]
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
        rows.append(DocumentRow(document.display_label(current_language()), document.required, current,
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
    return [HistoryRow(e, extra_action_label(e.action) or workflow.action_label(e.action),
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


# What the desk offers first. The main action of a state (the one that moves the application on) is the
# page's primary button; actions that send it back or refuse it are secondary and ask to be confirmed.
MAIN_ACTIONS = ("accept", "accept_transfer", "pay", "submit_for_approval", "approve", "approve_reschedule",
                "forward", "deliver")
SEND_BACK_OR_REFUSE = ("refuse", "deny", "request_supplement", "return_to_handler", "withdraw")
REFUSALS = ("refuse", "deny")


@dataclass(frozen=True)
class DeskAction:
    transition: object  # workflows.engine transition offered now
    emphasis: str  # "primary", "secondary" or "send_back"
    confirm: bool  # the officer ticks a confirmation before the page fires it

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def button_class(self) -> str:
        if self.emphasis == "primary":
            return "btn-primary"
        if self.emphasis == "send_back":
            return "btn-outline-danger" if self.action in REFUSALS else "btn-outline-secondary"
        return "btn-outline-primary"


def needs_confirmation(action: str) -> bool:
    return action in SEND_BACK_OR_REFUSE


def desk_actions(transitions) -> list[DeskAction]:
    """The actions in the order the page shows them: the main one first, send-backs and refusals last."""
    main = next((a for a in MAIN_ACTIONS if any(t.action == a for t in transitions)), None)

    def emphasis(action):
        if action == main:
            return "primary"
        return "send_back" if action in SEND_BACK_OR_REFUSE else "secondary"
    actions = [DeskAction(t, emphasis(t.action), needs_confirmation(t.action)) for t in transitions]
    rank = {"primary": 0, "secondary": 1, "send_back": 2}
    return sorted(actions, key=lambda a: rank[a.emphasis])  # stable: the workflow's order within each

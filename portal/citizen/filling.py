"""Between a service form on the page and the application operations: which values were given, what a draft
may keep, the scans to attach, where an operation's errors belong, and the fee for the data on screen.
Texts shown on the page follow its language; what is stored stays as the definition says it."""
from datetime import date

from flask_babel import gettext as _

from services.forms import check_form, form_values  # noqa: F401  (form_values: used by the views)

from ..formatting import vn_date
from ..i18n import current_language, translated
from ..operations import OperationError
from ..operations import applications as ops
from .forms import DOC_PREFIX, UNIT_FIELD, doc_field_name


def add_error(field, message: str):
    # A field that was never validated holds its errors in an immutable tuple.
    field.errors = list(field.errors) + [message]


def check_fields(form, *, complete: bool):
    """The one validation of the posted form. A draft (`complete=False`) may leave fields empty, but what
    it holds must be valid; a submission needs everything. Returns the service's values (a
    `services.forms.Checked`, which the operations store without checking again) and whether no error is
    left on the form (its own fields, such as the receiving unit, included)."""
    checked = check_form(form, complete=complete)
    return checked, not has_errors(form)


def has_errors(form) -> bool:
    return any(field.errors for field in form)


def uploads(form, definition):
    """(document, file) for every input that carries a file (an empty input sends no file)."""
    for document in definition.documents:
        upload = form[doc_field_name(document.key)].data
        if upload is not None and getattr(upload, "filename", None):
            yield document, upload


def require_documents(form, definition, attached_keys) -> bool:
    """Before a submission touches the database: every required document is stored or chosen now."""
    chosen = {document.key for document, _upload in uploads(form, definition)}
    complete = True
    language = current_language()
    for document in definition.documents:
        if document.required and document.key not in chosen and document.key not in attached_keys:
            message = _("Vui lòng đính kèm %(document)s.", document=document.display_label(language))
            add_error(form[doc_field_name(document.key)], message)
            complete = False
    return complete


def attach_uploads(application, user, form, definition) -> bool:
    """Attaches every chosen file; each refusal (type, size, empty) is put beside its input. The caller
    rolls back when this returns False, which also deletes the files already written."""
    accepted = True
    for document, upload in uploads(form, definition):
        try:
            ops.attach(application, user, document.key, upload.stream, upload.filename)
        except OperationError as exc:
            add_error(form[doc_field_name(document.key)], translated(exc.message))
            accepted = False
    return accepted


def place_errors(form, exc: OperationError) -> str | None:
    """Puts an operation's errors beside the fields they name. Returns the message when none of them
    belongs to a field on this form (the page shows it on top)."""
    placed = False
    for name, messages in (exc.errors or {}).items():
        target = name
        if name.startswith("documents."):
            target = DOC_PREFIX + name[len("documents."):]
        elif name == "unit":
            target = UNIT_FIELD
        field = form._fields.get(target)
        if field is None:
            continue
        for message in messages:
            add_error(field, translated(message))
        placed = True
    return None if placed else translated(exc.message)


def fee_preview(definition, form) -> int | None:
    """The fee for the values now in the form, or None while a value it depends on is missing or wrong."""
    rule = definition.fee
    values = {}
    for name in rule.referenced_fields:
        field = form[name]
        value = field.data
        if field.errors or isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return None
        values[name] = value
    try:
        return rule.compute(values)
    except ValueError:
        return None


def fee_inputs(definition) -> list[str]:
    """Labels of the fields the fee depends on (to say what to fill in before it can be computed)."""
    fields = (definition.field(name) for name in definition.fee.referenced_fields)
    language = current_language()
    return [field.display_label(language) for field in fields if field is not None]


def display_value(spec, value) -> str:
    if value is None or value == "":
        return "—"
    if spec.type == "checkbox":
        return _("Có") if value else _("Không")
    if spec.type == "date" and isinstance(value, str):
        try:
            return vn_date(date.fromisoformat(value))
        except ValueError:
            return value
    if spec.type in ("select", "radio") and hasattr(spec, "display_choice"):
        return str(spec.display_choice(value, current_language()))
    return str(value)


def display_rows(definition, data: dict) -> list[tuple[str, str]]:
    """(label, value) for every field of the definition the application was made under."""
    return [(spec.label, display_value(spec, (data or {}).get(spec.name))) for spec in definition.fields]

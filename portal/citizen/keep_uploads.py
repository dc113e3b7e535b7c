"""Files chosen on a refused apply or draft form are stored at once as the draft's attachments, so the
citizen never chooses them twice: the refusal is shown on the draft's page, the files listed there as
attached. Only when no draft can hold them (no valid receiving unit yet) are they lost, and the page says so.

What the draft keeps of a refused new application is its valid fields; an existing draft's fields are not
changed by a refused request (only its files are added)."""
from dataclasses import replace

from services.forms import Checked

from .filling import uploads
from .forms import draft_form_class


def chose_files(form, definition) -> bool:
    return any(True for _ in uploads(form, definition))


def valid_values(checked: Checked) -> Checked:
    """The values of a refused form that are fine on their own: what a new draft may store. Still a
    `Checked` (for a draft), so the operations take them without validating the form a second time."""
    valid = {name: value for name, value in checked.clean.items()
             if name in checked.kept and name not in checked.errors and value is not None}
    return replace(checked, complete=False, clean=valid, errors={}, kept=frozenset(valid))


def draft_form_like(form, definition, application, locale: str):
    """The draft page's form holding what was posted and the refusal's errors, for the draft just saved."""
    draft_form = draft_form_class(definition, locale=locale)()
    for name, field in form._fields.items():
        target = draft_form._fields.get(name)
        if target is not None and field.errors and name != "csrf_token":
            target.errors = list(field.errors)
    draft_form.expected_version.data = str(application.version)
    return draft_form

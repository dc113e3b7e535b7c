"""The "Dùng lại giấy tờ đã số hóa" choice beside each document slot of the apply, draft and counter intake
pages: one select per listed document (`reuse_<key>`) holding the id of a store item. A file chosen for the
same slot wins (a fresh scan replaces the old copy); a refused reuse is put beside the slot's file input."""
from flask import request

from ..citizen.filling import add_error
from ..citizen.forms import doc_field_name
from ..i18n import translated
from ..operations import OperationError
from ..operations import digitised as store

FIELD_PREFIX = "reuse_"


def field_name(document_key: str) -> str:
    return FIELD_PREFIX + document_key


def _uploaded(form, key) -> bool:
    upload = form[doc_field_name(key)].data
    return upload is not None and bool(getattr(upload, "filename", None))


def chosen(form, definition, formdata=None) -> dict[str, str]:
    """{document key: store item id} picked on the page, for slots without a new file."""
    formdata = request.form if formdata is None else formdata
    picks = {}
    for document in definition.documents:
        value = (formdata.get(field_name(document.key)) or "").strip()
        if value and not _uploaded(form, document.key):
            picks[document.key] = value
    return picks


def chosen_keys(form, definition) -> set[str]:
    return set(chosen(form, definition))


def apply_choices(application, user, form, definition) -> bool:
    """Attaches a copy of every picked item; False (errors beside the slots) when one is refused: the
    caller then discards the request's writes, as for a refused upload."""
    picks = chosen(form, definition)
    if not picks:
        return True
    items = store.store_for_application(user, application)
    accepted = True
    for key, item_id in picks.items():
        try:
            store.reuse(application, user, key, item_id, items=items)
        except OperationError as exc:
            messages = exc.errors.get("reuse") or exc.errors.get("document") or [exc.message]
            for message in messages:
                add_error(form[doc_field_name(key)], translated(message))
            accepted = False
    return accepted

"""WTForms forms built from a service definition, and the same validation for the JSON API.

The portal renders ``build_form_class(service, base=FlaskForm)`` (CSRF comes from its base) and
reads a posted form with ``check_form``; the API's JSON goes through ``check_data``. Both end in
the same reading of one validation pass, so a value refused on the page is refused by the API with
the same message, and the ``Checked`` they return lets the operations store it without checking
it again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import wtforms
from wtforms import fields as wtf
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice

from .loader import FieldDef, ServiceDef

__all__ = ["build_form_class", "check_form", "check_data", "Checked", "validate_data", "serialize",
           "form_field_names", "prefill_data", "FORM_ERROR_KEY", "normalize_phone"]

# Errors that concern the payload as a whole; field names start with a letter, so no clash.
FORM_ERROR_KEY = "_form"

# Without a max_length in the file, text is still bounded: an unbounded text box is an easy way
# to fill the database and the generated PDFs.
DEFAULT_MAX_LENGTH = {"text": 255, "textarea": 4000, "email": 254}

_NATIONAL_ID = re.compile(r"[0-9]{12}")
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")

_MESSAGES = {
    "vi": {
        "required": "Vui lòng nhập {label}.",
        "required_choice": "Vui lòng chọn {label}.",
        "required_checkbox": "Vui lòng đánh dấu xác nhận “{label}”.",
        "choice": "Vui lòng chọn một giá trị trong danh sách.",
        "national_id": "Số định danh cá nhân gồm đúng 12 chữ số.",
        "phone": "Số điện thoại di động không hợp lệ: cần 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09 "
                 "hoặc +84 và 9 chữ số.",
        "email": "Địa chỉ thư điện tử không hợp lệ.",
        "date": "Ngày không hợp lệ (định dạng năm-tháng-ngày, ví dụ 2026-02-28).",
        "integer": "{label} phải là số nguyên.",
        "min": "{label} phải lớn hơn hoặc bằng {min}.",
        "max": "{label} phải nhỏ hơn hoặc bằng {max}.",
        "range": "{label} phải từ {min} đến {max}.",
        "max_length": "{label} không được dài quá {max} ký tự.",
        "type_text": "Giá trị phải là chuỗi ký tự.",
        "type_integer": "Giá trị phải là số nguyên.",
        "type_bool": "Giá trị phải là true hoặc false.",
        "not_object": "Dữ liệu biểu mẫu phải là một đối tượng JSON.",
        "placeholder": "— Chọn —",
    },
    "en": {
        "required": "Please enter {label}.",
        "required_choice": "Please choose {label}.",
        "required_checkbox": "Please tick “{label}”.",
        "choice": "Please choose one of the listed values.",
        "national_id": "The personal identification number has exactly 12 digits.",
        "phone": "Invalid mobile number: 10 digits starting with 03, 05, 07, 08, 09, or +84 and 9 digits.",
        "email": "Invalid email address.",
        "date": "Invalid date (format year-month-day, e.g. 2026-02-28).",
        "integer": "{label} must be a whole number.",
        "min": "{label} must be at least {min}.",
        "max": "{label} must be at most {max}.",
        "range": "{label} must be between {min} and {max}.",
        "max_length": "{label} must be at most {max} characters long.",
        "type_text": "The value must be a string.",
        "type_integer": "The value must be an integer.",
        "type_bool": "The value must be true or false.",
        "not_object": "Form data must be a JSON object.",
        "placeholder": "— Choose —",
    },
}


def _messages(locale: str) -> dict[str, str]:
    return _MESSAGES["en" if locale == "en" else "vi"]


def _in_sentence(label: str) -> str:
    """"Họ và tên" -> "họ và tên" inside a sentence; acronyms ("CCCD của mẹ") stay as written."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


# ---------------------------------------------------------------- filters (run before validators)

def _clean_text(value):
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()


def normalize_phone(value: str) -> str:
    """``"+84 912 345 678"`` -> ``"0912345678"``; input that is not a +84 number is only unspaced."""
    compact = _PHONE_SEPARATORS.sub("", value)
    if compact.startswith("+84") and len(compact) == 12:
        compact = "0" + compact[3:]
    return compact


def _phone_filter(value):
    return normalize_phone(value) if isinstance(value, str) else value


def _national_id_filter(value):
    # Typed in groups ("026 199 001 234", "026.199.001.234"): stored as the 12 digits.
    return re.sub(r"[\s.\-]", "", value) if isinstance(value, str) else value


# The browser's autofill names (HTML "autocomplete") of the profile attributes a field is prefilled from.
AUTOCOMPLETE_BY_PREFILL = {"full_name": "name", "email": "email", "phone": "tel", "date_of_birth": "bday",
                           "address": "street-address", "national_id": "off"}


# ---------------------------------------------------------------- validators

class _Required:
    """Like ``InputRequired`` but whitespace-only input is empty, and a checkbox must be ticked."""

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if isinstance(field, wtf.BooleanField):
            present = bool(field.data)
        else:
            raw = field.raw_data[0] if field.raw_data else ""
            present = isinstance(raw, str) and bool(raw.strip())
        if not present:
            field.errors[:] = []
            raise v.StopValidation(self.message)


class _Matches:
    def __init__(self, pattern: re.Pattern, message: str):
        self.pattern = pattern
        self.message = message

    def __call__(self, form, field):
        if field.data is not None and not self.pattern.fullmatch(field.data):
            raise v.ValidationError(self.message)


class _Range:
    """Bounds of an integer; a value that did not parse already has its own error."""

    def __init__(self, minimum: int | None, maximum: int | None, message: str):
        self.minimum, self.maximum, self.message = minimum, maximum, message

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        too_small = self.minimum is not None and value < self.minimum
        too_large = self.maximum is not None and value > self.maximum
        if too_small or too_large:
            raise v.ValidationError(self.message)


# ---------------------------------------------------------------- fields with strict parsing

class _StrictIntegerField(wtf.IntegerField):
    """Accepts only an optional sign and ASCII digits ("1e3", "3.0" and "٣" are refused)."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            return
        text = str(valuelist[0]).strip()
        if not _INTEGER.fullmatch(text):
            self.data = None
            raise ValueError(self.invalid_value_message)
        self.data = int(text)


class _IsoDateField(wtf.DateField):
    """HTML5 date input: exactly YYYY-MM-DD and a real calendar day (2026-02-30 is refused)."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            return
        text = str(valuelist[0]).strip()
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            self.data = date.fromisoformat(text)
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_value_message) from None


# ---------------------------------------------------------------- building

def form_field_names(service: ServiceDef) -> list[str]:
    """The form's field names in display order (the keys ``serialize`` returns)."""
    return [field.name for field in service.fields]


def build_form_class(service: ServiceDef, base: type = wtforms.Form, locale: str = "vi") -> type:
    """A form class with one field per ``FieldDef``, labels and messages in ``locale``.

    ``base`` may be any ``wtforms.Form`` subclass (the portal passes ``FlaskForm`` for CSRF).
    """
    attrs = {spec.name: _make_field(spec, locale) for spec in service.fields}
    attrs["_dvc_service"] = service
    attrs["_dvc_locale"] = locale
    name = "ServiceForm_" + service.slug.replace("-", "_")
    return type(name, (base,), attrs)


def _make_field(spec: FieldDef, locale: str):
    messages = _messages(locale)
    label = spec.display_label(locale)
    chain: list = []
    if spec.required:
        if spec.type == "checkbox":
            # The label of a checkbox is a statement ("Tôi cam đoan …"): quoted as written.
            chain.append(_Required(messages["required_checkbox"].format(label=label)))
        else:
            key = "required_choice" if spec.type in ("select", "radio") else "required"
            chain.append(_Required(messages[key].format(label=_in_sentence(label))))
    else:
        chain.append(v.Optional())
    render_kw: dict = {}
    if spec.prefill in AUTOCOMPLETE_BY_PREFILL:
        render_kw["autocomplete"] = AUTOCOMPLETE_BY_PREFILL[spec.prefill]
    common = {"label": label, "description": spec.display_help(locale) or "", "render_kw": render_kw}

    if spec.type in DEFAULT_MAX_LENGTH:
        limit = spec.max_length or DEFAULT_MAX_LENGTH[spec.type]
        chain.append(v.Length(max=limit, message=messages["max_length"].format(label=label, max=limit)))
        render_kw["maxlength"] = limit

    if spec.type in ("text", "textarea"):
        cls = wtf.TextAreaField if spec.type == "textarea" else wtf.StringField
        return cls(validators=chain, filters=[_clean_text], **common)
    if spec.type == "email":
        chain.append(v.Email(message=messages["email"], check_deliverability=False))
        render_kw["autocomplete"] = "email"
        return wtf.EmailField(validators=chain, filters=[_clean_text], **common)
    if spec.type == "phone":
        chain.append(_Matches(_MOBILE, messages["phone"]))
        render_kw.update(autocomplete=render_kw.get("autocomplete", "tel"), inputmode="tel")
        return wtf.TelField(validators=chain, filters=[_clean_text, _phone_filter], **common)
    if spec.type == "national_id":
        chain.append(_Matches(_NATIONAL_ID, messages["national_id"]))
        # Room for the spaces or dots of a number typed in groups; the server keeps the 12 digits.
        render_kw.update(inputmode="numeric", maxlength=20)
        return wtf.StringField(validators=chain, filters=[_clean_text, _national_id_filter], **common)
    if spec.type == "date":
        return _IsoDateField(validators=chain, invalid_value_message=messages["date"], **common)
    if spec.type == "integer":
        if spec.min is not None or spec.max is not None:
            key = "range" if spec.min is not None and spec.max is not None else (
                "min" if spec.min is not None else "max")
            message = messages[key].format(label=label, min=spec.min, max=spec.max)
            chain.append(_Range(spec.min, spec.max, message))
            render_kw.update({k: b for k, b in (("min", spec.min), ("max", spec.max)) if b is not None})
        return _StrictIntegerField(validators=chain, invalid_value_message=messages["integer"].format(
            label=label), **common)
    if spec.type == "checkbox":
        return wtf.BooleanField(validators=chain, **common)
    if spec.type in ("select", "radio"):
        # The value stays the Vietnamese choice (what is stored and printed); only the label is translated.
        choices = [SelectChoice(value=c, label=spec.display_choice(c, locale)) for c in spec.choices]
        if spec.type == "select":
            choices.insert(0, SelectChoice(value="", label=messages["placeholder"]))
            cls = wtf.SelectField
        else:
            cls = wtf.RadioField
        return cls(validators=chain, choices=choices, invalid_choice_message=messages["choice"],
                   filters=[_clean_text], **common)
    raise ValueError(f"unknown field type {spec.type!r}")  # the loader refuses these first


# ---------------------------------------------------------------- reading a validated form

def serialize(form) -> dict:
    """Clean JSON-able data of a validated form built by ``build_form_class``.

    Dates are ISO ``YYYY-MM-DD``, integers ``int``, checkboxes ``bool``, text stripped and NFC;
    an empty optional value is ``None``. Extra fields of the base class (``csrf_token``) are left out.
    """
    service: ServiceDef = form._dvc_service
    return {spec.name: _clean_value(spec, form[spec.name].data) for spec in service.fields}


def _clean_value(spec: FieldDef, value):
    if spec.type == "checkbox":
        return bool(value)
    if spec.type == "date":
        return value.isoformat() if value is not None else None
    if spec.type == "integer":
        return value if isinstance(value, int) else None
    value = _clean_text(value)
    return value if value else None


def prefill_data(service: ServiceDef, profile: Mapping) -> dict:
    """Initial values for fields with ``prefill`` from the citizen's profile (``data=`` of a form).

    ``profile`` maps attribute names (``full_name``, ``date_of_birth``, …) to values; missing or
    empty attributes are skipped. A ``date_of_birth`` given as an ISO string becomes a ``date``.
    """
    return form_values(service, {spec.name: profile.get(spec.prefill)
                                 for spec in service.fields if spec.prefill})


def form_values(service: ServiceDef, data: Mapping) -> dict:
    """Stored JSON values as the form's fields expect them (``data=``): a date field needs a ``date``.
    Empty values and unreadable dates are left out."""
    values = {}
    for spec in service.fields:
        value = (data or {}).get(spec.name)
        if value in (None, ""):
            continue
        if spec.type == "date" and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                continue
        values[spec.name] = value
    return values


# ---------------------------------------------------------------- one validation pass

@dataclass(frozen=True)
class Checked:
    """Field values after the one validation pass of a request.

    ``clean`` holds every valid field as ``serialize`` gives it, ``errors`` the messages per field.
    ``complete`` says whether a missing required value counted (a submission) or not (a draft);
    ``kept`` names the values the input gave, which a draft stores.
    """

    service: ServiceDef
    complete: bool
    clean: dict
    errors: dict
    kept: frozenset

    @property
    def values(self) -> dict:
        """What to store: for a submission every field; for a draft only the values given."""
        if self.complete:
            return dict(self.clean)
        return {name: value for name, value in self.clean.items()
                if name in self.kept and value is not None}

    def serves(self, service: ServiceDef, *, complete: bool) -> bool:
        """Whether these values were checked against ``service`` at least as strictly as asked."""
        return self.service is service and (self.complete or not complete)


def _read_checked(form, *, complete: bool, answered, kept, type_errors=None) -> Checked:
    """The one reading of a validated form. A draft keeps no error for a field left unanswered (also
    on the form itself, which the page shows again)."""
    service: ServiceDef = form._dvc_service
    type_errors = type_errors or {}
    errors: dict[str, list[str]] = {}
    for spec in service.fields:
        field = form[spec.name]
        if not complete and spec.name not in answered:
            field.errors = []
        elif spec.name in type_errors:
            errors[spec.name] = type_errors[spec.name]
        elif field.errors:
            errors[spec.name] = list(field.errors)
    clean = {name: value for name, value in serialize(form).items() if name not in errors}
    return Checked(service=service, complete=complete, clean=clean, errors=errors, kept=frozenset(kept))


def _answered_on_page(field) -> bool:
    if isinstance(field, wtf.BooleanField):
        return bool(field.data)
    raw = field.raw_data or []
    return bool(raw) and isinstance(raw[0], str) and bool(raw[0].strip())


def check_form(form, *, complete: bool) -> Checked:
    """Validates a posted form built by ``build_form_class`` (all its fields, the base's too) and reads
    the service's fields. An unticked box or an empty input is no answer, so a draft leaves it out."""
    form.validate()
    service: ServiceDef = form._dvc_service
    answered = {spec.name for spec in service.fields if _answered_on_page(form[spec.name])}
    return _read_checked(form, complete=complete, answered=answered, kept=answered)


# ---------------------------------------------------------------- JSON API

class _JSONFormData(dict):
    """The ``getlist`` interface WTForms reads form data through."""

    def getlist(self, key):
        return list(self.get(key, []))


def check_data(service: ServiceDef, data, *, locale: str = "vi", complete: bool = True) -> Checked:
    """Validates a JSON payload against the service's fields (keys that are not fields are ignored).

    A draft (``complete=False``) may leave required values out; values that are given are still
    checked, and ``false`` for a checkbox is an answer it keeps. A payload that is not an object
    gives ``{FORM_ERROR_KEY: [message]}``.
    """
    messages = _messages(locale)
    if not isinstance(data, Mapping):
        return Checked(service=service, complete=complete, clean={},
                       errors={FORM_ERROR_KEY: [messages["not_object"]]}, kept=frozenset())

    formdata = _JSONFormData()
    type_errors: dict[str, list[str]] = {}
    for spec in service.fields:
        value = data.get(spec.name)
        if value is None:
            continue
        if spec.type == "checkbox":
            if not isinstance(value, bool):
                type_errors[spec.name] = [messages["type_bool"]]
            elif value:
                formdata[spec.name] = ["y"]
        elif spec.type == "integer":
            if isinstance(value, int) and not isinstance(value, bool):
                formdata[spec.name] = [str(value)]
            elif isinstance(value, str):
                formdata[spec.name] = [value]
            else:
                type_errors[spec.name] = [messages["type_integer"]]
        elif isinstance(value, str):
            formdata[spec.name] = [value]
        else:
            type_errors[spec.name] = [messages["type_text"]]

    form = _checking_form_class(service, locale)(formdata=formdata)
    form.validate()
    kept = {spec.name for spec in service.fields if data.get(spec.name) is not None}
    answered = set(formdata) | set(type_errors)
    return _read_checked(form, complete=complete, answered=answered, kept=kept, type_errors=type_errors)


# check_data's form classes, one per definition and language: a definition never changes once loaded, and
# building the class (a field and its validators per FieldDef) cost more than validating with it.
_CHECKING_CLASSES: OrderedDict = OrderedDict()
_CHECKING_CLASSES_KEPT = 256


def _checking_form_class(service: ServiceDef, locale: str) -> type:
    key = (id(service), locale)
    kept = _CHECKING_CLASSES.get(key)
    if kept is not None and kept[0] is service:
        _CHECKING_CLASSES.move_to_end(key)
        return kept[1]
    form_class = build_form_class(service, locale=locale)
    _CHECKING_CLASSES[key] = (service, form_class)  # the definition kept with it: its id is not reused
    if len(_CHECKING_CLASSES) > _CHECKING_CLASSES_KEPT:
        _CHECKING_CLASSES.popitem(last=False)
    return form_class


def validate_data(service: ServiceDef, data, *, locale: str = "vi",
                  partial: bool = False) -> tuple[dict, dict[str, list[str]]]:
    """``check_data`` as ``(clean, errors)``: ``clean`` holds the valid fields (as ``serialize`` gives
    them), ``errors`` maps field names to messages. With ``partial`` (saving a draft) missing required
    values are not errors; values that are given are still checked."""
    checked = check_data(service, data, locale=locale, complete=not partial)
    return checked.clean, checked.errors

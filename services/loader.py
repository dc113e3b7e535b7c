"""Service definitions: parse and validate ``services/<slug>.toml``, load a directory, and convert
a definition to and from the JSON stored with each service version and the TOML admins edit.

Every problem is a ``ServiceError`` naming the file, the key (``fields[2].type``; list indexes
count from 0) and the reason. Validation is strict on purpose: a typo in a key must not turn
into a silently ignored setting.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import tomli_w

from . import ServiceError, value_kind
from .fees import FeeRule, parse_fee

__all__ = [
    "ServiceError", "FieldDef", "DocumentDef", "ServiceDef",
    "FIELD_TYPES", "LEVELS", "ONLINE_LEVELS", "PREFILL_ATTRIBUTES",
    "parse", "load_file", "load_text", "load_dir", "default_directory", "to_dict", "from_dict", "to_toml",
    "definition_hash",
]

FIELD_TYPES = ("text", "textarea", "date", "integer", "select", "radio", "checkbox", "email", "phone",
               "national_id")
LEVELS = ("commune", "district", "province")
ONLINE_LEVELS = (3, 4)
# Profile attributes the portal can pre-fill, and the field types each one fits.
PREFILL_ATTRIBUTES = {
    "full_name": ("text",),
    "email": ("email", "text"),
    "phone": ("phone", "text"),
    "national_id": ("national_id", "text"),
    "date_of_birth": ("date",),
    "address": ("text", "textarea"),
}
CHOICE_TYPES = ("select", "radio")
LENGTH_TYPES = ("text", "textarea", "email")

# `*_en` keys are optional: the English shown on English pages (absent: the Vietnamese text is shown).
TOP_LEVEL_KEYS = ("code", "slug", "name", "name_en", "sector", "sector_en", "authority", "intake", "workflow",
                  "local_workflow", "transfer_workflow", "online_level", "processing_days", "fee", "legal_basis",
                  "description", "description_en", "result", "fields", "documents")
REQUIRED_TOP_LEVEL = ("code", "slug", "name", "authority", "intake", "workflow", "online_level",
                      "processing_days", "fee", "result", "fields")
FIELD_KEYS = ("name", "label", "label_en", "type", "required", "max_length", "choices", "choices_en", "min",
              "max", "help", "help_en", "prefill")
DOCUMENT_KEYS = ("key", "label", "label_en", "required", "note", "note_en")
RESULT_KEYS = ("template", "title", "title_en")

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CODE = re.compile(r"[0-9]+(?:\.[0-9A-Za-z]+)+")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
_WORKFLOW = re.compile(r"[a-z0-9][a-z0-9_-]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A field named like a WTForms form attribute ("data", "errors", "validate", FlaskForm's
# "csrf_token", …) would shadow it and break every form of the service.
_RESERVED_FIELD_NAMES = frozenset({
    "data", "errors", "form_errors", "meta", "validate", "populate_obj", "process", "csrf_token",
    "hidden_tag", "is_submitted", "validate_on_submit", "extra_validators", "formdata", "obj", "prefix",
})


@dataclass(frozen=True)
class FieldDef:
    name: str
    label: str
    label_en: str | None
    type: str
    required: bool
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    help: str | None = None
    prefill: str | None = None
    # The English of each choice, in the order of `choices`; the answer stored is always the Vietnamese one.
    choices_en: tuple[str, ...] = ()
    help_en: str | None = None

    def display_label(self, locale: str = "vi") -> str:
        return self.label_en if locale == "en" and self.label_en else self.label

    def display_choice(self, value, locale: str = "vi"):
        """The English of a stored (Vietnamese) choice on English pages; anything else unchanged."""
        if locale == "en" and self.choices_en and value in self.choices:
            return self.choices_en[self.choices.index(value)]
        return value

    def display_help(self, locale: str = "vi") -> str | None:
        return self.help_en if locale == "en" and self.help_en else self.help


@dataclass(frozen=True)
class DocumentDef:
    key: str
    label: str
    label_en: str | None
    required: bool
    note: str | None = None
    note_en: str | None = None

    def display_label(self, locale: str = "vi") -> str:
        return self.label_en if locale == "en" and self.label_en else self.label

    def display_note(self, locale: str = "vi") -> str | None:
        return self.note_en if locale == "en" and self.note_en else self.note


@dataclass(frozen=True)
class ServiceDef:
    code: str
    slug: str
    name: str
    name_en: str | None
    sector: str | None
    authority: str
    intake: str
    workflow: str
    online_level: int
    processing_days: int
    fee: FeeRule
    legal_basis: tuple[str, ...]
    description: str | None
    result: dict
    fields: tuple[FieldDef, ...]
    documents: tuple[DocumentDef, ...]
    # The workflow when the receiving unit decides itself (a district procedure received by a commune of a
    # two-level province), and when another unit decides (routed to a department or another commune);
    # None: `workflow` (portal/operations/routing.py).
    local_workflow: str | None = None
    transfer_workflow: str | None = None
    sector_en: str | None = None
    description_en: str | None = None
    source_hash: str = ""

    def __hash__(self) -> int:
        # ``result`` is a dict, so the generated hash would fail; the source hash identifies
        # the definition, so equal services hash equally (usable as a cache key).
        return hash(self.source_hash)

    def display_name(self, locale: str = "vi") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name

    def field(self, name: str) -> FieldDef | None:
        return next((f for f in self.fields if f.name == name), None)

    def document(self, key: str) -> DocumentDef | None:
        return next((d for d in self.documents if d.key == key), None)


# ---------------------------------------------------------------- reading primitives

class _Reader:
    """Typed access to one file's data; every failure names the file and the key path."""

    def __init__(self, filename: str):
        self.filename = filename

    def fail(self, key: str, reason: str):
        raise ServiceError(self.filename, key, reason)

    def check_keys(self, table: dict, allowed: tuple[str, ...], prefix: str = "") -> None:
        for key in table:
            if key not in allowed:
                hint = get_close_matches(str(key), allowed, n=1)
                suggestion = f" (có phải là '{hint[0]}'?)" if hint else ""
                self.fail(prefix + str(key), f"khóa không được hỗ trợ{suggestion}")

    def require(self, table: dict, keys: tuple[str, ...], prefix: str = "") -> None:
        for key in keys:
            if key not in table:
                self.fail(prefix + key, "thiếu khóa bắt buộc")

    def text(self, value, key: str, *, optional: bool = False, multiline: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            self.fail(key, f"phải là chuỗi ký tự, nhận được {value_kind(value)}")
        value = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
        if not value:
            if optional:
                return None
            self.fail(key, "không được để trống")
        if _CONTROL.search(value) or (not multiline and ("\n" in value or "\t" in value)):
            self.fail(key, "chứa ký tự xuống dòng hoặc ký tự điều khiển không hợp lệ"
                      if not multiline else "chứa ký tự điều khiển không hợp lệ")
        return value

    def pattern(self, value, key: str, regex: re.Pattern, explanation: str) -> str:
        value = self.text(value, key)
        if not regex.fullmatch(value):
            self.fail(key, f"{value!r} không hợp lệ: {explanation}")
        return value

    def integer(self, value, key: str, *, minimum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"phải là số nguyên, nhận được {value_kind(value)}")
        if minimum is not None and value < minimum:
            self.fail(key, f"phải lớn hơn hoặc bằng {minimum}, nhận được {value}")
        return value

    def boolean(self, value, key: str) -> bool:
        if not isinstance(value, bool):
            self.fail(key, f"phải là true hoặc false, nhận được {value_kind(value)}")
        return value

    def one_of(self, value, key: str, allowed: tuple, what: str):
        if isinstance(value, bool) or value not in allowed:
            options = ", ".join(str(a) for a in allowed)
            self.fail(key, f"{what} không hợp lệ {value!r} (chỉ nhận một trong: {options})")
        return value

    def table(self, value, key: str) -> dict:
        if not isinstance(value, dict):
            self.fail(key, f"phải là bảng, nhận được {value_kind(value)}")
        return value

    def table_list(self, value, key: str) -> list[dict]:
        if not isinstance(value, list):
            self.fail(key, f"phải là danh sách bảng [[{key}]], nhận được {value_kind(value)}")
        for index, item in enumerate(value):
            self.table(item, f"{key}[{index}]")
        return value


# ---------------------------------------------------------------- parsing

def parse(data: dict, filename: str, *, check_filename: bool = True) -> ServiceDef:
    """Validate one service definition (the dict of a TOML file) and return it normalized (NFC).

    ``filename`` names the file in errors; with ``check_filename`` the slug must equal its stem.
    Raises ``ServiceError`` at the first problem.
    """
    r = _Reader(filename)
    r.table(data, "(file)")
    r.check_keys(data, TOP_LEVEL_KEYS)
    r.require(data, REQUIRED_TOP_LEVEL)

    code = r.pattern(data["code"], "code", _CODE, "mã thủ tục gồm các nhóm chữ số cách nhau bởi dấu chấm, "
                                                  "ví dụ \"1.001193\"")
    slug = r.pattern(data["slug"], "slug", _SLUG, "chỉ gồm chữ thường a-z, chữ số và dấu gạch ngang, "
                                                  "ví dụ \"dang-ky-khai-sinh\"")
    if check_filename:
        stem = Path(filename).stem
        if slug != stem:
            r.fail("slug", f"{slug!r} phải trùng với tên tệp (đang là {stem!r})")
    authority = r.one_of(data["authority"], "authority", LEVELS, "cấp")
    intake = r.one_of(data["intake"], "intake", LEVELS, "cấp")
    if LEVELS.index(intake) > LEVELS.index(authority):
        r.fail("intake", f"cấp tiếp nhận ({intake}) không thể cao hơn cấp quyết định ({authority})")
    workflow = r.pattern(data["workflow"], "workflow", _WORKFLOW,
                         "tên quy trình trong workflows/definitions, ví dụ \"commune-to-district\"")
    online_level = r.integer(data["online_level"], "online_level")
    r.one_of(online_level, "online_level", ONLINE_LEVELS, "mức độ trực tuyến")

    fields = tuple(_parse_field(r, item, f"fields[{i}]")
                   for i, item in enumerate(r.table_list(data["fields"], "fields")))
    if not fields:
        r.fail("fields", "cần ít nhất một trường [[fields]]")
    _check_unique(r, [f.name for f in fields], "fields", "name", "tên trường")
    documents = tuple(_parse_document(r, item, f"documents[{i}]")
                      for i, item in enumerate(r.table_list(data.get("documents", []), "documents")))
    _check_unique(r, [d.key for d in documents], "documents", "key", "mã giấy tờ")

    fee = parse_fee(data["fee"], filename)
    _check_fee_fields(r, fee, fields)

    legal_basis = data.get("legal_basis", [])
    if not isinstance(legal_basis, list):
        r.fail("legal_basis", f"phải là danh sách chuỗi ký tự, nhận được {value_kind(legal_basis)}")

    service = ServiceDef(
        code=code,
        slug=slug,
        name=r.text(data["name"], "name"),
        name_en=r.text(data.get("name_en"), "name_en", optional=True),
        sector=r.text(data.get("sector"), "sector", optional=True),
        sector_en=r.text(data.get("sector_en"), "sector_en", optional=True),
        authority=authority,
        intake=intake,
        workflow=workflow,
        local_workflow=_optional_workflow(r, data, "local_workflow"),
        transfer_workflow=_optional_workflow(r, data, "transfer_workflow"),
        online_level=online_level,
        # 0: the same working day when received before the cut-off hour (15:00), else the next one.
        processing_days=r.integer(data["processing_days"], "processing_days", minimum=0),
        fee=fee,
        legal_basis=tuple(r.text(item, f"legal_basis[{i}]") for i, item in enumerate(legal_basis)),
        description=r.text(data.get("description"), "description", optional=True, multiline=True),
        description_en=r.text(data.get("description_en"), "description_en", optional=True, multiline=True),
        result=_parse_result(r, data["result"]),
        fields=fields,
        documents=documents,
    )
    return dataclasses.replace(service, source_hash=definition_hash(to_dict(service)))


def _optional_workflow(r: _Reader, data: dict, key: str) -> str | None:
    if key not in data:
        return None
    return r.pattern(data[key], key, _WORKFLOW, "tên quy trình trong workflows/definitions, ví dụ \"commune\"")


def _parse_result(r: _Reader, value) -> dict:
    table = r.table(value, "result")
    r.check_keys(table, RESULT_KEYS, "result.")
    # Without a template the result is the generic one (templates/documents/generic_result.html) under
    # this title: a service added as a file alone still issues a proper result.
    r.require(table, ("title",), "result.")
    result = {"title": r.text(table["title"], "result.title")}
    if "template" in table:
        result = {"template": r.pattern(table["template"], "result.template", _IDENTIFIER,
                                        "tên mẫu văn bản gồm chữ thường, chữ số và dấu gạch dưới"), **result}
    if "title_en" in table:
        result["title_en"] = r.text(table["title_en"], "result.title_en")
    return result


def _parse_field(r: _Reader, table: dict, path: str) -> FieldDef:
    r.check_keys(table, FIELD_KEYS, path + ".")
    r.require(table, ("name", "label", "type"), path + ".")
    name = r.pattern(table["name"], f"{path}.name", _IDENTIFIER,
                     "tên trường bắt đầu bằng chữ thường, chỉ gồm a-z, 0-9 và dấu gạch dưới")
    if name in _RESERVED_FIELD_NAMES:
        r.fail(f"{path}.name", f"{name!r} là tên dành riêng của biểu mẫu, hãy đặt tên khác")
    kind = r.one_of(table["type"], f"{path}.type", FIELD_TYPES, "kiểu trường")

    choices: tuple[str, ...] = ()
    if kind in CHOICE_TYPES:
        if "choices" not in table:
            r.fail(f"{path}.choices", f"bắt buộc với kiểu {kind}")
        raw = table["choices"]
        if not isinstance(raw, list) or not raw:
            r.fail(f"{path}.choices", "phải là danh sách chuỗi ký tự không rỗng")
        choices = tuple(r.text(c, f"{path}.choices[{i}]") for i, c in enumerate(raw))
        _check_unique(r, list(choices), path, "choices", "lựa chọn", indexed=False)
    elif "choices" in table:
        r.fail(f"{path}.choices", "chỉ dùng cho kiểu select hoặc radio")
    choices_en: tuple[str, ...] = ()
    if "choices_en" in table:
        raw_en = table["choices_en"]
        if not choices:
            r.fail(f"{path}.choices_en", "chỉ dùng cùng với choices")
        if not isinstance(raw_en, list) or len(raw_en) != len(choices):
            r.fail(f"{path}.choices_en", f"phải là danh sách {len(choices)} chuỗi ký tự, theo thứ tự của choices")
        choices_en = tuple(r.text(c, f"{path}.choices_en[{i}]") for i, c in enumerate(raw_en))

    max_length = None
    if "max_length" in table:
        if kind not in LENGTH_TYPES:
            r.fail(f"{path}.max_length", "chỉ dùng cho kiểu " + ", ".join(LENGTH_TYPES))
        max_length = r.integer(table["max_length"], f"{path}.max_length", minimum=1)

    bounds = {}
    for bound in ("min", "max"):
        if bound in table:
            if kind != "integer":
                r.fail(f"{path}.{bound}", "chỉ dùng cho kiểu integer")
            bounds[bound] = r.integer(table[bound], f"{path}.{bound}")
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        r.fail(f"{path}.max", f"phải lớn hơn hoặc bằng min ({bounds['min']}), nhận được {bounds['max']}")

    prefill = None
    if "prefill" in table:
        prefill = r.one_of(table["prefill"], f"{path}.prefill", tuple(PREFILL_ATTRIBUTES), "thuộc tính hồ sơ")
        if kind not in PREFILL_ATTRIBUTES[prefill]:
            r.fail(f"{path}.prefill", f"{prefill!r} không điền được vào trường kiểu {kind} "
                                      f"(chỉ kiểu: {', '.join(PREFILL_ATTRIBUTES[prefill])})")

    return FieldDef(
        name=name,
        label=r.text(table["label"], f"{path}.label"),
        label_en=r.text(table.get("label_en"), f"{path}.label_en", optional=True),
        type=kind,
        required=r.boolean(table.get("required", False), f"{path}.required"),
        max_length=max_length,
        choices=choices,
        min=bounds.get("min"),
        max=bounds.get("max"),
        help=r.text(table.get("help"), f"{path}.help", optional=True),
        prefill=prefill,
        choices_en=choices_en,
        help_en=r.text(table.get("help_en"), f"{path}.help_en", optional=True),
    )


def _parse_document(r: _Reader, table: dict, path: str) -> DocumentDef:
    r.check_keys(table, DOCUMENT_KEYS, path + ".")
    r.require(table, ("key", "label"), path + ".")
    return DocumentDef(
        key=r.pattern(table["key"], f"{path}.key", _IDENTIFIER,
                      "mã giấy tờ bắt đầu bằng chữ thường, chỉ gồm a-z, 0-9 và dấu gạch dưới"),
        label=r.text(table["label"], f"{path}.label"),
        label_en=r.text(table.get("label_en"), f"{path}.label_en", optional=True),
        required=r.boolean(table.get("required", False), f"{path}.required"),
        note=r.text(table.get("note"), f"{path}.note", optional=True),
        note_en=r.text(table.get("note_en"), f"{path}.note_en", optional=True),
    )


def _check_unique(r: _Reader, values: list[str], list_key: str, item_key: str, what: str,
                  *, indexed: bool = True) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            key = f"{list_key}[{index}].{item_key}" if indexed else f"{list_key}.{item_key}[{index}]"
            first = f"{list_key}[{seen[value]}]" if indexed else f"{item_key}[{seen[value]}]"
            r.fail(key, f"{what} {value!r} bị trùng (đã có ở {first})")
        seen[value] = index


def _check_fee_fields(r: _Reader, fee: FeeRule, fields: tuple[FieldDef, ...]) -> None:
    by_name = {f.name: f for f in fields}
    keys = {"field": getattr(fee, "field", None), "copies_field": getattr(fee, "copies_field", None)}
    for key, name in keys.items():
        if name is None:
            continue
        field = by_name.get(name)
        if field is None:
            r.fail(f"fee.{key}", f"không có trường {name!r} trong [[fields]]")
        if field.type != "integer" or not field.required:
            r.fail(f"fee.{key}", f"trường {name!r} phải có type = \"integer\" và required = true "
                                 "để tính được phí")


# ---------------------------------------------------------------- files and directories

def load_text(text: str, filename: str, *, check_filename: bool = True) -> ServiceDef:
    """Parse TOML text (an admin's upload); syntax errors become ``ServiceError`` with key ``(syntax)``."""
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        # The message carries the position: "... (at line 3, column 7)".
        raise ServiceError(filename, "(syntax)", f"lỗi cú pháp TOML: {exc}") from None
    return parse(data, filename, check_filename=check_filename)


def load_file(path) -> ServiceDef:
    """Load and validate one ``<slug>.toml`` file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ServiceError(path.name, "(file)", f"không đọc được tệp: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ServiceError(path.name, "(encoding)",
                           f"tệp phải được lưu bằng mã UTF-8 (byte lỗi ở vị trí {exc.start})") from None
    return load_text(text, path.name)


def load_dir(directory) -> tuple[list[ServiceDef], list[ServiceError]]:
    """Load every ``*.toml`` in ``directory`` (sorted by name).

    Returns the good services and the errors of the bad files, so one broken file does not take
    the catalogue down. A file repeating another file's procedure code is reported, not loaded.
    """
    services: list[ServiceDef] = []
    errors: list[ServiceError] = []
    code_owner: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        if not path.is_file():
            continue
        try:
            service = load_file(path)
        except ServiceError as exc:
            errors.append(exc)
            continue
        if service.code in code_owner:
            reason = f"mã thủ tục {service.code!r} đã dùng trong {code_owner[service.code]}"
            errors.append(ServiceError(path.name, "code", reason))
            continue
        code_owner[service.code] = path.name
        services.append(service)
    return services, errors


# ---------------------------------------------------------------- dict / JSON / TOML

def to_dict(service: ServiceDef) -> dict:
    """The definition in the service-file shape, JSON-able (stored with each service version).

    Absent optional values are left out, so adding an optional key to the format later does not
    change the hash of existing definitions. ``source_hash`` is not part of it: it is derived.
    """
    data: dict = {"code": service.code, "slug": service.slug, "name": service.name}
    _put(data, "name_en", service.name_en)
    _put(data, "sector", service.sector)
    _put(data, "sector_en", service.sector_en)
    data.update(authority=service.authority, intake=service.intake, workflow=service.workflow)
    _put(data, "local_workflow", service.local_workflow)
    _put(data, "transfer_workflow", service.transfer_workflow)
    data.update(online_level=service.online_level, processing_days=service.processing_days,
                fee=service.fee.to_value())
    if service.legal_basis:
        data["legal_basis"] = list(service.legal_basis)
    _put(data, "description", service.description)
    _put(data, "description_en", service.description_en)
    data["result"] = dict(service.result)
    data["fields"] = [_field_dict(f) for f in service.fields]
    if service.documents:
        data["documents"] = [_document_dict(d) for d in service.documents]
    return data


def _put(data: dict, key: str, value) -> None:
    if value is not None:
        data[key] = value


def _field_dict(field: FieldDef) -> dict:
    data = {"name": field.name, "label": field.label}
    _put(data, "label_en", field.label_en)
    data.update(type=field.type, required=field.required)
    _put(data, "max_length", field.max_length)
    if field.choices:
        data["choices"] = list(field.choices)
    if field.choices_en:
        data["choices_en"] = list(field.choices_en)
    _put(data, "min", field.min)
    _put(data, "max", field.max)
    _put(data, "help", field.help)
    _put(data, "help_en", field.help_en)
    _put(data, "prefill", field.prefill)
    return data


def _document_dict(document: DocumentDef) -> dict:
    data = {"key": document.key, "label": document.label}
    _put(data, "label_en", document.label_en)
    data["required"] = document.required
    _put(data, "note", document.note)
    _put(data, "note_en", document.note_en)
    return data


def definition_hash(data: dict) -> str:
    """sha256 of the canonical JSON of a definition dict (``to_dict`` output).

    Computed on the normalized definition, so comments, key order and spacing in the file do not
    create a new service version; only a change in meaning does.
    """
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def from_dict(data: dict) -> ServiceDef:
    """Inverse of ``to_dict``; the data is validated again (it may come from an old row)."""
    slug = data.get("slug") if isinstance(data, dict) else None
    filename = f"{slug}.toml" if isinstance(slug, str) else "(definition)"
    return parse(data, filename, check_filename=False)


def to_toml(service: ServiceDef) -> str:
    """The definition as a service file (admin export); ``load_text(to_toml(s), …) == s``.

    Multi-line text stays readable as a triple-quoted string."""
    return tomli_w.dumps(to_dict(service), multiline_strings=True)


def default_directory() -> Path:
    """The shipped catalogue: the directory of this package (``services/*.toml``)."""
    return Path(__file__).resolve().parent

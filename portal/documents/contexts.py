"""The plain-dict contexts of document templates, built from the database rows (the templates never see a
model, so they cannot lazy-load anything or call a method on one)."""
from __future__ import annotations

from datetime import date, datetime

from ..formatting import vn_date
from ..timeutil import to_vn

DESK = "Bộ phận Tiếp nhận và Trả kết quả"
ROLE_TITLES = {"receiver": "Công chức tiếp nhận hồ sơ", "handler": "Chuyên viên", "leader": "Chủ tịch"}
DELIVERY_LABELS = {
    "online": "nhận kết quả trực tuyến trên Cổng dịch vụ công",
    "desk": "nhận trực tiếp tại Bộ phận Một cửa",
    "post": "nhận qua dịch vụ bưu chính công ích",
}


def unit_context(unit, *, desk: bool = False) -> dict:
    """Header lines as Decree 30/2020 sets them: "ỦY BAN NHÂN DÂN / XÃ TAM HỒNG"; forms of the one-stop desk
    put the desk under the unit's name."""
    name = unit.name or ""
    prefix = "Ủy ban nhân dân "
    if desk:
        # "UBND XÃ TAM HỒNG / BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ": the usual short form keeps the top line on
        # one line even on A5.
        short = f"UBND {name[len(prefix):]}" if name.lower().startswith(prefix.lower()) else name
        lines = [short, DESK]
    elif name.lower().startswith(prefix.lower()):
        lines = [name[: len(prefix) - 1], name[len(prefix):]]
    else:
        lines = [unit.parent.name, name] if unit.parent is not None else [name]
    return {
        "name": name,
        "header_lines": lines,
        "place": unit.short_name or name,
        "authority_name": name,
        "agency_name": name,
        "desk_name": f"{DESK} {name}",
        "address": unit.address or "",
        "phone": unit.phone or "",
    }


def signer_context(actor, role: str | None = None) -> dict:
    if actor is None:
        return {"name": "", "title": ""}
    title = (actor.title or "").strip() or ROLE_TITLES.get(role or actor.role or "", "")
    return {"name": actor.full_name, "title": title}


def display_value(value, field: dict | None = None) -> str:
    """A submitted value as a person reads it: dates dd/mm/yyyy, yes/no, lists joined."""
    kind = (field or {}).get("type")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        return ", ".join(display_value(v) for v in value)
    if isinstance(value, (date, datetime)):
        return vn_date(value)
    if kind == "date" and isinstance(value, str):
        try:
            return vn_date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def application_context(application) -> dict:
    version = application.service_version
    definition = (version.definition if version is not None else None) or {}
    data = dict(application.data or {})
    fields = [f for f in definition.get("fields", []) if isinstance(f, dict)]
    rows = [(f.get("label") or f["name"], display_value(data.get(f["name"]), f))
            for f in fields if data.get(f.get("name")) not in (None, "", [])]
    labels = {d.get("key"): d.get("label") for d in definition.get("documents", []) if isinstance(d, dict)}
    documents = [labels.get(a.document_key) or a.filename
                 for a in application.attachments if not a.superseded]
    applicant = application.applicant
    delivery = application.delivery or {}
    method = DELIVERY_LABELS.get(delivery.get("method"), "")
    if delivery.get("method") == "post" and delivery.get("address"):
        method = f"{method}: {delivery['address']}"
    return {
        "code": application.code or "",
        "service_name": version.name if version is not None else "",
        "service_code": version.code if version is not None else "",
        "processing_days": version.processing_days if version is not None else "",
        "applicant": {
            "name": applicant.full_name if applicant else "",
            "national_id": (applicant.national_id or "") if applicant else "",
            "address": (applicant.address or "") if applicant else "",
            "phone": application.applicant_phone or (applicant.phone if applicant else ""),
            "email": applicant.email if applicant else "",
        },
        "documents": documents,
        "sets": 1,
        "received_at": application.received_at,
        "due_date": application.due_date,
        "return_place": f"{DESK} {application.unit.name}" if application.unit else DESK,
        "return_method": method,
        "data": data,
        "fields": rows,
        "fee_amount": application.fee_amount,
    }


def supplement_items(inputs: dict, note: str) -> list[dict]:
    """What is missing, all at once: `inputs["missing"]` (a list of texts or {label, reason}) or, from a page
    with a single text box, one item per line of the note."""
    raw = inputs.get("missing") if isinstance(inputs, dict) else None
    items = []
    if isinstance(raw, str):
        raw = raw.splitlines()
    if isinstance(raw, list):
        for entry in raw:
            if isinstance(entry, dict) and str(entry.get("label", "")).strip():
                items.append({"label": str(entry["label"]).strip(),
                              "reason": str(entry.get("reason", "")).strip()})
            elif isinstance(entry, str) and entry.strip():
                items.append({"label": entry.strip(), "reason": ""})
    if not items:
        items = [{"label": line.strip(" -•\t"), "reason": ""} for line in (note or "").splitlines()
                 if line.strip(" -•\t")]
    return items


def vn_day(moment) -> date:
    return to_vn(moment).date() if isinstance(moment, datetime) else moment

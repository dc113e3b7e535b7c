"""The plain-dict contexts of document templates, built from the database rows (the templates never see a
model, so they cannot lazy-load anything or call a method on one)."""
from __future__ import annotations

from datetime import date, datetime, time

from flask import current_app

from ..formatting import vn_date
from ..timeutil import VN, to_vn

# Circular 03/2025/TT-VPCP calls the desk "Bộ phận Một cửa"; a province may run a "Trung tâm Phục vụ hành
# chính công" instead: that is the unit's `one_stop_name`, printed as typed.
DESK = "Bộ phận Một cửa"
RETURN_TIME = time(17, 0)  # the end of the working day, when a unit sets no hour of return
NATIONAL_PORTAL = "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)"
ROLE_TITLES = {"receiver": "Công chức tiếp nhận hồ sơ", "handler": "Chuyên viên", "leader": "Chủ tịch"}
DELIVERY_LABELS = {
    "online": "nhận kết quả trực tuyến trên Cổng dịch vụ công",
    "desk": "nhận trực tiếp tại Bộ phận Một cửa",
    "post": "nhận qua dịch vụ bưu chính công ích",
}


def one_stop_name(unit) -> str:
    """"Trung tâm Phục vụ hành chính công tỉnh Vĩnh Phúc" as the admin typed it, else "Bộ phận Một cửa
    Ủy ban nhân dân xã Tam Hồng"."""
    custom = (getattr(unit, "one_stop_name", None) or "").strip()
    return custom or f"{DESK} {unit.name}"


def unit_context(unit, *, desk: bool = False) -> dict:
    """Header lines as Decree 30/2020 sets them: "ỦY BAN NHÂN DÂN / XÃ TAM HỒNG"; forms of the one-stop desk
    put the desk under the unit's name."""
    name = unit.name or ""
    prefix = "Ủy ban nhân dân "
    desk_line = (getattr(unit, "one_stop_name", None) or "").strip() or DESK
    if desk:
        # "UBND XÃ TAM HỒNG / BỘ PHẬN MỘT CỬA": the usual short form keeps the top line on one line even on A5.
        short = f"UBND {name[len(prefix):]}" if name.lower().startswith(prefix.lower()) else name
        lines = [short, desk_line]
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
        "desk_name": one_stop_name(unit),
        "one_stop_name": desk_line,
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
    current = [a for a in application.attachments if not a.superseded]
    documents = [labels.get(a.document_key) or a.filename for a in current]
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
            "name": application.applicant_full_name,
            "national_id": application.applicant_nid,
            "address": (applicant.address or "") if applicant else "",
            "phone": application.applicant_phone or (applicant.phone if applicant else ""),
            "email": applicant.email if applicant else "",
        },
        "documents": documents,
        "document_rows": document_rows(current, labels, application.channel),
        "sets": 1,
        "received_at": application.received_at,
        "due_date": application.due_date,
        "return_at": return_moment(application),
        "return_place": one_stop_name(application.unit) if application.unit else DESK,
        "return_method": method,
        "register_book": application.register_book or "",
        "register_serial": application.register_serial,
        "lookup": lookup_context(),
        "data": data,
        "fields": rows,
        "fee_amount": application.fee_amount,
    }


def document_rows(attachments, labels: dict, channel: str) -> list[dict]:
    """Form 01's list of documents received: one row per document, its form and number of copies."""
    form = "Bản điện tử" if channel in ("online", "national") else "Bản chụp điện tử (số hóa)"
    rows: dict[str, dict] = {}
    for attachment in attachments:
        label = labels.get(attachment.document_key) or attachment.filename
        row = rows.setdefault(attachment.document_key, {"label": label, "form": form, "copies": 0})
        row["copies"] += 1
    return list(rows.values())


def return_moment(application):
    """The due date at the unit's hour of return (Vietnam time): form 01 gives the hour, not only the day."""
    if application.due_date is None:
        return None
    unit = application.unit
    hour = (getattr(unit, "return_time", None) if unit is not None else None) or RETURN_TIME
    return datetime.combine(application.due_date, hour, tzinfo=VN)


def lookup_context() -> dict:
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    return {"url": f"{base}/tra-cuu", "national": NATIONAL_PORTAL}


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

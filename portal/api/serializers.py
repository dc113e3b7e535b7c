"""Plain dicts for the JSON API (shaped by api/schemas.py)."""
from ..operations.catalogue import definition_of
from ..ratings.delivery import postal_request
from ..workflows_registry import workflow_of


def service_summary(version) -> dict:
    definition = definition_of(version)
    return {"slug": version.service.slug, "code": version.code, "name": version.name,
            "name_en": version.name_en, "sector": version.sector, "authority": version.authority,
            "intake": version.intake, "workflow": version.workflow, "online_level": version.online_level,
            "processing_days": version.processing_days, "fee": definition.fee.describe(),
            "version": version.version}


def service_detail(version) -> dict:
    definition = definition_of(version)
    out = service_summary(version)
    out.update(
        legal_basis=list(definition.legal_basis), description=definition.description,
        result_title=(definition.result or {}).get("title", ""),
        fields=[{"name": f.name, "label": f.label, "label_en": f.label_en, "type": f.type,
                 "required": f.required, "max_length": f.max_length, "choices": list(f.choices or ()),
                 "min": f.min, "max": f.max} for f in definition.fields],
        documents=[{"key": d.key, "label": d.label, "label_en": d.label_en, "required": d.required,
                    "note": d.note} for d in definition.documents])
    return out


def unit_out(unit) -> dict:
    return {"slug": unit.slug, "code": unit.code, "name": unit.name, "level": unit.level,
            "parent": unit.parent.slug if unit.parent else None,
            "one_stop_name": unit.one_stop_name or None}


def state_label(application) -> str:
    return label_of(workflow_of(application), application.state)


def label_of(workflow, state: str) -> str:
    """The workflow's label for `state`; the state's own name when the workflow has no such state."""
    try:
        return workflow.state(state).label
    except KeyError:
        return state


def application_summary(application) -> dict:
    return {"id": application.id, "code": application.code, "service": application.service.slug,
            "service_name": application.service_version.name, "unit": application.unit.slug,
            "current_unit": application.current_unit.slug, "state": application.state,
            "state_label": state_label(application), "version": application.version,
            "due_date": application.due_date, "submitted_at": application.submitted_at,
            "channel": application.channel}


def delivery_out(application) -> dict | None:
    """The postal delivery the citizen asked for, in the shape of GET .../delivery; None when the result is
    not to be posted."""
    postal = postal_request(application)
    return None if postal is None else {"method": "post", **postal}

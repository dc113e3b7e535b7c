"""Services without a developer: edit a definition as its TOML text, preview the citizen's form, publish a
new version (open applications keep theirs), import and export service files."""
from __future__ import annotations

import unicodedata

from sqlalchemy import select

from services import ServiceError
from services.forms import build_form_class
from services.loader import load_text, to_toml

from ..i18n import N_, pattern
from ..documents.render import template_exists
from ..extensions import db
from ..models import Application, Service
from ..operations import Invalid
from ..operations.catalogue import NO_WORKFLOW, definition_of, publish
from ..workflows_registry import all_workflows
from .units import audit, terminal_states

SLUG_KEPT = pattern(N_("slug: phải giữ nguyên là '%(slug)s' (muốn tạo thủ tục mới, hãy dùng chức năng nhập tệp)"))
UNKNOWN_WORKFLOW = pattern(N_("workflow: không có quy trình '%(workflow)s' (có: %(known)s)"))
UNKNOWN_TEMPLATE = pattern(N_("result.template: không có mẫu văn bản '%(template)s'"))

MAX_TOML_BYTES = 256 * 1024


def parse_definition(text: str, *, expected_slug: str | None = None):
    """The TOML text checked like a service file plus what the portal knows: the workflow exists, the
    result template ships with the portal and, when editing, the slug is the service's. Raises Invalid
    with the problem under `toml`."""
    if len(text.encode("utf-8")) > MAX_TOML_BYTES:
        raise Invalid(N_("Tệp quá lớn."), errors={"toml": [N_("Định nghĩa thủ tục dài tối đa 256 KB.")]})
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    name = f"{expected_slug}.toml" if expected_slug else "(thủ tục).toml"
    try:
        definition = load_text(text, name, check_filename=False)
    except ServiceError as exc:
        raise Invalid(N_("Định nghĩa thủ tục chưa hợp lệ."),
                      errors={"toml": [f"{exc.key}: {exc.reason}"]}) from None
    problems = []
    if expected_slug and definition.slug != expected_slug:
        problems.append(SLUG_KEPT % {"slug": expected_slug})
    if definition.workflow not in all_workflows():
        known = ", ".join(sorted(all_workflows()))
        problems.append(UNKNOWN_WORKFLOW % {"workflow": definition.workflow, "known": known})
    template = definition.result.get("template")  # none: the generic result under result.title
    if template is not None and not template_exists(template):
        problems.append(UNKNOWN_TEMPLATE % {"template": template})
    for key in ("local_workflow", "transfer_workflow"):
        name = getattr(definition, key)
        if name is not None and name not in all_workflows():
            problems.append(NO_WORKFLOW % {"key": key, "workflow": name})
    if problems:
        raise Invalid(N_("Định nghĩa thủ tục chưa hợp lệ."), errors={"toml": problems})
    return definition


def preview_form(definition):
    """An unbound WTForms form of the citizen's page, for display only (no CSRF: it is never posted)."""
    return build_form_class(definition)()


def publish_text(actor, text: str, *, expected_slug: str | None = None):
    """Returns (version, created). An unchanged definition creates no version."""
    definition = parse_definition(text, expected_slug=expected_slug)
    version, created = publish(definition)  # a file of a known service becomes its next version
    if created:
        audit(actor, "service.publish", f"service:{definition.slug}", version=version.version,
              workflow=definition.workflow, processing_days=definition.processing_days)
    return version, created


def export_toml(service: Service) -> str:
    return to_toml(definition_of(service.current))


def set_service_active(actor, service: Service, active: bool):
    if service.active != active:
        service.active = active
        audit(actor, "service.activate" if active else "service.deactivate", f"service:{service.slug}")


def open_applications_by_version(service: Service) -> dict[int, int]:
    """How many unfinished applications each version still carries (they keep it to the end)."""
    from sqlalchemy import func
    rows = db.session.execute(
        select(Application.service_version_id, func.count())
        .where(Application.service_id == service.id, Application.state.not_in(terminal_states()))
        .group_by(Application.service_version_id)).all()
    return dict(rows)


def all_services() -> list[Service]:
    return db.session.execute(select(Service).order_by(Service.slug)).scalars().all()

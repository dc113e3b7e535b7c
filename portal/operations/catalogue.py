"""The service catalogue in the database: one row per service, one version per published definition."""
import logging

from flask import current_app
from sqlalchemy import select

from services.loader import from_dict, load_dir, to_dict
from services import search
from services.search import search_text

from ..extensions import db
from ..frozen_rows import set_loaded
from ..i18n import N_, pattern
from ..models import Service, ServiceVersion, Unit
from ..workflows_registry import all_workflows
from . import Invalid, routing

# A service file naming a workflow the portal does not have ("<key>: …"; the slug in front when loading).
NO_WORKFLOW = pattern(N_("%(key)s: không có quy trình '%(workflow)s'"))

log = logging.getLogger(__name__)


def publish(definition) -> tuple[ServiceVersion, bool]:
    """Makes `definition` (a services.loader.ServiceDef) the current version of its service.
    Returns (version, created): an unchanged definition creates nothing."""
    for key in ("workflow", "local_workflow", "transfer_workflow"):
        name = getattr(definition, key)
        if name is not None and name not in all_workflows():
            raise Invalid(f"{definition.slug}: " + NO_WORKFLOW % {"key": key, "workflow": name})
    service = db.session.execute(select(Service).where(Service.slug == definition.slug)).scalar_one_or_none()
    if service is None:
        service = Service(slug=definition.slug)
        db.session.add(service)
        db.session.flush()
    current = service.current
    if current is not None and current.source_hash == definition.source_hash:
        return current, False
    number = 1 + max((v.version for v in service.versions), default=0)
    version = ServiceVersion(
        service=service, version=number, code=definition.code, name=definition.name,
        name_en=definition.name_en, sector=definition.sector, authority=definition.authority,
        intake=definition.intake, workflow=definition.workflow, online_level=definition.online_level,
        processing_days=definition.processing_days, definition=to_dict(definition),
        source_hash=definition.source_hash, search_text=search_text(definition))
    db.session.add(version)
    db.session.flush()
    service.current_version_id = version.id
    service.active = True
    db.session.flush()
    db.session.expire(service, ["current"])  # a view-only relationship: reload it from the new id
    return version, True


def load_catalogue(directory=None):
    """Loads every services/*.toml. Bad files are reported and skipped; the others are published.
    Returns (published, unchanged, errors)."""
    definitions, errors = load_dir(directory or current_app.config["SERVICES_DIR"])
    published, unchanged = [], []
    for definition in definitions:
        try:
            version, created = publish(definition)
        except Invalid as exc:
            errors.append(exc)
            continue
        (published if created else unchanged).append(version)
    for error in errors:
        log.error("service file refused: %s", error)
    return published, unchanged, errors


def definition_of(version: ServiceVersion):
    """The parsed definition an application was submitted under (cached per version row)."""
    cache = current_app.extensions.setdefault("dvc_service_defs", {})
    if version.id not in cache:
        cache[version.id] = from_dict(version.definition)
    return cache[version.id]


def active_services(query: str = "", level: str = "", sector: str = "", online_level: int | None = None):
    """The current services, filtered; with a `query`, ranked by services.search.rank (best first)."""
    results = _filtered(level, sector, online_level)
    return [hit.service for hit in search.rank(results, query)] if query.strip() else results


def search_catalogue(query: str, level: str = "", sector: str = "", online_level: int | None = None):
    """(results, suggestions): the ranked services, and when none has a word of `query`, the closest
    ones under the same filters ("Có phải bạn muốn tìm: …")."""
    candidates = _filtered(level, sector, online_level)
    if not query.strip():
        return candidates, []
    results = [hit.service for hit in search.rank(candidates, query)]
    return results, ([] if results else search.suggest(candidates, query))


def _filtered(level: str = "", sector: str = "", online_level: int | None = None):
    # The query is not a SQL filter: ranking needs the services that miss some of its words too.
    stmt = (select(ServiceVersion).join(Service, Service.current_version_id == ServiceVersion.id)
            .where(Service.active.is_(True)))
    if level:
        stmt = stmt.where(ServiceVersion.authority == level)
    if sector:
        stmt = stmt.where(ServiceVersion.sector == sector)
    if online_level:
        stmt = stmt.where(ServiceVersion.online_level == online_level)
    return db.session.execute(stmt.order_by(ServiceVersion.sector, ServiceVersion.name)).scalars().all()


def sectors() -> list[str]:
    stmt = (select(ServiceVersion.sector).join(Service, Service.current_version_id == ServiceVersion.id)
            .where(Service.active.is_(True)).distinct().order_by(ServiceVersion.sector))
    return [s for s in db.session.execute(stmt).scalars() if s]


def get_service(slug: str) -> Service | None:
    service = db.session.execute(select(Service).where(Service.slug == slug)).scalar_one_or_none()
    if service is not None:
        set_loaded(service, "current", ServiceVersion, service.current_version_id)  # without a query
    if service is None or not service.active or service.current is None:
        return None
    return service


def intake_units(version: ServiceVersion) -> list[Unit]:
    """Where a citizen may apply for this service: the active units receiving its intake level (a district
    procedure is received by the commune where no district exists: operations/routing.py)."""
    return routing.intake_units(version)

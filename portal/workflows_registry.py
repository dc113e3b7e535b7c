"""The workflow definitions the portal runs: the current ones, read once per process from WORKFLOWS_DIR, and
the versions applications are pinned to (`WorkflowVersion` rows), so that editing a definition changes the
rules for new applications only: an open application finishes on the rules it started with.

`get_workflow(name)` is the current definition; `workflow_of(application)` is the one that application
runs under. Versions are recorded lazily: the first application pinned to a definition whose hash no row
has yet records it (and `flask workflows load` records them all at once).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from workflows.engine import INITIAL_STATE, DefinitionError, State, Workflow, load_definitions, parse_workflow

from .extensions import db
from .models import Application, WorkflowVersion
from .savepoints import savepoint

_CURRENT = "dvc_workflows"  # app.extensions key: {directory: {name: Workflow}}
_PINNED = "dvc_workflow_versions"  # app.extensions key: {(name, source_hash): Workflow}


def all_workflows() -> dict[str, Workflow]:
    cache = current_app.extensions.setdefault(_CURRENT, {})
    directory = current_app.config["WORKFLOWS_DIR"]
    if directory not in cache:
        cache[directory] = load_definitions(directory)
    return cache[directory]


def get_workflow(name: str) -> Workflow:
    """The current definition: what a new application will run under."""
    return all_workflows()[name]


def reload_workflows() -> None:
    """Reads the definition files again on next use (`flask workflows load`, tests that edit a definition).
    Applications already pinned keep their version whatever the files now say."""
    current_app.extensions.get(_CURRENT, {}).pop(current_app.config["WORKFLOWS_DIR"], None)


# -- versions -----------------------------------------------------------------------------------

def workflow_for_version(version: WorkflowVersion) -> Workflow:
    """The parsed definition of a stored version, cached by its hash (the hot path parses no TOML)."""
    cache = current_app.extensions.setdefault(_PINNED, {})
    key = (version.name, version.source_hash)
    if key not in cache:
        current = all_workflows().get(version.name)
        if current is not None and current.source_hash == version.source_hash:
            cache[key] = current
        else:
            cache[key] = parse_workflow(version.name, version.source)
    return cache[key]


def workflow_of(application: Application) -> Workflow:
    """The rules this application runs under: its pinned version; the current definition when it has none
    (rows migration 0003 could not pin: their definition file was missing then)."""
    if application.workflow_version is None:
        return get_workflow(application.workflow)
    return workflow_for_version(application.workflow_version)


def workflow_pinned(name: str, version_id: int | None, source_hash: str | None) -> Workflow:
    """`workflow_of` for an application read as a row: its workflow's name and its pinned version's id and
    hash. The version's source is read only when this process has not parsed that version yet."""
    if version_id is None:
        return get_workflow(name)
    known = current_app.extensions.get(_PINNED, {}).get((name, source_hash))
    if known is not None:
        return known
    from .frozen_rows import put_in_session
    return workflow_for_version(put_in_session(WorkflowVersion, version_id))


def _find_version(name: str, source_hash: str) -> WorkflowVersion | None:
    from .frozen_rows import keep, kept_id, put_in_session
    known = kept_id(("workflow", name, source_hash))
    if known is not None:
        found = put_in_session(WorkflowVersion, known)
        if found is not None:
            return found
    found = db.session.execute(select(WorkflowVersion).where(
        WorkflowVersion.name == name, WorkflowVersion.source_hash == source_hash)).scalar_one_or_none()
    if found is not None:
        keep(("workflow", name, source_hash), found)
    return found


def record_version(workflow: Workflow) -> tuple[WorkflowVersion, bool]:
    """The row for this definition, created when no row has its hash yet. Returns (version, created)."""
    found = _find_version(workflow.name, workflow.source_hash)
    if found is not None:
        return found, False
    version = WorkflowVersion(name=workflow.name, source=workflow.source, source_hash=workflow.source_hash)
    try:
        with savepoint(db.session):
            db.session.add(version)
    except IntegrityError:
        # Another request recorded the same definition between our look and our insert.
        return _find_version(workflow.name, workflow.source_hash), False
    return version, True


def current_version(name: str) -> WorkflowVersion:
    return record_version(get_workflow(name))[0]


def pin_workflow(application: Application) -> None:
    """Gives the application the current definition of its workflow: at draft creation, and again at
    submission (a draft has followed no rule yet, as its service version is renewed then too)."""
    current = get_workflow(application.workflow)
    pinned = application.workflow_version
    if pinned is not None and (pinned.name, pinned.source_hash) == (current.name, current.source_hash):
        return  # already on today's rules (a submission, usually): no query for the row it has
    application.workflow_version = record_version(current)[0]


def record_versions() -> tuple[list[WorkflowVersion], list[WorkflowVersion]]:
    """Records every current definition; returns (created, unchanged)."""
    created, unchanged = [], []
    for workflow in all_workflows().values():
        version, new = record_version(workflow)
        (created if new else unchanged).append(version)
    return created, unchanged


def in_states_where(accepts: Callable[[State], bool]) -> ColumnElement[bool]:
    """A WHERE clause: the application's state is one that `accepts` in the definition it runs under. One
    branch per stored version (a handful: one per edit) and one per current definition for unpinned rows."""
    branches = [and_(Application.workflow_version_id == version.id,
                     Application.state.in_(_states(workflow_for_version(version), accepts)))
                for version in db.session.scalars(select(WorkflowVersion))]
    branches += [and_(Application.workflow_version_id.is_(None), Application.workflow == name,
                      Application.state.in_(_states(workflow, accepts)))
                 for name, workflow in all_workflows().items()]
    return or_(*branches)


def _states(workflow: Workflow, accepts: Callable[[State], bool]) -> list[str]:
    return [state.name for state in workflow.states.values() if accepts(state)]


# -- stranded applications ----------------------------------------------------------------------

@dataclass(frozen=True)
class Stranded:
    """Open applications, in one workflow and state, that the current definition could not carry on.
    Pinned ones still finish on their pinned rules: a warning. Blocking ones cannot move at all: unpinned
    rows follow the current definition, and a pinned version that no longer loads runs nothing."""

    workflow: str
    state: str
    count: int
    version_id: int | None
    reason: str
    blocking: bool

    def describe(self) -> str:
        rules = ("they cannot move" if self.blocking
                 else f"pinned to version {self.version_id}: they finish on those rules")
        return (f"{self.workflow}: {self.count} open application(s) in state '{self.state}' "
                f"{self.reason} ({rules})")


def _stuck_reason(state: str, workflow: Workflow | None) -> str | None:
    if workflow is None:
        return "whose workflow definition no longer exists"
    if state not in workflow.states:
        return "which no longer exists in the current definition"
    if not any(state in t.sources and t.to != state for t in workflow.transitions):
        return "which has no way forward in the current definition"
    return None


def _judge(state: str, version: WorkflowVersion | None, now: Workflow | None) -> tuple[str, bool] | None:
    """(reason, blocking) when applications of this workflow, version and state are stranded; else None."""
    if version is None:
        reason = _stuck_reason(state, now)
        return (reason + " and are not pinned", True) if reason else None
    try:
        pinned = workflow_for_version(version)
    except DefinitionError as error:
        return f"whose pinned version {version.id} no longer loads ({error.problems[0]})", True
    if state in pinned.states and pinned.states[state].terminal:
        return None  # finished
    if now is not None and now.source_hash == pinned.source_hash:
        return None  # on the current rules, which the definition check has judged
    reason = _stuck_reason(state, now)
    return (reason, False) if reason else None


def stranded_applications(current: dict[str, Workflow]) -> list[Stranded]:
    """Open applications whose state the `current` definitions (name -> Workflow) no longer continue from.
    Drafts are left out: they are pinned to the current definition again when submitted."""
    rows = db.session.execute(
        select(Application.workflow, Application.workflow_version_id, Application.state, func.count())
        .where(Application.state != INITIAL_STATE)
        .group_by(Application.workflow, Application.workflow_version_id, Application.state)
        .order_by(Application.workflow, Application.workflow_version_id, Application.state)).all()
    version_ids = {version_id for _, version_id, _, _ in rows if version_id is not None}
    versions = {v.id: v for v in db.session.scalars(
        select(WorkflowVersion).where(WorkflowVersion.id.in_(version_ids)))} if version_ids else {}
    found = []
    for name, version_id, state, count in rows:
        judged = _judge(state, versions.get(version_id), current.get(name))
        if judged is not None:
            found.append(Stranded(name, state, count, version_id, *judged))
    return found

"""workflow definitions pinned per application

Revision ID: 0003
Revises: 0002

Each application gets the version of its workflow definition it runs under (`workflow_versions`, one row
per definition and hash of its meaning). Existing applications are pinned here to the definitions as the
files stand at migration time (WORKFLOWS_DIR), so a later edit of a file no longer changes their rules.
An application whose definition file cannot be read now keeps NULL and follows the current definition,
as the portal does for any unpinned row.

The hash is computed as workflows.engine.definition_hash does (a migration never imports the project's
code): the portal then finds these rows for the unchanged files instead of recording them again.
"""
import hashlib
import json
import logging
import tomllib
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

FOREIGN_KEY = "fk_applications_workflow_version_id_workflow_versions"

workflow_versions = sa.table(
    "workflow_versions", sa.column("id", sa.Integer), sa.column("name", sa.String),
    sa.column("source", sa.Text), sa.column("source_hash", sa.String), sa.column("created_at", sa.DateTime))
applications = sa.table(
    "applications", sa.column("workflow", sa.String), sa.column("workflow_version_id", sa.Integer))


def _definitions_dir() -> Path:
    try:
        from flask import current_app
        return Path(current_app.config["WORKFLOWS_DIR"])
    except (ImportError, RuntimeError, KeyError):  # run outside the Flask CLI: the shipped definitions
        return Path(__file__).resolve().parents[2] / "workflows" / "definitions"


def _definition_hash(text: str) -> str:
    canonical = json.dumps(tomllib.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _pin_existing_applications(bind) -> None:
    directory = _definitions_dir()
    names = bind.execute(sa.select(applications.c.workflow).distinct()).scalars().all()
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # UTCDateTime stores naive UTC
    for name in sorted(names):
        try:
            text = (directory / f"{name}.toml").read_bytes().decode("utf-8")
            source_hash = _definition_hash(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            log.warning("workflow %r: %s; its applications stay unpinned (current definition)", name, error)
            continue
        bind.execute(workflow_versions.insert().values(
            name=name, source=text, source_hash=source_hash, created_at=now))
        version_id = bind.execute(sa.select(workflow_versions.c.id).where(
            workflow_versions.c.name == name, workflow_versions.c.source_hash == source_hash)).scalar_one()
        bind.execute(applications.update().where(applications.c.workflow == name)
                     .values(workflow_version_id=version_id))


def upgrade():
    op.create_table(
        "workflow_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_versions")),
        sa.UniqueConstraint("name", "source_hash", name="uq_workflow_versions_name_hash"),
    )
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("workflow_version_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(FOREIGN_KEY, "workflow_versions", ["workflow_version_id"], ["id"])
    if not op.get_context().as_sql:  # offline SQL scripts cannot read rows
        _pin_existing_applications(op.get_bind())


def downgrade():
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch.drop_column("workflow_version_id")
    op.drop_table("workflow_versions")

"""portal/frozen_rows.py: a process reads each service version and workflow version once; a new draft then
looks neither up; a rolled-back insert of one is forgotten."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.frozen_rows import forget, put_in_session
from portal.models import Service, ServiceVersion, WorkflowVersion
from tests.factories import make_application, seed_everything
from tests.operations.helpers import Statements


@pytest.fixture
def demo(app):
    return seed_everything(app, db)


def test_a_later_draft_reads_no_version_row(demo):
    for _ in range(2):  # the first records today's workflow version, the second reads it
        make_application(db, demo.citizen, submit=False)
        db.session.remove()  # a new request: an empty session
    with Statements() as statements:
        application = make_application(db, demo.citizen, submit=False)
    assert statements.reading("service_versions") == []
    assert statements.reading("workflow_versions") == []
    # ...and the rows it got are the real ones, complete (the deferred definition loads on use).
    version = db.session.get(ServiceVersion, application.service_version_id)
    assert version.definition["slug"] == "dang-ky-khai-sinh"
    assert application.workflow_version.source


def test_without_the_process_copy_the_rows_are_read(demo):
    for _ in range(2):
        make_application(db, demo.citizen, submit=False)
        db.session.remove()
    forget()
    with Statements() as statements:
        make_application(db, demo.citizen, submit=False)
    assert statements.reading("service_versions")  # the test above would catch a copy never used
    assert statements.reading("workflow_versions")


def test_a_rolled_back_version_is_forgotten(demo):
    service = db.session.execute(select(Service).where(Service.slug == "dang-ky-khai-sinh")).scalar_one()
    current = service.current
    phantom = ServiceVersion(service=service, version=current.version + 1, code=current.code, name="tạm",
                             authority=current.authority, intake=current.intake, workflow=current.workflow,
                             online_level=current.online_level, processing_days=current.processing_days,
                             definition=current.definition, source_hash="x" * 64)
    db.session.add(phantom)
    db.session.flush()
    phantom_id = phantom.id
    put_in_session(ServiceVersion, phantom_id)
    workflow_id = db.session.scalars(select(WorkflowVersion.id)).first()
    put_in_session(WorkflowVersion, workflow_id)
    db.session.rollback()
    db.session.remove()
    assert put_in_session(ServiceVersion, phantom_id) is None  # not kept: read again, and gone

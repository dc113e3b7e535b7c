"""An application runs under the workflow definition it started with: editing the file changes the rules for
new applications only. The edit below takes the approval step out of the commune workflow (the state
`awaiting_approval`, the hand-over to it and the return from it; the leader decides straight from
`processing`) while an application waits in that state; it still finishes on its old rules."""
import shutil
import tomllib

import pytest
import tomli_w
from sqlalchemy import func, select

from tests.factories import make_application
from tests.operations.helpers import COMMUNE_SERVICE, Api, desk_url, fresh, sign_in, staff

TH = "tam-hong"
GONE = "awaiting_approval"


@pytest.fixture
def definitions(app, monkeypatch, tmp_path):
    """The shipped definitions copied to a folder of the test's own, which the portal reads."""
    folder = tmp_path / "definitions"
    shutil.copytree(app.config["WORKFLOWS_DIR"], folder)
    monkeypatch.setitem(app.config, "WORKFLOWS_DIR", str(folder))
    return folder


@pytest.fixture
def api(client, db):
    return Api(client, db)


def _sources(transition) -> list[str]:
    return [transition["from"]] if isinstance(transition["from"], str) else list(transition["from"])


def without_approval_step(document: dict) -> dict:
    del document["states"][GONE]
    kept = []
    for transition in document["transitions"]:
        sources = [state for state in _sources(transition) if state != GONE]
        if transition["action"] in ("approve", "deny"):
            sources = ["processing"]
        if transition["to"] == GONE or not sources:
            continue  # submit_for_approval, return_to_handler, reschedule while awaiting approval
        transition["from"] = sources
        kept.append(transition)
    document["transitions"] = kept
    return document


def edit(folder, name, change):
    path = folder / f"{name}.toml"
    path.write_text(tomli_w.dumps(change(tomllib.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")


def reload(app):
    """What an operator does after editing a definition (a server process reads them when it starts)."""
    result = app.test_cli_runner().invoke(args=["workflows", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def check(app, *args):
    return app.test_cli_runner().invoke(args=["workflows", "check", *args])


def versions(db, name="commune"):
    from portal.models import WorkflowVersion
    return db.session.scalars(select(WorkflowVersion).where(WorkflowVersion.name == name)
                              .order_by(WorkflowVersion.id)).all()


def waiting_for_approval(db, demo, api):
    application = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    api.ok(staff("receiver", TH), application, "accept")
    api.ok(staff("handler", TH), application, "submit_for_approval")
    return fresh(db, application)


def test_an_application_finishes_on_the_rules_it_started_with(app, client, db, demo, api, definitions):
    old = waiting_for_approval(db, demo, api)
    first = old.workflow_version_id
    assert first is not None and versions(db)[0].id == first

    edit(definitions, "commune", without_approval_step)
    assert "recorded commune" in reload(app)
    new = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    assert fresh(db, new).workflow_version_id not in (None, first)
    assert fresh(db, old).workflow_version_id == first

    # The open application is reported, and still runs: its desk page, its actions, its end.
    report = check(app)
    assert report.exit_code == 0, report.output
    assert f"commune: 1 open application(s) in state '{GONE}' which no longer exists" in report.output
    assert check(app, "--strict").exit_code == 1
    sign_in(client, staff("receiver", TH))
    page = client.get(desk_url(old))
    assert page.status_code == 200 and "Chờ phê duyệt" in page.get_data(as_text=True)
    assert api.actions(staff("leader", TH), old) >= {"approve", "return_to_handler", "deny"}
    api.ok(staff("leader", TH), old, "return_to_handler", "Bổ sung ý kiến thẩm định.")
    api.ok(staff("handler", TH), old, "submit_for_approval")
    api.ok(staff("leader", TH), old, "approve")
    api.ok(staff("receiver", TH), old, "deliver")
    assert fresh(db, old).state == "completed"

    # The new application follows the new rules: no hand-over to the leader, who decides from processing.
    api.ok(staff("receiver", TH), new, "accept")
    assert "submit_for_approval" not in api.actions(staff("handler", TH), new)
    refused = api.fire(staff("handler", TH), new, "submit_for_approval")
    assert refused.status_code == 422 and refused.get_json()["code"] == "unknown_action"
    api.ok(staff("leader", TH), new, "approve")
    api.ok(staff("receiver", TH), new, "deliver")
    assert fresh(db, new).state == "completed"
    assert fresh(db, new).workflow_version_id != first

    done = check(app)
    assert done.exit_code == 0 and "workflows: OK" in done.output and "warning" not in done.output


def test_a_draft_is_submitted_under_the_definition_current_then(app, db, demo, definitions):
    from portal.operations import applications as ops
    draft = make_application(db, demo.citizen, COMMUNE_SERVICE, TH, submit=False)
    started = draft.workflow_version_id
    edit(definitions, "commune", without_approval_step)
    reload(app)
    ops.submit(draft, demo.citizen)
    db.session.commit()
    assert fresh(db, draft).workflow_version_id not in (None, started)
    assert fresh(db, draft).workflow_version_id == versions(db)[-1].id


def test_loading_records_a_version_only_when_the_meaning_changes(app, db, definitions):
    from portal.models import WorkflowVersion
    from portal.workflows_registry import all_workflows
    names = sorted(all_workflows())
    assert f"{len(names)} recorded, 0 unchanged" in reload(app)
    assert f"0 recorded, {len(names)} unchanged" in reload(app)
    # Comments, spacing and key order are not meaning.
    path = definitions / "commune.toml"
    path.write_text("# reviewed in December\n" + path.read_text(encoding="utf-8").replace(" = ", "  =  "),
                    encoding="utf-8")
    assert f"0 recorded, {len(names)} unchanged" in reload(app)
    edit(definitions, "commune", without_approval_step)
    assert "1 recorded" in reload(app)
    assert db.session.scalar(select(func.count()).select_from(WorkflowVersion)) == len(names) + 1
    first, second = versions(db)
    assert first.source_hash != second.source_hash and GONE not in tomllib.loads(second.source)["states"]


def test_a_pinned_version_is_parsed_once(app, db, demo, api, definitions):
    from portal.workflows_registry import workflow_for_version, workflow_of
    old = waiting_for_approval(db, demo, api)
    edit(definitions, "commune", without_approval_step)
    reload(app)
    pinned = workflow_of(fresh(db, old))
    assert GONE in pinned.states
    assert workflow_of(fresh(db, old)) is pinned
    assert workflow_for_version(versions(db)[0]) is pinned


def test_an_unpinned_application_follows_the_current_definition(app, db, demo, api, definitions):
    """Rows the migration could not pin (their file was missing) follow the current definition, so one left
    in a state that definition dropped cannot move: the check calls that an error."""
    from portal.workflows_registry import get_workflow, workflow_of
    old = waiting_for_approval(db, demo, api)
    old.workflow_version_id = None
    db.session.commit()
    assert workflow_of(fresh(db, old)) is get_workflow("commune")
    edit(definitions, "commune", without_approval_step)
    reload(app)
    report = check(app)
    assert report.exit_code == 1
    assert f"error: commune: 1 open application(s) in state '{GONE}'" in report.output
    assert "not pinned" in report.output


def test_check_leaves_out_drafts_and_finished_applications(app, db, demo, api, definitions):
    waiting = waiting_for_approval(db, demo, api)
    make_application(db, demo.citizen, COMMUNE_SERVICE, TH, submit=False)
    edit(definitions, "commune", without_approval_step)
    reload(app)
    assert "1 open application(s)" in check(app).output
    api.ok(staff("leader", TH), waiting, "approve")
    report = check(app)
    # result_ready survives the edit and still leads on: nothing is stranded any more.
    assert report.exit_code == 0 and "warning" not in report.output, report.output


def test_check_names_a_state_the_current_definition_cannot_leave(app, db, demo, api, definitions):
    """A state kept but made terminal: applications waiting there would have no way forward."""
    old = make_application(db, demo.citizen, COMMUNE_SERVICE, TH)
    api.ok(staff("receiver", TH), old, "accept")
    api.ok(staff("handler", TH), old, "submit_for_approval")
    api.ok(staff("leader", TH), old, "approve")  # result_ready

    def result_is_the_end(document):
        document["states"]["result_ready"]["terminal"] = True
        del document["states"]["completed"]  # only delivering the result led there
        document["transitions"] = [t for t in document["transitions"] if "result_ready" not in _sources(t)]
        return document

    edit(definitions, "commune", result_is_the_end)
    report = check(app)
    assert report.exit_code == 0, report.output
    assert "state 'result_ready' which has no way forward in the current definition" in report.output
    assert "pinned to version" in report.output


def test_the_deadline_sweep_reads_the_clock_of_the_pinned_definition(app, db, demo, api, definitions):
    """`awaiting_approval` runs the clock; gone from the current definition, it still does for the
    application pinned to a version that has it."""
    from datetime import timedelta

    from portal.staff.sla import flag_overdue
    from portal.timeutil import utcnow, vn_today
    late = waiting_for_approval(db, demo, api)
    late.due_date = vn_today() - timedelta(days=3)
    db.session.commit()
    edit(definitions, "commune", without_approval_step)
    reload(app)
    assert flag_overdue(vn_today(), utcnow()) == [late.id]

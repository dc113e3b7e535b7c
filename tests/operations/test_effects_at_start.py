"""Effects are checked when the portal starts, not when an application reaches the step: a definition naming
an effect nobody carries out stops create_app with the file, the transition and the effect; at run time a
missing handler is an error, never a skipped step."""
import shutil
import tomllib
from pathlib import Path

import pytest

import config
from portal import create_app
from portal.operations.effects import (EffectContext, MissingEffectHandler, merge_details, registered_effects,
                                       require_handlers, run_effects, unhandled_effects)
from workflows.engine import KNOWN_EFFECTS, DefinitionError, Transition, Workflow


def _first_transition_with(path: Path, effect: str) -> tuple[int, str]:
    transitions = tomllib.loads(path.read_text(encoding="utf-8"))["transitions"]
    return next((i, t["action"]) for i, t in enumerate(transitions) if effect in t.get("effects", []))


def test_a_typo_in_an_effect_stops_create_app_naming_file_transition_and_effect(app, tmp_path):
    folder = tmp_path / "definitions"
    shutil.copytree(app.config["WORKFLOWS_DIR"], folder)
    path = folder / "commune.toml"
    index, action = _first_transition_with(path, "issue_receipt")
    path.write_text(path.read_text(encoding="utf-8").replace('"issue_receipt"', '"isue_receipt"', 1),
                    encoding="utf-8")
    settings = config.TestConfig(tmp_path / "instance")
    settings.WORKFLOWS_DIR = str(folder)
    with pytest.raises(DefinitionError) as refused:
        create_app(settings)
    assert f"commune.toml: transitions[{index}] ({action}): unknown effect 'isue_receipt'" in str(refused.value)


def test_the_shipped_definitions_start(app, tmp_path):
    assert create_app(config.TestConfig(tmp_path / "instance")).config["WORKFLOWS_DIR"] == app.config["WORKFLOWS_DIR"]


def _faxing_workflow() -> Workflow:
    return Workflow("faxing", "Gửi fax", states={}, transitions=[
        Transition(action="submit", sources=("draft",), to="submitted", roles=("citizen",), at="applicant",
                   effects=("notify_citizen",)),
        Transition(action="accept", sources=("submitted",), to="processing", roles=("receiver",), at="current",
                   effects=("start_clock", "send_fax"))])


def test_an_effect_no_module_registers_is_named_with_its_file_and_transition(app):
    problems = unhandled_effects({"faxing": _faxing_workflow()})
    assert problems == ["faxing.toml: transitions[1] (accept): effect 'send_fax' has no handler "
                        "(no module in registry.EFFECT_MODULES registers it)"]
    with pytest.raises(MissingEffectHandler, match=r"faxing\.toml: transitions\[1\] \(accept\): effect 'send_fax'"):
        require_handlers({"faxing": _faxing_workflow()})


def test_every_effect_the_engine_accepts_has_a_handler_and_no_handler_is_unknown(app):
    assert registered_effects() == KNOWN_EFFECTS


def test_running_an_effect_without_a_handler_is_an_error(app):
    ctx = EffectContext(application=None, decision=None, actor=None, role="system", note="", inputs={},
                        now=None, calendar=None)
    with pytest.raises(MissingEffectHandler, match="send_fax"):
        run_effects(("send_fax",), ctx)


def test_details_returned_by_effects_add_up():
    details = {"payment_id": 7, "documents": [{"kind": "receipt"}]}
    merge_details(details, {"documents": [{"kind": "result"}], "due_date": "2026-12-01"})
    merge_details(details, None)
    assert details == {"payment_id": 7, "due_date": "2026-12-01",
                       "documents": [{"kind": "receipt"}, {"kind": "result"}]}

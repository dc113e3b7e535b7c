"""The shipped definitions, and the validator refusing each kind of bad definition by file and entry."""
import unicodedata

import pytest

from workflows import DEFINITIONS_DIR
from workflows.engine import (
    KNOWN_CONDITIONS, KNOWN_EFFECTS, KNOWN_ROLES, DefinitionError, check_definitions, load_definitions,
    load_workflow,
)

DESIGN_STATES = {
    "draft", "submitted", "supplement_requested", "processing", "forwarded", "awaiting_approval",
    "awaiting_payment", "result_ready", "completed", "refused", "denied", "withdrawn",
}
DESIGN_ACTIONS = {
    "submit", "accept", "request_supplement", "resubmit", "refuse", "forward", "accept_transfer",
    "submit_for_approval", "approve", "deny", "return_to_handler", "pay", "deliver", "withdraw", "reschedule",
}
# Added beside DESIGN.md's vocabulary ("extend freely"): the leader's approval of a new date (Circular 03/2025
# form 04 is signed by the head of the agency).
DESIGN_ACTIONS = DESIGN_ACTIONS | {"approve_reschedule"}
TRANSFER_ONLY = {"forward", "accept_transfer"}
# name: (label, portal_status, clock, terminal)
EXPECTED_STATES = {
    "draft": ("Nháp", 1, False, False),
    "submitted": ("Đã nộp", 1, False, False),
    "supplement_requested": ("Chờ bổ sung", 5, False, False),
    "processing": ("Đang xử lý", 4, True, False),
    "forwarded": ("Đã chuyển cấp trên", 4, True, False),
    "awaiting_approval": ("Chờ phê duyệt", 4, True, False),
    "awaiting_payment": ("Chờ thanh toán", 6, False, False),
    "result_ready": ("Có kết quả", 9, False, False),
    "completed": ("Đã trả kết quả", 10, False, True),
    "refused": ("Từ chối tiếp nhận", 3, False, True),
    "denied": ("Không chấp thuận", 8, False, True),
    "withdrawn": ("Đã rút", 7, False, True),
}


@pytest.fixture(scope="module")
def shipped():
    return load_definitions(DEFINITIONS_DIR)


# -- the shipped definitions --------------------------------------------------------------------

def test_the_three_definitions_load(shipped):
    assert set(shipped) == {"commune", "district", "commune-to-district"}
    assert check_definitions(DEFINITIONS_DIR) == []
    for name, workflow in shipped.items():
        assert workflow.name == name and workflow.initial == "draft" and workflow.title


def test_state_names_labels_and_codes(shipped):
    assert set(shipped["commune-to-district"].states) == DESIGN_STATES
    for name in ("commune", "district"):
        assert set(shipped[name].states) == DESIGN_STATES - {"forwarded"}
    for workflow in shipped.values():
        for state in workflow.states.values():
            seen = (state.label, state.portal_status, state.clock, state.terminal)
            assert seen == EXPECTED_STATES[state.name]


def test_action_names(shipped):
    assert set(shipped["commune-to-district"].action_names) == DESIGN_ACTIONS
    for name in ("commune", "district"):
        assert set(shipped[name].action_names) == DESIGN_ACTIONS - TRANSFER_ONLY


def test_commune_and_district_share_their_transitions(shipped):
    assert shipped["commune"].transitions == shipped["district"].transitions
    assert shipped["commune"].title != shipped["district"].title


def test_vocabulary_and_text(shipped):
    for workflow in shipped.values():
        for transition in workflow.transitions:
            assert set(transition.effects) <= KNOWN_EFFECTS
            assert set(transition.roles) <= KNOWN_ROLES
            assert {c.lstrip("!") for c in transition.conditions} <= KNOWN_CONDITIONS
            for text in (transition.label, workflow.title):
                assert text == unicodedata.normalize("NFC", text)


def test_liaison_returns_the_result_to_the_intake_desk(shipped):
    workflow = shipped["commune-to-district"]
    approve = next(t for t in workflow.transitions if t.action == "approve")
    assert "return_to_intake" in approve.effects
    forward = next(t for t in workflow.transitions if t.action == "forward")
    assert "move_to_deciding_unit" in forward.effects
    refuse_sources = {s for t in workflow.transitions if t.action == "refuse" for s in t.sources}
    assert refuse_sources == {"submitted", "forwarded"}
    withdraw = [t for t in workflow.transitions if t.action == "withdraw"]
    assert any("forwarded" in t.sources for t in withdraw)


# -- the validator ------------------------------------------------------------------------------

VALID = """\
title = "Quy trình thử"
title_en = "Test workflow"

[states.draft]
label = "Nháp"
label_en = "Draft"
clock = false
terminal = false
portal_status = 1

[states.processing]
label = "Đang xử lý"
label_en = "Processing"
clock = true
terminal = false
portal_status = 4

[states.completed]
label = "Đã trả kết quả"
label_en = "Completed"
clock = false
terminal = true
portal_status = 10

[[transitions]]
action = "submit"
from = "draft"
to = "processing"
roles = ["citizen"]
at = "applicant"
effects = ["start_clock"]
label = "Nộp hồ sơ"
label_en = "Submit"

[[transitions]]
action = "approve"
from = "processing"
to = "completed"
roles = ["leader"]
at = "current"
effects = ["decide", "complete"]
label = "Phê duyệt"
label_en = "Approve"
"""

EXTRA_STATE = """
[states.{name}]
label = "Trạng thái"
label_en = "State"
clock = false
terminal = {terminal}
portal_status = 2
"""

EXTRA_TRANSITION = """
[[transitions]]
action = "{action}"
from = "{source}"
to = "{to}"
roles = ["{role}"]
at = "{at}"
{extra}
label = "Thao tác"
label_en = "Action"
"""


def transition(action="approve", source="processing", to="completed", role="leader", at="current", extra=""):
    return EXTRA_TRANSITION.format(action=action, source=source, to=to, role=role, at=at, extra=extra)


def refused(tmp_path, text, name="bad.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_workflow(path)
    return str(caught.value)


def test_the_valid_base_loads(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(VALID, encoding="utf-8")
    workflow = load_workflow(path)
    assert workflow.name == "good" and len(workflow.transitions) == 2


def test_unknown_target_state(tmp_path):
    message = refused(tmp_path, VALID.replace('to = "completed"', 'to = "aproved"'), "commune.toml")
    assert message == "commune.toml: transitions[1] (approve): unknown state 'aproved'"


def test_unknown_source_state(tmp_path):
    message = refused(tmp_path, VALID.replace('from = "processing"', 'from = ["processing", "procesing"]'))
    assert "bad.toml: transitions[1] (approve): unknown state 'procesing'" in message


def test_unknown_role(tmp_path):
    message = refused(tmp_path, VALID.replace('roles = ["leader"]', 'roles = ["mayor"]'))
    assert message.startswith("bad.toml: transitions[1] (approve): unknown role 'mayor'")


def test_unknown_effect(tmp_path):
    message = refused(tmp_path, VALID.replace('"decide", "complete"]', '"decide", "print"]'))
    assert message == "bad.toml: transitions[1] (approve): unknown effect 'print'"


@pytest.mark.parametrize("condition", ["paid", "!!once", "!unknown"])
def test_unknown_condition(tmp_path, condition):
    message = refused(tmp_path, VALID + transition(extra=f'conditions = ["{condition}"]'))
    assert message.startswith(f"bad.toml: transitions[2] (approve): unknown condition '{condition}'")


def test_contradictory_conditions(tmp_path):
    message = refused(tmp_path, VALID.replace('effects = ["decide", "complete"]',
                                              'effects = ["decide"]\nconditions = ["once", "!once"]'))
    reason = "conditions 'once' and '!once' can never hold together"
    assert f"bad.toml: transitions[1] (approve): {reason}" in message


def test_unknown_required_input(tmp_path):
    message = refused(tmp_path, VALID.replace('effects = ["decide", "complete"]', 'requires = ["nte"]'))
    assert message.startswith("bad.toml: transitions[1] (approve): unknown input 'nte'")


def test_unreachable_state(tmp_path):
    text = VALID + EXTRA_STATE.format(name="forwarded", terminal="false") + transition(
        action="accept_transfer", source="forwarded", to="processing", role="receiver")
    assert refused(tmp_path, text) == "bad.toml: states.forwarded: unreachable from the initial state 'draft'"


def test_non_terminal_state_with_no_way_out(tmp_path):
    text = VALID + EXTRA_STATE.format(name="stuck", terminal="false") + transition(
        action="park", source="processing", to="stuck")
    assert refused(tmp_path, text) == "bad.toml: states.stuck: non-terminal state with no way out"


def test_state_that_only_loops_on_itself_has_no_way_out(tmp_path):
    text = (VALID + EXTRA_STATE.format(name="stuck", terminal="false")
            + transition(action="park", source="processing", to="stuck")
            + transition(action="reschedule", source="stuck", to="stuck"))
    assert refused(tmp_path, text) == "bad.toml: states.stuck: non-terminal state with no way out"


def test_states_that_never_reach_an_end(tmp_path):
    text = (VALID + EXTRA_STATE.format(name="ping", terminal="false")
            + EXTRA_STATE.format(name="pong", terminal="false")
            + transition(action="park", source="processing", to="ping")
            + transition(action="bounce", source="ping", to="pong")
            + transition(action="bounce", source="pong", to="ping"))
    message = refused(tmp_path, text)
    assert "bad.toml: states.ping: non-terminal state from which no terminal state can be reached" in message
    assert "bad.toml: states.pong: non-terminal state from which no terminal state can be reached" in message


def test_terminal_state_with_an_outgoing_transition(tmp_path):
    text = VALID + transition(action="reopen", source="completed", to="processing", role="receiver")
    message = refused(tmp_path, text)
    assert message == "bad.toml: transitions[2] (reopen): leaves the terminal state 'completed'"


def test_duplicate_transition(tmp_path):
    assert refused(tmp_path, VALID + transition()) == \
        "bad.toml: transitions[2] (approve): duplicate of transitions[1] (approve) from 'processing'"


def test_overlapping_transitions_without_exclusive_conditions(tmp_path):
    text = VALID + transition(to="processing", extra='conditions = ["once"]')
    message = refused(tmp_path, text)
    assert message.startswith("bad.toml: transitions[2] (approve): ambiguous with transitions[1] (approve)")


def test_exclusive_conditions_or_other_roles_may_share_an_action(tmp_path):
    text = (VALID.replace('effects = ["decide", "complete"]', 'conditions = ["!fee_due"]')
            + transition(extra='conditions = ["fee_due"]')
            + transition(role="system", at="any"))
    path = tmp_path / "fine.toml"
    path.write_text(text, encoding="utf-8")
    assert len(load_workflow(path).transitions) == 4


@pytest.mark.parametrize("status", [0, 11, -1])
def test_portal_status_outside_the_national_codes(tmp_path, status):
    message = refused(tmp_path, VALID.replace("portal_status = 4", f"portal_status = {status}"))
    assert message == f"bad.toml: states.processing: portal_status {status} is outside 1..10"


def test_missing_state_key(tmp_path):
    text = VALID.replace("clock = true\n", "")
    assert refused(tmp_path, text) == "bad.toml: states.processing: missing required key 'clock'"


def test_wrongly_typed_state_key(tmp_path):
    message = refused(tmp_path, VALID.replace("clock = true", 'clock = "yes"'))
    assert message == "bad.toml: states.processing: 'clock' must be true or false"
    message = refused(tmp_path, VALID.replace("portal_status = 4", "portal_status = true"))
    assert message == "bad.toml: states.processing: 'portal_status' must be an integer"


def test_missing_transition_key(tmp_path):
    message = refused(tmp_path, VALID.replace('to = "completed"\n', ""))
    assert message == "bad.toml: transitions[1] (approve): missing required key 'to'"


def test_missing_action_names_the_entry_by_index(tmp_path):
    message = refused(tmp_path, VALID.replace('action = "approve"\n', ""))
    assert message.startswith("bad.toml: transitions[1]: missing required key 'action'")


def test_missing_top_level_key(tmp_path):
    message = refused(tmp_path, VALID.replace('title = "Quy trình thử"\n', ""))
    assert message == "bad.toml: title: missing required key"


def test_misspelt_key(tmp_path):
    message = refused(tmp_path, VALID.replace('effects = ["decide", "complete"]', 'efects = ["decide"]'))
    assert message == "bad.toml: transitions[1] (approve): unknown key 'efects'"


def test_missing_initial_state(tmp_path):
    text = VALID.replace("[states.draft]", "[states.start]").replace('from = "draft"', 'from = "start"')
    assert "bad.toml: states: the initial state 'draft' is missing" in refused(tmp_path, text)


@pytest.mark.parametrize(("role", "at", "reason"), [
    ("citizen", "current", "the citizen role may only act at 'applicant'"),
    ("citizen", "any", "the citizen role may only act at 'applicant'"),
    ("receiver", "applicant", "at 'applicant' is only for the citizen role"),
    ("system", "current", "the system role may only act at 'any'"),
])
def test_role_and_relation_that_do_not_fit(tmp_path, role, at, reason):
    message = refused(tmp_path, VALID + transition(action="pay", role=role, at=at))
    assert f"bad.toml: transitions[2] (pay): {reason}" in message


def test_unknown_relation(tmp_path):
    message = refused(tmp_path, VALID.replace('at = "current"', 'at = "district"'))
    assert message.startswith("bad.toml: transitions[1] (approve): unknown 'at' value 'district'")


def test_toml_syntax_error(tmp_path):
    message = refused(tmp_path, VALID + "\n[[transitions]\n")
    assert message.startswith("bad.toml: syntax: ")


def test_every_problem_of_every_file_is_listed(tmp_path):
    (tmp_path / "good.toml").write_text(VALID, encoding="utf-8")
    one = VALID.replace('roles = ["leader"]', 'roles = ["mayor"]')
    two = VALID.replace("portal_status = 4", "portal_status = 12").replace('"complete"]', '"print"]')
    (tmp_path / "one.toml").write_text(one, encoding="utf-8")
    (tmp_path / "two.toml").write_text(two, encoding="utf-8")
    problems = check_definitions(tmp_path)
    assert [p.split(":")[0] for p in problems] == ["one.toml", "two.toml", "two.toml"]
    with pytest.raises(DefinitionError) as caught:
        load_definitions(tmp_path)
    assert caught.value.problems == problems
    assert str(caught.value) == "\n".join(problems)


def test_a_directory_without_definitions_is_a_problem(tmp_path):
    assert check_definitions(tmp_path) == [f"{tmp_path}: directory: no workflow definition (*.toml) found"]
    assert check_definitions(tmp_path / "missing") == [f"{tmp_path / 'missing'}: directory: not found"]
    with pytest.raises(DefinitionError):
        load_definitions(tmp_path)


def test_definitions_are_keyed_by_file_stem(tmp_path):
    (tmp_path / "ward.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a definition", encoding="utf-8")
    assert list(load_definitions(tmp_path)) == ["ward"]

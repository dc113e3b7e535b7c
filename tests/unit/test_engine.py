"""The engine on the shipped definitions: what each role may fire, and why a refused action is refused."""
import unicodedata
from datetime import date

import pytest

from workflows import DEFINITIONS_DIR
from workflows.engine import Decision, Facts, NotAllowed, load_workflow

AT_UNIT = frozenset({"current", "any"})       # staff of the application's current unit
ELSEWHERE = frozenset({"any"})                # staff of another unit, or the system
APPLICANT = frozenset({"applicant", "any"})   # the citizen who applied
RUNNING = Facts(received=True, working_days_left=3)


@pytest.fixture(scope="module")
def commune():
    return load_workflow(DEFINITIONS_DIR / "commune.toml")


@pytest.fixture(scope="module")
def liaison():
    return load_workflow(DEFINITIONS_DIR / "commune-to-district.toml")


def names(transitions):
    return sorted(t.action for t in transitions)


def refusal(workflow, state, action, role, relations, facts=RUNNING, inputs=None):
    with pytest.raises(NotAllowed) as caught:
        workflow.decide(state, action, role, relations, facts, inputs or {})
    error = caught.value
    assert error.message.strip() and error.message == unicodedata.normalize("NFC", error.message)
    return error


# -- actions() ----------------------------------------------------------------------------------

def test_citizen_submits_own_draft_only(commune):
    assert names(commune.actions("draft", "citizen", APPLICANT, Facts())) == ["submit"]
    assert commune.actions("draft", "citizen", ELSEWHERE, Facts()) == []
    assert commune.actions("draft", "receiver", AT_UNIT, Facts()) == []


def test_receiver_at_the_desk_of_a_submitted_application(commune):
    offered = commune.actions("submitted", "receiver", AT_UNIT, Facts())
    assert names(offered) == ["accept", "refuse", "request_supplement"]
    accept = next(t for t in offered if t.action == "accept")
    assert accept.to == "processing" and accept.label == "Tiếp nhận hồ sơ"
    assert commune.actions("submitted", "receiver", ELSEWHERE, Facts()) == []
    assert commune.actions("submitted", "handler", AT_UNIT, Facts()) == []


def test_one_entry_per_action_even_when_several_transitions_match(commune):
    offered = commune.actions("submitted", "receiver", AT_UNIT, Facts(fee_due=True))
    assert names(offered) == ["accept", "refuse", "request_supplement"]
    assert next(t for t in offered if t.action == "accept").to == "awaiting_payment"


def test_handler_leader_and_citizen_while_processing(commune):
    assert names(commune.actions("processing", "handler", AT_UNIT, RUNNING)) == [
        "request_supplement", "reschedule", "submit_for_approval"]
    assert names(commune.actions("processing", "leader", AT_UNIT, RUNNING)) == ["reschedule"]
    assert names(commune.actions("processing", "citizen", APPLICANT, RUNNING)) == ["withdraw"]
    assert commune.actions("processing", "handler", ELSEWHERE, RUNNING) == []


def test_leader_decides_awaiting_approval(commune):
    assert names(commune.actions("awaiting_approval", "leader", AT_UNIT, RUNNING)) == [
        "approve", "deny", "reschedule", "return_to_handler"]


def test_payment_by_the_desk_or_the_gateway(commune):
    facts = Facts(received=True, fee_due=True)
    assert names(commune.actions("awaiting_payment", "receiver", AT_UNIT, facts)) == ["pay"]
    assert names(commune.actions("awaiting_payment", "system", ELSEWHERE, facts)) == ["pay"]
    # A desk of another unit cannot confirm a payment it did not take.
    assert commune.actions("awaiting_payment", "receiver", ELSEWHERE, facts) == []


def test_result_collected_at_the_desk_or_online_for_level_4(commune):
    assert names(commune.actions("result_ready", "receiver", AT_UNIT, RUNNING)) == ["deliver"]
    assert commune.actions("result_ready", "citizen", APPLICANT, Facts(received=True, online_level=3)) == []
    online = commune.actions("result_ready", "citizen", APPLICANT, Facts(received=True, online_level=4))
    assert names(online) == ["deliver"] and online[0].label == "Nhận kết quả trực tuyến"


def test_terminal_states_offer_nothing(commune):
    for state in ("completed", "refused", "denied", "withdrawn"):
        for role in ("citizen", "receiver", "handler", "leader", "system"):
            assert commune.actions(state, role, AT_UNIT | APPLICANT, RUNNING) == []


def test_unknown_state_or_role_offers_nothing(commune):
    assert commune.actions("archived", "receiver", AT_UNIT, RUNNING) == []
    assert commune.actions("processing", "admin", AT_UNIT, RUNNING) == []


# -- decide(): the happy path -------------------------------------------------------------------

def test_decision_carries_the_transition_and_its_effects(commune):
    decision = commune.decide("awaiting_approval", "approve", "leader", AT_UNIT, RUNNING, {})
    assert isinstance(decision, Decision)
    assert decision.action == "approve"
    assert (decision.from_state, decision.to_state) == ("awaiting_approval", "result_ready")
    assert decision.effects == ("decide", "issue_result", "record_handover", "notify_citizen")
    assert decision.transition.roles == ("leader",)


def test_fee_due_decides_where_accept_leads(commune):
    free = commune.decide("submitted", "accept", "receiver", AT_UNIT, Facts(), {})
    assert free.to_state == "processing"
    assert "stop_clock" not in free.effects and "start_clock" in free.effects
    paying = commune.decide("submitted", "accept", "receiver", AT_UNIT, Facts(fee_due=True), {})
    assert paying.to_state == "awaiting_payment"
    assert paying.effects[:2] == ("start_clock", "stop_clock")


def test_resubmit_goes_back_to_the_desk_or_to_processing(commune):
    before = commune.decide("supplement_requested", "resubmit", "citizen", APPLICANT, Facts(), {})
    assert before.to_state == "submitted" and "resume_clock" not in before.effects
    after = commune.decide("supplement_requested", "resubmit", "citizen", APPLICANT, Facts(received=True), {})
    assert after.to_state == "processing" and "resume_clock" in after.effects


def test_reschedule_stays_in_place(commune):
    inputs = {"note": "Cần xác minh thêm", "new_due_date": date(2026, 12, 10)}
    for state in ("processing", "awaiting_approval"):
        decision = commune.decide(state, "reschedule", "handler", AT_UNIT, RUNNING, inputs)
        assert decision.to_state == state
        assert decision.effects == ("record_reschedule_request",)  # a request: the leader approves it
        requested = Facts(received=True, working_days_left=3, fired={"reschedule": 1})
        approval = commune.decide(state, "approve_reschedule", "leader", AT_UNIT, requested, {"note": ""})
        assert approval.to_state == state
        assert approval.effects == ("take_reschedule_request", "set_new_due_date", "issue_apology",
                                    "notify_citizen")


def test_approve_reschedule_needs_a_pending_request(commune):
    error = refusal(commune, "processing", "approve_reschedule", "leader", AT_UNIT, RUNNING, {"note": ""})
    assert error.code == "condition" and "đề nghị gia hạn" in error.message
    assert refusal(commune, "processing", "approve_reschedule", "handler", AT_UNIT,
                   Facts(received=True, working_days_left=3, fired={"reschedule": 1}),
                   {"note": ""}).code == "wrong_role"


def test_received_withdrawal_issues_the_stop_notice(commune):
    cases = ((Facts(), ()), (RUNNING, ("issue_stop_notice",)))
    for facts, notice in cases:
        decision = commune.decide("supplement_requested", "withdraw", "citizen", {"applicant"}, facts,
                                  {"note": ""})
        assert tuple(e for e in decision.effects if e == "issue_stop_notice") == notice


# -- decide(): each refusal code ----------------------------------------------------------------

def test_unknown_action(commune):
    assert refusal(commune, "processing", "forward", "handler", AT_UNIT).code == "unknown_action"
    assert refusal(commune, "processing", "", "handler", AT_UNIT).code == "unknown_action"


def test_wrong_state(commune):
    error = refusal(commune, "draft", "approve", "leader", AT_UNIT)
    assert error.code == "wrong_state"
    assert "«Phê duyệt»" in error.message and "«Nháp»" in error.message
    assert refusal(commune, "archived", "approve", "leader", AT_UNIT).code == "wrong_state"


def test_wrong_role(commune):
    error = refusal(commune, "awaiting_approval", "approve", "handler", AT_UNIT)
    assert error.code == "wrong_role"
    assert refusal(commune, "submitted", "accept", "citizen", APPLICANT).code == "wrong_role"


def test_wrong_unit_for_staff_and_for_citizens(commune):
    staff = refusal(commune, "awaiting_approval", "approve", "leader", ELSEWHERE)
    assert staff.code == "wrong_unit" and "đơn vị" in staff.message
    stranger = refusal(commune, "processing", "withdraw", "citizen", ELSEWHERE)
    assert stranger.code == "wrong_unit" and "người nộp hồ sơ" in stranger.message


def test_condition_level4_for_online_delivery(commune):
    level3 = Facts(received=True, online_level=3)
    error = refusal(commune, "result_ready", "deliver", "citizen", APPLICANT, level3)
    assert error.code == "condition" and "trực tuyến" in error.message


def test_supplement_request_only_once(commune):
    inputs = {"note": "Thiếu bản sao giấy khai sinh"}
    first = commune.decide("processing", "request_supplement", "handler", AT_UNIT, RUNNING, inputs)
    assert first.to_state == "supplement_requested" and "stop_clock" in first.effects
    again = Facts(received=True, working_days_left=3, fired={"request_supplement": 1})
    error = refusal(commune, "processing", "request_supplement", "handler", AT_UNIT, again, inputs)
    assert error.code == "condition" and "một lần" in error.message
    assert "request_supplement" not in names(commune.actions("processing", "handler", AT_UNIT, again))
    # Other actions having been fired does not count against this one.
    other = Facts(received=True, fired={"reschedule": 1})
    assert commune.decide("processing", "request_supplement", "handler", AT_UNIT, other, inputs)


def test_reschedule_only_once(commune):
    inputs = {"note": "Chờ kết quả xác minh", "new_due_date": "2026-12-10"}
    facts = Facts(received=True, working_days_left=3, fired={"reschedule": 1})
    assert refusal(commune, "processing", "reschedule", "leader", AT_UNIT, facts, inputs).code == "condition"


@pytest.mark.parametrize(("left", "allowed"), [(5, True), (1, True), (0, False), (-2, False), (None, False)])
def test_reschedule_at_least_one_working_day_before_due(commune, left, allowed):
    facts = Facts(received=True, working_days_left=left)
    inputs = {"note": "Chờ kết quả xác minh", "new_due_date": "2026-12-10"}
    assert ("reschedule" in names(commune.actions("processing", "receiver", AT_UNIT, facts))) is allowed
    if allowed:
        decision = commune.decide("processing", "reschedule", "receiver", AT_UNIT, facts, inputs)
        assert decision.to_state == "processing"
    else:
        error = refusal(commune, "processing", "reschedule", "receiver", AT_UNIT, facts, inputs)
        assert error.code == "condition"
        assert ("ngày hẹn trả" in error.message)


def test_missing_note(commune):
    for inputs in ({}, {"note": ""}, {"note": "   \n"}, {"note": None}):
        error = refusal(commune, "submitted", "refuse", "receiver", AT_UNIT, Facts(), inputs)
        assert error.code == "missing_input" and error.field == "note"
    note = {"note": "Không thuộc thẩm quyền"}
    error = refusal(commune, "submitted", "refuse", "receiver", AT_UNIT, Facts(), note)
    assert error.code == "missing_input" and error.field == "legal_basis"  # form 03 cites the provision
    note["legal_basis"] = "Điều 9 Nghị định số 118/2025/NĐ-CP"
    assert commune.decide("submitted", "refuse", "receiver", AT_UNIT, Facts(), note).to_state == "refused"


def test_missing_new_due_date(commune):
    note_only = {"note": "Chờ xác minh"}
    error = refusal(commune, "processing", "reschedule", "handler", AT_UNIT, RUNNING, note_only)
    assert error.code == "missing_input" and error.field == "new_due_date"
    assert "ngày hẹn trả mới" in error.message


def test_no_inputs_needed_when_none_required(commune):
    assert commune.decide("processing", "submit_for_approval", "handler", AT_UNIT, RUNNING, {}).to_state == \
        "awaiting_approval"
    assert commune.decide("processing", "submit_for_approval", "handler", AT_UNIT, RUNNING, None)


def test_most_specific_code_wins(commune):
    # Wrong unit is reported before the failed condition and the missing note.
    spent = Facts(received=True, fired={"request_supplement": 1})
    error = refusal(commune, "processing", "request_supplement", "handler", ELSEWHERE, spent)
    assert error.code == "wrong_unit"
    # A failed condition is reported before a missing input: filling the form would not help.
    assert refusal(commune, "processing", "request_supplement", "handler", AT_UNIT, spent).code == "condition"


# -- liên thông ---------------------------------------------------------------------------------

def test_commune_forwards_and_may_not_decide(liaison):
    at_commune = Facts(received=True, working_days_left=5)
    offered = names(liaison.actions("processing", "handler", AT_UNIT, at_commune))
    assert "forward" in offered and "submit_for_approval" not in offered
    error = refusal(liaison, "processing", "submit_for_approval", "handler", AT_UNIT, at_commune)
    assert error.code == "condition"
    forward = liaison.decide("processing", "forward", "receiver", AT_UNIT, at_commune, {})
    assert forward.to_state == "forwarded"
    assert forward.effects == ("move_to_deciding_unit", "record_handover", "notify_citizen")


def test_district_accepts_the_transfer_then_decides(liaison):
    forwarded = Facts(received=True, working_days_left=4, fired={"forward": 1})
    assert names(liaison.actions("forwarded", "receiver", AT_UNIT, forwarded)) == [
        "accept_transfer", "refuse", "reschedule"]
    accepted = liaison.decide("forwarded", "accept_transfer", "receiver", AT_UNIT, forwarded, {})
    assert accepted.to_state == "processing"
    assert accepted.effects == ("set_step_due", "record_handover", "notify_citizen")

    at_district = Facts(received=True, working_days_left=3, fired={"forward": 1, "accept_transfer": 1})
    offered = names(liaison.actions("processing", "handler", AT_UNIT, at_district))
    assert "submit_for_approval" in offered and "forward" not in offered
    assert refusal(liaison, "processing", "forward", "handler", AT_UNIT, at_district).code == "condition"

    approve = liaison.decide("awaiting_approval", "approve", "leader", AT_UNIT, at_district, {})
    assert approve.to_state == "result_ready" and "return_to_intake" in approve.effects
    reason = {"note": "Không đủ điều kiện"}
    deny = liaison.decide("awaiting_approval", "deny", "leader", AT_UNIT, at_district, reason)
    assert deny.to_state == "denied" and "complete" in deny.effects and "return_to_intake" not in deny.effects


def test_citizen_may_withdraw_a_forwarded_application(liaison):
    decision = liaison.decide("forwarded", "withdraw", "citizen", APPLICANT, RUNNING, {})
    assert decision.to_state == "withdrawn"


# -- the data classes ---------------------------------------------------------------------------

def test_state_lookup(commune):
    processing = commune.state("processing")
    assert (processing.label, processing.clock, processing.portal_status) == ("Đang xử lý", True, 4)
    with pytest.raises(KeyError):
        commune.state("forwarded")
    assert commune.initial == "draft" and commune.name == "commune"


def test_facts_defaults_are_empty_and_immutable():
    facts = Facts()
    assert facts.fired == {} and facts.working_days_left is None and facts.online_level == 3
    with pytest.raises(TypeError):
        facts.fired["submit"] = 1

"""The workflow engine: which actions a role may fire on an application, and what firing one does.

A workflow is a TOML file in `workflows/definitions/`; its name is the file stem. The engine is
pure Python: the portal feeds it plain data (state, role, the actor's relation to the
application, a few facts) and applies the `Decision` it returns (effects, new state).

Definition format
-----------------

    title = "Tiếp nhận và giải quyết tại cấp xã"        # required, Vietnamese
    title_en = "Received and decided at the commune"      # required
    description = "..."                                   # optional

    [states.processing]          # one table per state; the initial state is always `draft`
    label = "Đang xử lý"         # Vietnamese label shown to users
    label_en = "Processing"
    clock = true                 # the due-date clock runs while the application is here
    terminal = false             # terminal states have no outgoing transition
    portal_status = 4            # national portal status code, 1..10

    [[transitions]]
    action = "approve"           # the action name the portal fires
    from = "awaiting_approval"   # a state or a list of states
    to = "result_ready"
    roles = ["leader"]           # citizen | receiver | handler | leader | system
    at = "current"               # current | applicant | any (see below)
    effects = ["decide", "issue_result", "notify_citizen"]     # optional, KNOWN_EFFECTS
    conditions = ["once", "!fee_due"]                          # optional, KNOWN_CONDITIONS, `!` negates
    requires = ["note"]                                        # optional, KNOWN_INPUTS
    label = "Phê duyệt"
    label_en = "Approve"

`at` names the relation the actor must have to the application, as computed by the portal:
`current` (the actor works at the application's current unit), `applicant` (the actor is the
applicant) or `any`. A citizen may only act as the applicant, `applicant` is only for citizens,
and the `system` role (no unit, no person) only acts `at = "any"`.

Several transitions may share an action and a source state when no role could satisfy both at
once: different roles, or conditions that exclude each other (`fee_due` / `!fee_due`).

Conditions are evaluated against `Facts`:
`received` (the application was accepted and its clock started), `fee_due` (a fee is still to
be paid), `level4` (online level 4: paid and delivered online), `once` (this action was never
fired on the application), `before_due` (at least one working day is left before the due
date), `transferred` (the deciding level accepted the transfer: `accept_transfer` was fired),
`reschedule_requested` (a `reschedule` request waits for the leader's `approve_reschedule`),
`once_per_unit` (this action was never fired by the unit the application is at now: in a liên thông
application the commune and the district or department may each do it once; `Facts.fired_here`).

Problems are reported as "<file name>: <entry>: <reason>", with entries such as `title`,
`states.processing` or `transitions[3] (approve)`; transitions are counted from 0 in the order
they appear in the file.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

KNOWN_ROLES = frozenset({"citizen", "receiver", "handler", "leader", "system"})
KNOWN_RELATIONS = frozenset({"current", "applicant", "any"})
KNOWN_CONDITIONS = frozenset({"received", "fee_due", "level4", "once", "before_due", "transferred",
                              "reschedule_requested", "once_per_unit"})
KNOWN_INPUTS = frozenset({"note", "new_due_date", "legal_basis"})
KNOWN_EFFECTS = frozenset({
    "start_clock", "stop_clock", "resume_clock", "set_new_due_date", "set_step_due",
    "move_to_parent", "move_to_deciding_unit", "return_to_intake", "decide", "complete", "record_handover",
    "issue_receipt", "issue_supplement_request", "issue_refusal", "issue_apology", "issue_result",
    "issue_denial", "issue_payment_receipt", "notify_citizen",
    "issue_stop_notice", "record_reschedule_request", "take_reschedule_request",
})
INITIAL_STATE = "draft"

_STATE_KEYS = {"label": str, "label_en": str, "clock": bool, "terminal": bool, "portal_status": int}
_TRANSITION_REQUIRED = ("action", "from", "to", "roles", "at", "label", "label_en")
_TRANSITION_OPTIONAL = ("effects", "conditions", "requires")
_TOP_REQUIRED = ("title", "title_en", "states", "transitions")
_TOP_OPTIONAL = ("description",)


class DefinitionError(Exception):
    """A workflow definition the engine refuses; `problems` lists every reason found."""

    def __init__(self, problems: str | Iterable[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class NotAllowed(Exception):
    """An action the actor may not fire now: `message` is for the user, `field` names a missing input."""

    CODES = frozenset({
        "unknown_action", "wrong_state", "wrong_role", "wrong_unit", "condition", "missing_input"})

    def __init__(self, code: str, message: str, field: str | None = None):
        assert code in self.CODES, code
        self.code = code
        self.message = message
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class State:
    name: str
    label: str
    label_en: str
    clock: bool
    terminal: bool
    portal_status: int


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    to: str
    roles: tuple[str, ...]
    at: str
    effects: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    label: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class Facts:
    received: bool = False
    fee_due: bool = False
    online_level: int = 3
    fired: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    working_days_left: int | None = None
    # Actions fired by the unit where the application is now (each agency's own count, `once_per_unit`).
    fired_here: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Decision:
    action: str
    from_state: str
    to_state: str
    effects: tuple[str, ...]
    transition: Transition


# -- conditions ---------------------------------------------------------------------------------

def _condition_holds(condition: str, action: str, facts: Facts) -> bool:
    negated = condition.startswith("!")
    name = condition.lstrip("!")
    if name == "received":
        value = facts.received
    elif name == "fee_due":
        value = facts.fee_due
    elif name == "level4":
        value = facts.online_level == 4
    elif name == "once_per_unit":
        value = facts.fired_here.get(action, 0) == 0
    elif name == "once":
        value = facts.fired.get(action, 0) == 0
    elif name == "before_due":
        value = facts.working_days_left is not None and facts.working_days_left >= 1
    elif name == "transferred":
        value = facts.fired.get("accept_transfer", 0) > 0
    elif name == "reschedule_requested":
        # Circular 03/2025 form 04 is signed by the head of the agency: a request waits for its approval.
        value = facts.fired.get("reschedule", 0) > facts.fired.get("approve_reschedule", 0)
    else:
        raise ValueError(f"unknown condition {condition!r}")
    return value != negated


def _conditions_hold(transition: Transition, facts: Facts) -> bool:
    return all(_condition_holds(c, transition.action, facts) for c in transition.conditions)


def _condition_message(condition: str, transition: Transition, facts: Facts) -> str:
    label = transition.label
    if condition == "once_per_unit" and transition.action == "request_supplement":
        return ("Mỗi cơ quan chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ một lần (Nghị định số "
                "61/2018/NĐ-CP, đã được sửa đổi, bổ sung): đơn vị của bạn đã yêu cầu bổ sung hồ sơ này.")
    if condition == "once_per_unit":
        return f"Thao tác «{label}» chỉ được mỗi cơ quan thực hiện một lần và đơn vị của bạn đã thực hiện."
    if condition == "once":
        return f"Thao tác «{label}» chỉ được thực hiện một lần đối với mỗi hồ sơ và đã được thực hiện."
    if condition == "before_due":
        if facts.working_days_left is None:
            return f"Hồ sơ chưa có ngày hẹn trả nên chưa thể thực hiện «{label}»."
        return (f"Chỉ được thực hiện «{label}» chậm nhất một ngày làm việc trước ngày hẹn trả; "
                "thời hạn này đã qua.")
    messages = {
        "received": "Hồ sơ chưa được tiếp nhận.",
        "!received": "Hồ sơ đã được tiếp nhận.",
        "fee_due": "Hồ sơ không có khoản phí, lệ phí nào phải nộp.",
        "!fee_due": "Hồ sơ còn phí, lệ phí chưa nộp.",
        "level4": "Dịch vụ này không cung cấp kết quả trực tuyến; vui lòng nhận kết quả tại bộ phận một cửa.",
        "!level4": "Dịch vụ này trả kết quả trực tuyến.",
        "!once": f"Thao tác «{label}» chưa được thực hiện lần nào.",
        "!before_due": "Hồ sơ vẫn còn trong hạn giải quyết.",
        "transferred": "Hồ sơ liên thông phải được cấp trên tiếp nhận trước khi thực hiện thao tác này.",
        "!transferred": "Hồ sơ đã được cấp trên tiếp nhận.",
        "reschedule_requested": "Không có đề nghị gia hạn nào đang chờ lãnh đạo phê duyệt.",
        "!reschedule_requested": "Đề nghị gia hạn đang chờ lãnh đạo phê duyệt.",
    }
    return messages.get(condition, f"Hồ sơ chưa đủ điều kiện để thực hiện «{label}».")


_INPUT_MESSAGES = {
    "note": "Vui lòng nhập nội dung (lý do) cho thao tác «{label}».",
    "new_due_date": "Vui lòng chọn ngày hẹn trả mới.",
    "legal_basis": "Vui lòng nêu căn cứ pháp lý (điều, khoản, văn bản quy định) của việc từ chối.",
}


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return not value
    return False


# -- the workflow -------------------------------------------------------------------------------

class Workflow:
    initial = INITIAL_STATE

    def __init__(self, name: str, title: str, states: dict[str, State], transitions: Iterable[Transition],
                 title_en: str = "", description: str = "", source: str = "", source_hash: str = ""):
        self.name = name
        self.title = title
        self.title_en = title_en
        self.description = description
        self.states = dict(states)
        self.transitions = tuple(transitions)
        # The definition text it was read from and the hash of its meaning: the portal stores one
        # version per hash, and applications keep the version they started under.
        self.source = source
        self.source_hash = source_hash

    def __repr__(self) -> str:
        return f"<Workflow {self.name}: {len(self.states)} states, {len(self.transitions)} transitions>"

    def state(self, name: str) -> State:
        try:
            return self.states[name]
        except KeyError:
            raise KeyError(f"workflow {self.name!r} has no state {name!r}") from None

    @property
    def action_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.action for t in self.transitions))

    def action_label(self, action: str) -> str:
        for transition in self.transitions:
            if transition.action == action:
                return transition.label
        return action

    def roles_waited_for(self, state: str) -> frozenset[str]:
        """Whose move it is when an application is in `state` at a unit: the roles having a way out of it
        (a transition to another state, fired at the current unit) that is theirs alone, as `approve` is the
        leader's while others may also ask for a new date; when no way out belongs to one role alone,
        every role having one."""
        ways_out = [t for t in self.transitions if state in t.sources and t.to != state and t.at == "current"]
        own = {t.roles[0] for t in ways_out if len(t.roles) == 1}
        return frozenset(own or {role for t in ways_out for role in t.roles})

    def states_waiting_for(self, role: str) -> tuple[str, ...]:
        """The states in which an application waits for `role` at its current unit, in declaration order."""
        return tuple(name for name in self.states if role in self.roles_waited_for(name))

    def actions(self, state: str, role: str, relations: Iterable[str], facts: Facts) -> list[Transition]:
        relations = frozenset(relations)
        found: dict[str, Transition] = {}
        for transition in self.transitions:
            if (transition.action not in found and state in transition.sources and role in transition.roles
                    and transition.at in relations and _conditions_hold(transition, facts)):
                found[transition.action] = transition
        return list(found.values())

    def decide(self, state: str, action: str, role: str, relations: Iterable[str], facts: Facts,
               inputs: Mapping[str, object] | None = None) -> Decision:
        relations = frozenset(relations)
        inputs = inputs or {}
        named = [t for t in self.transitions if t.action == action]
        if not named:
            raise NotAllowed("unknown_action", "Thao tác này không có trong quy trình giải quyết hồ sơ.")
        label = named[0].label
        here = [t for t in named if state in t.sources]
        if not here:
            state_label = self.states[state].label if state in self.states else state
            raise NotAllowed("wrong_state",
                             f"Không thể thực hiện «{label}» khi hồ sơ đang ở trạng thái «{state_label}».")
        mine = [t for t in here if role in t.roles]
        if not mine:
            raise NotAllowed("wrong_role",
                             f"Vai trò của bạn không được thực hiện «{label}» đối với hồ sơ này.")
        placed = [t for t in mine if t.at in relations]
        if not placed:
            if mine[0].at == "applicant":
                message = f"Chỉ người nộp hồ sơ mới được thực hiện «{label}»."
            else:
                message = (f"Hồ sơ hiện không do đơn vị của bạn giải quyết "
                           f"nên bạn không thể thực hiện «{label}».")
            raise NotAllowed("wrong_unit", message)
        allowed = [t for t in placed if _conditions_hold(t, facts)]
        if not allowed:
            first = placed[0]
            failing = next(c for c in first.conditions if not _condition_holds(c, first.action, facts))
            raise NotAllowed("condition", _condition_message(failing, first, facts))
        transition = allowed[0]
        for name in transition.requires:
            if _is_blank(inputs.get(name)):
                template = _INPUT_MESSAGES.get(name, "Vui lòng nhập đủ thông tin cho thao tác «{label}».")
                raise NotAllowed("missing_input", template.format(label=transition.label), field=name)
        return Decision(action=action, from_state=state, to_state=transition.to,
                        effects=transition.effects, transition=transition)


# -- loading and validation ---------------------------------------------------------------------

def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _string_list(value: object) -> tuple[str, ...] | None:
    """A string or a list of strings as a tuple; None when it is neither."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _type_name(kind: type) -> str:
    return {str: "a string", bool: "true or false", int: "an integer"}[kind]


class _Parser:
    """Turns one parsed TOML document into a Workflow, collecting every problem on the way."""

    def __init__(self, file_name: str, document: dict):
        self.file = file_name
        self.document = document
        self.problems: list[str] = []
        # The graph is only judged when every state and transition could be read: otherwise one
        # typo would also be reported as a dozen unreachable or stuck states.
        self.graph_complete = True
        self.declared_states: set[str] = set()

    def problem(self, entry: str, reason: str) -> None:
        self.problems.append(f"{self.file}: {entry}: {reason}")

    def parse(self) -> tuple[dict[str, State], list[Transition]]:
        doc = self.document
        for key in _TOP_REQUIRED:
            if key not in doc:
                self.problem(key, "missing required key")
        for key in doc:
            if key not in _TOP_REQUIRED and key not in _TOP_OPTIONAL:
                self.problem(key, "unknown key")
        for key in ("title", "title_en", "description"):
            if key in doc and (not isinstance(doc[key], str) or not doc[key].strip()):
                self.problem(key, "must be a non-empty string")
        states = self.parse_states(doc.get("states", {}))
        entries = self.parse_transitions(doc.get("transitions", []), states)
        transitions = [t for _, t in entries]
        if INITIAL_STATE not in states and "states" in doc:
            self.problem("states", f"the initial state '{INITIAL_STATE}' is missing")
        if self.graph_complete:
            self.check_graph(states, entries)
        self.check_overlaps(entries)
        return states, transitions

    def parse_states(self, raw: object) -> dict[str, State]:
        if not isinstance(raw, dict):
            self.problem("states", "must be a table of state tables ([states.<name>])")
            return {}
        if not raw:
            self.problem("states", "no state defined")
        states = {}
        self.declared_states = set(raw)
        for name, table in raw.items():
            entry = f"states.{name}"
            if not isinstance(table, dict):
                self.problem(entry, "must be a table")
                self.graph_complete = False
                continue
            ok = True
            for key, kind in _STATE_KEYS.items():
                if key not in table:
                    self.problem(entry, f"missing required key '{key}'")
                    ok = False
                elif type(table[key]) is not kind:
                    self.problem(entry, f"'{key}' must be {_type_name(kind)}")
                    ok = False
            for key in table:
                if key not in _STATE_KEYS:
                    self.problem(entry, f"unknown key '{key}'")
            if not ok:
                self.graph_complete = False
                continue
            if not 1 <= table["portal_status"] <= 10:
                self.problem(entry, f"portal_status {table['portal_status']} is outside 1..10")
            if not table["label"].strip() or not table["label_en"].strip():
                self.problem(entry, "labels must not be empty")
            states[name] = State(name=name, label=_nfc(table["label"]), label_en=table["label_en"],
                                 clock=table["clock"], terminal=table["terminal"],
                                 portal_status=table["portal_status"])
        return states

    def parse_transitions(self, raw: object, states: dict[str, State]) -> list[tuple[str, Transition]]:
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.problem("transitions", "must be an array of tables ([[transitions]])")
            return []
        if not raw:
            self.problem("transitions", "no transition defined")
        parsed = []
        for index, table in enumerate(raw):
            action = table.get("action")
            entry = f"transitions[{index}]" + (f" ({action})" if isinstance(action, str) else "")
            transition = self.parse_transition(entry, table, states)
            if transition is not None:
                parsed.append((entry, transition))
        return parsed

    def parse_transition(self, entry: str, table: dict, states: dict[str, State]) -> Transition | None:
        ok = True
        for key in _TRANSITION_REQUIRED:
            if key not in table:
                self.problem(entry, f"missing required key '{key}'")
                ok = False
        for key in table:
            if key not in _TRANSITION_REQUIRED and key not in _TRANSITION_OPTIONAL:
                self.problem(entry, f"unknown key '{key}'")
        if not ok:
            self.graph_complete = False
            return None

        def text(key: str) -> str | None:
            value = table[key]
            if not isinstance(value, str) or not value.strip():
                self.problem(entry, f"'{key}' must be a non-empty string")
                return None
            return value

        def names(key: str, allow_empty: bool) -> tuple[str, ...] | None:
            value = _string_list(table.get(key, []))
            if value is None:
                self.problem(entry, f"'{key}' must be a string or a list of strings")
            elif not value and not allow_empty:
                self.problem(entry, f"'{key}' must not be empty")
                value = None
            elif len(set(value)) != len(value):
                self.problem(entry, f"'{key}' lists the same name twice")
            return value

        action, to, at = text("action"), text("to"), text("at")
        label, label_en = text("label"), text("label_en")
        sources = names("from", allow_empty=False)
        roles = names("roles", allow_empty=False)
        effects = names("effects", allow_empty=True)
        conditions = names("conditions", allow_empty=True)
        requires = names("requires", allow_empty=True)

        for state in (sources or ()) + ((to,) if to else ()):
            if self.declared_states and state not in self.declared_states:
                self.problem(entry, f"unknown state '{state}'")
                self.graph_complete = False
        for role in roles or ():
            if role not in KNOWN_ROLES:
                self.problem(entry, f"unknown role '{role}' (known: {', '.join(sorted(KNOWN_ROLES))})")
        for effect in effects or ():
            if effect not in KNOWN_EFFECTS:
                self.problem(entry, f"unknown effect '{effect}'")
        for condition in conditions or ():
            if condition.lstrip("!") not in KNOWN_CONDITIONS or condition.count("!") > 1:
                self.problem(entry, f"unknown condition '{condition}' "
                                    f"(known: {', '.join(sorted(KNOWN_CONDITIONS))}, "
                                    "each optionally negated with '!')")
            elif "!" + condition in conditions:
                self.problem(entry, f"conditions '{condition}' and '!{condition}' can never hold together")
        for name in requires or ():
            if name not in KNOWN_INPUTS:
                self.problem(entry, f"unknown input '{name}' in requires "
                                    f"(known: {', '.join(sorted(KNOWN_INPUTS))})")
        if at is not None and at not in KNOWN_RELATIONS:
            self.problem(entry, f"unknown 'at' value '{at}' (known: {', '.join(sorted(KNOWN_RELATIONS))})")
        elif at is not None and roles:
            # These pairings would let one citizen act on another's application, or tie a unit-less
            # actor to a unit; both are holes, not choices.
            if "citizen" in roles and at != "applicant":
                self.problem(entry, "the citizen role may only act at 'applicant'")
            if at == "applicant" and set(roles) != {"citizen"}:
                self.problem(entry, "at 'applicant' is only for the citizen role")
            if "system" in roles and at != "any":
                self.problem(entry, "the system role may only act at 'any'")
        if None in (action, to, at, label, label_en, sources, roles, effects, conditions, requires):
            self.graph_complete = False
            return None
        return Transition(action=action, sources=sources, to=to, roles=roles, at=at, effects=effects,
                          conditions=conditions, requires=requires, label=_nfc(label), label_en=label_en)

    def check_graph(self, states: dict[str, State], entries: list[tuple[str, Transition]]) -> None:
        edges: dict[str, set[str]] = {name: set() for name in states}
        for entry, transition in entries:
            for source in transition.sources:
                if source in states and states[source].terminal:
                    self.problem(entry, f"leaves the terminal state '{source}'")
                if source in edges and transition.to in states:
                    edges[source].add(transition.to)
        if INITIAL_STATE not in states:
            return
        reached = _reachable(edges, INITIAL_STATE)
        for name, state in states.items():
            if name not in reached:
                self.problem(f"states.{name}", f"unreachable from the initial state '{INITIAL_STATE}'")
            elif not state.terminal:
                if not edges[name] - {name}:
                    self.problem(f"states.{name}", "non-terminal state with no way out")
                elif not any(states[other].terminal for other in _reachable(edges, name)):
                    self.problem(f"states.{name}",
                                 "non-terminal state from which no terminal state can be reached")

    def check_overlaps(self, entries: list[tuple[str, Transition]]) -> None:
        for later, (entry, transition) in enumerate(entries):
            for earlier_entry, earlier in entries[:later]:
                if earlier.action != transition.action:
                    continue
                shared = set(earlier.sources) & set(transition.sources)
                if not shared or not set(earlier.roles) & set(transition.roles):
                    continue
                source = sorted(shared)[0]
                if (set(earlier.roles) == set(transition.roles)
                        and set(earlier.conditions) == set(transition.conditions)):
                    self.problem(entry, f"duplicate of {earlier_entry} from '{source}'")
                elif not _exclusive(earlier.conditions, transition.conditions):
                    self.problem(entry, f"ambiguous with {earlier_entry} from '{source}': the same role "
                                        "could fire both; give them conditions that exclude each other")


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for following in edges.get(todo.pop(), ()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return seen


def _exclusive(first: Iterable[str], second: Iterable[str]) -> bool:
    second = set(second)
    return any((c[1:] if c.startswith("!") else "!" + c) in second for c in first)


def definition_hash(document: Mapping) -> str:
    """sha256 of the canonical JSON of a parsed definition: comments, key order and spacing in the file
    make no new version, only a change in meaning does (as services.loader.definition_hash)."""
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _problems_and_workflow(path: Path) -> tuple[list[str], Workflow | None]:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        return [f"{path.name}: file: cannot be read ({error.strerror})"], None
    except UnicodeDecodeError as error:
        return [f"{path.name}: syntax: {error}"], None
    return _problems_and_workflow_in_text(path.name, path.stem, text)


def _problems_and_workflow_in_text(file_name: str, name: str,
                                   text: str) -> tuple[list[str], Workflow | None]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [f"{file_name}: syntax: {error}"], None
    parser = _Parser(file_name, document)
    states, transitions = parser.parse()
    if parser.problems:
        return parser.problems, None
    workflow = Workflow(name=name, title=_nfc(document["title"]), states=states, transitions=transitions,
                        title_en=document["title_en"], description=_nfc(document.get("description", "")),
                        source=text, source_hash=definition_hash(document))
    return [], workflow


def load_workflow(path: str | Path) -> Workflow:
    problems, workflow = _problems_and_workflow(Path(path))
    if problems:
        raise DefinitionError(problems)
    return workflow


def parse_workflow(name: str, text: str) -> Workflow:
    """A workflow from definition text (a stored version, say), checked as the file `<name>.toml` would be."""
    problems, workflow = _problems_and_workflow_in_text(f"{name}.toml", name, text)
    if problems:
        raise DefinitionError(problems)
    return workflow


def _definition_files(directory: Path) -> tuple[list[str], list[Path]]:
    if not directory.is_dir():
        return [f"{directory}: directory: not found"], []
    files = sorted(directory.glob("*.toml"))
    if not files:
        return [f"{directory}: directory: no workflow definition (*.toml) found"], []
    return [], files


def check_definitions(directory: str | Path) -> list[str]:
    problems, files = _definition_files(Path(directory))
    for path in files:
        problems.extend(_problems_and_workflow(path)[0])
    return problems


def states_waiting_for(workflows: Iterable[Workflow], role: str) -> tuple[str, ...]:
    """`Workflow.states_waiting_for` over several definitions: each state once, in the order first met."""
    return tuple(dict.fromkeys(state for workflow in workflows for state in workflow.states_waiting_for(role)))


def load_definitions(directory: str | Path) -> dict[str, Workflow]:
    problems, files = _definition_files(Path(directory))
    workflows = {}
    for path in files:
        found, workflow = _problems_and_workflow(path)
        problems.extend(found)
        if workflow is not None:
            workflows[workflow.name] = workflow
    if problems:
        raise DefinitionError(problems)
    return workflows

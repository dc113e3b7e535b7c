"""Which states wait for which staff role comes from the transitions each role may fire, so a new definition
needs no code for the inboxes."""
import textwrap

from workflows import DEFINITIONS_DIR
from workflows.engine import load_definitions, load_workflow, states_waiting_for


def test_the_shipped_definitions_give_the_inboxes_the_desk_has_always_had():
    shipped = load_definitions(DEFINITIONS_DIR).values()
    assert states_waiting_for(shipped, "receiver") == ("submitted", "forwarded", "awaiting_payment",
                                                       "result_ready")
    assert states_waiting_for(shipped, "handler") == ("processing",)
    assert states_waiting_for(shipped, "leader") == ("awaiting_approval",)
    assert states_waiting_for(shipped, "citizen") == () and states_waiting_for(shipped, "system") == ()


def _state(name, terminal=False):
    return textwrap.dedent(f"""
        [states.{name}]
        label = "{name}"
        label_en = "{name}"
        clock = false
        terminal = {str(terminal).lower()}
        portal_status = 1
        """)


def _transition(action, source, to, roles, at="current"):
    return textwrap.dedent(f"""
        [[transitions]]
        action = "{action}"
        from = "{source}"
        to = "{to}"
        roles = {roles!r}
        at = "{at}"
        label = "{action}"
        label_en = "{action}"
        """).replace("'", '"')


def test_a_new_definition_needs_no_code(tmp_path):
    """A checking step owned by the handler, a shared step, and a self-loop any officer may fire."""
    text = 'title = "Thử"\ntitle_en = "Trial"\n' + "".join(_state(n) for n in (
        "draft", "submitted", "checking", "shared")) + _state("done", terminal=True) + "".join([
            _transition("submit", "draft", "submitted", ["citizen"], at="applicant"),
            _transition("take", "submitted", "checking", ["receiver"]),
            _transition("check", "checking", "shared", ["handler"]),
            _transition("remind", "checking", "checking", ["receiver", "handler", "leader"]),
            _transition("send_back", "checking", "submitted", ["receiver", "handler"]),
            _transition("finish", "shared", "done", ["receiver", "leader"]),
        ])
    path = tmp_path / "trial.toml"
    path.write_text(text, encoding="utf-8")
    trial = load_workflow(path)
    # `check` is the handler's alone: checking waits for the handler, not for whoever may also send it back
    # or remind; where no way out belongs to one role (`shared`), it waits for every role that has one.
    assert trial.states_waiting_for("handler") == ("checking",)
    assert trial.states_waiting_for("receiver") == ("submitted", "shared")
    assert trial.states_waiting_for("leader") == ("shared",)
    assert trial.roles_waited_for("done") == frozenset()

"""Effects are what a workflow transition does besides changing the state (start the clock, issue a
document, notify the citizen). The workflow names them; handlers registered here carry them out, inside
the transaction of the transition.

A handler returns what it adds to the event's details (a dict, or None) and never writes into the event:
fire() builds the event once, after every effect has run. `create_app` refuses to start when a definition
names an effect no module registers (`require_handlers`), so firing one is a programming error."""
from dataclasses import dataclass, field
from datetime import datetime

_HANDLERS = {}


class MissingEffectHandler(RuntimeError):
    """A workflow names an effect that no module in registry.EFFECT_MODULES registers."""


@dataclass
class EffectContext:
    application: object  # models.Application
    decision: object  # workflows.engine.Decision
    actor: object | None  # models.User, None for the system
    role: str
    note: str
    inputs: dict
    now: datetime
    calendar: object  # workflows.calendar.WorkingCalendar
    from_unit_id: int | None = None
    # The event's details so far (the caller's, then what earlier effects returned): read it, return additions.
    details: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)  # handlers may leave things for later ones (e.g. documents)


def effect(name: str):
    def register(func):
        if name in _HANDLERS and _HANDLERS[name] is not func:
            raise RuntimeError(f"effect {name!r} registered twice")
        _HANDLERS[name] = func
        return func
    return register


def registered_effects() -> frozenset[str]:
    return frozenset(_HANDLERS)


def merge_details(details: dict, added: dict | None) -> dict:
    """Lists add up (each document issued by the action is listed); any other key is set by the later one."""
    for key, value in (added or {}).items():
        if isinstance(value, list) and isinstance(details.get(key), list):
            details[key] = [*details[key], *value]
        else:
            details[key] = value
    return details


def run_effects(names, ctx: EffectContext) -> dict:
    """Runs the handlers in order; returns the event's details with what each added."""
    for name in names:
        handler = _HANDLERS.get(name)
        if handler is None:
            raise MissingEffectHandler(f"no handler registered for workflow effect {name!r}")
        merge_details(ctx.details, handler(ctx))
    return ctx.details


def unhandled_effects(workflows) -> list[str]:
    """'<file>: transitions[i] (<action>): …' for every effect named by `workflows` (name -> Workflow) that
    no handler carries out; transitions are counted from 0 in file order, as the engine reports them."""
    problems = []
    for workflow in workflows.values():
        for index, transition in enumerate(workflow.transitions):
            for name in transition.effects:
                if name not in _HANDLERS:
                    problems.append(f"{workflow.name}.toml: transitions[{index}] ({transition.action}): "
                                    f"effect '{name}' has no handler (no module in registry.EFFECT_MODULES "
                                    "registers it)")
    return problems


def require_handlers(workflows):
    problems = unhandled_effects(workflows)
    if problems:
        raise MissingEffectHandler("workflow effects without a handler:\n" + "\n".join(problems))

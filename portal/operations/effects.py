"""Effects are what a workflow transition does besides changing the state (start the clock, issue a
document, notify the citizen). The workflow names them; handlers registered here carry them out, inside
the transaction of the transition."""
import logging
from dataclasses import dataclass, field
from datetime import datetime

log = logging.getLogger(__name__)
_HANDLERS = {}


@dataclass
class EffectContext:
    application: object  # models.Application
    decision: object  # workflows.engine.Decision
    actor: object | None  # models.User, None for the system
    role: str
    note: str
    inputs: dict
    event: object  # models.Event (not yet flushed)
    now: datetime
    calendar: object  # workflows.calendar.WorkingCalendar
    from_unit_id: int | None = None
    results: dict = field(default_factory=dict)  # handlers may leave things for later ones (e.g. documents)


def effect(name: str):
    def register(func):
        if name in _HANDLERS and _HANDLERS[name] is not func:
            raise RuntimeError(f"effect {name!r} registered twice")
        _HANDLERS[name] = func
        return func
    return register


def handler_for(name: str):
    return _HANDLERS.get(name)


def registered_effects() -> frozenset[str]:
    return frozenset(_HANDLERS)


def run_effects(names, ctx: EffectContext):
    for name in names:
        handler = _HANDLERS.get(name)
        if handler is None:
            # The definitions check refuses unknown effects; a known one without a handler is a missing
            # feature, which tests/integration/test_effects.py reports.
            log.error("no handler for workflow effect %s", name)
            continue
        handler(ctx)

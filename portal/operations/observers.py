"""Features that follow every transition without operations importing them: a feature registers an observer
at import (its module is listed in registry.HOOK_MODULES), fire() calls them all.

An observer is `func(application) -> finish`: called before the transition changes anything, it keeps what
it needs to know of the application then; `finish()` is called after the effects, in the same transaction
(the report flows count the difference the action made this way)."""
_OBSERVERS = []


def observe_transitions(func):
    if func not in _OBSERVERS:
        _OBSERVERS.append(func)
    return func


def watch(application):
    """Starts every observer on `application`; returns the function that finishes them all."""
    finishers = [observer(application) for observer in _OBSERVERS]

    def finish():
        for finisher in finishers:
            finisher()
    return finish

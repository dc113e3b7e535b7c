"""Destinations: one send function per name, registered when its module is imported (portal/registry.py
HOOK_MODULES lists those modules, so a worker that creates the app knows every destination)."""
from collections.abc import Callable

_senders: dict[str, Callable] = {}


def destination(name: str):
    """Decorator: `send(message)` delivers the messages put for `name`."""
    if not name or len(name) > 40:
        raise ValueError(f"destination name {name!r}: 1 to 40 characters")

    def register(func):
        existing = _senders.get(name)
        if existing is not None and _qualified(existing) != _qualified(func):
            raise ValueError(f"destination {name!r} is already registered by {_qualified(existing)}")
        _senders[name] = func
        return func
    return register


def sender_for(name: str) -> Callable | None:
    return _senders.get(name)


def names() -> list[str]:
    return sorted(_senders)


def _qualified(func) -> str:
    return f"{func.__module__}.{getattr(func, '__qualname__', func)}"


def unregister(name: str) -> None:
    """Tests register small destinations of their own and remove them after."""
    _senders.pop(name, None)

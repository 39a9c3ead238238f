"""Shim classes that keep the legacy class's own logic: built on first use over the
legacy class when it can still be imported, else over a minimal stand-in."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable

from compat._plan import current_plan

_lock = threading.RLock()
_building: set[str] = set()


def legacy_class(shim_dotted: str) -> type | None:
    """The legacy class the plan routes to ``shim_dotted``, if importable and not a shim."""
    symbol = next((s for s in current_plan().symbols.values() if s.shim == shim_dotted), None)
    if symbol is None:
        return None
    try:
        module = importlib.import_module(symbol.module)
    except ImportError:
        return None
    found = getattr(module, symbol.name, None)
    if not isinstance(found, type) or found.__module__.split(".")[0] == "compat":
        return None  # gone, or already re-exported from here
    return found


def build_once(
    namespace: dict[str, object],
    name: str,
    make: Callable[[type | None], type],
) -> type:
    """Build ``namespace[name]`` (the shim module's globals) on first access."""
    shim_dotted = f"{namespace['__name__']}.{name}"
    with _lock:
        built = namespace.get(name)
        if isinstance(built, type):
            return built
        if shim_dotted in _building:
            # The legacy module imports this shim while we import it: give it the
            # stand-in for now, and do not cache it.
            return make(None)
        _building.add(shim_dotted)
        try:
            cls = make(legacy_class(shim_dotted))
        finally:
            _building.discard(shim_dotted)
        namespace[name] = cls
        return cls


def subclass(name: str, module: str, bases: tuple[type, ...], doc: str) -> type:
    return type(name, bases, {"__module__": module, "__qualname__": name, "__doc__": doc})

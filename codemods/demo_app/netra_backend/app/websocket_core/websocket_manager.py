"""The process-wide connection manager every legacy emitter sends through."""

from __future__ import annotations

from typing import Any

_manager: Any = None


def set_websocket_manager(manager: Any) -> None:
    """Install the manager for the whole process (done once at startup)."""
    global _manager
    _manager = manager


def get_websocket_manager() -> Any:
    """The installed manager, or None before startup wiring ran."""
    return _manager

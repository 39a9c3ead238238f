"""Shim for ``netra_backend.app.websocket_core[.unified_emitter]``: the old "unified" emitter.

Its dict-shaped ``emit_*(data)`` share their names with the unified keyword
methods; both forms work on the same object (see ``_shim.dual_method``).
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from compat._manager import resolve_manager
from compat._shim import (
    CompatEmitter,
    dual_method,
    init_emitter,
    legacy_method,
    report_constructor,
    set_ids,
)
from target_emitter import get_default_manager, set_default_manager
from target_emitter.manager import ConnectionManager

_API = "old_unified"
_MODULE = "netra_backend.app.websocket_core.unified_emitter"

__all__ = [
    "IsolatedWebSocketEventEmitter",
    "UnifiedWebSocketEmitter",
    "UserWebSocketEmitter",
    "WebSocketEmitterFactory",
    "WebSocketEmitterPool",
    "WebSocketEventEmitter",
    "get_websocket_manager",
    "set_websocket_manager",
]

Awaitable = Coroutine[Any, Any, Any]


class UnifiedWebSocketEmitter(CompatEmitter):
    """Deprecated: the old emitter ``(manager, user_id, context=None)``; use
    ``target_emitter.UnifiedWebSocketEmitter.from_context(context, manager=manager)``."""

    __slots__ = ("_context",)
    _compat_api = _API
    _compat_legacy_name = "websocket_core.UnifiedWebSocketEmitter"

    def __init__(self, manager: Any, user_id: str, context: Any = None) -> None:
        report_constructor(_API, f"{_MODULE}.UnifiedWebSocketEmitter", "UnifiedWebSocketEmitter", 2)
        self._setup(manager, user_id, context)

    def _setup(self, manager: Any, user_id: str, context: Any) -> None:
        if manager is None:  # legacy code passed get_websocket_manager() before startup wiring
            manager = resolve_manager("the old UnifiedWebSocketEmitter")
        init_emitter(
            self,
            manager,
            user_id,
            thread_id=getattr(context, "thread_id", None),
            run_id=getattr(context, "run_id", None),
            request_id=getattr(context, "request_id", None),
        )
        self._context = context

    @classmethod
    def _build(cls, manager: Any, user_id: str, context: Any = None) -> UnifiedWebSocketEmitter:
        """Construct without counting a legacy use (for compat's own factories)."""
        shim = cls.__new__(cls)
        shim._setup(manager, user_id, context)
        return shim

    @property
    def context(self) -> Any:
        return self._context

    @context.setter
    def context(self, context: Any) -> None:
        set_ids(
            self,
            thread_id=getattr(context, "thread_id", None),
            run_id=getattr(context, "run_id", None),
            request_id=getattr(context, "request_id", None),
        )
        self._context = context

    # -- dual shape: emit_x(data) is legacy, emit_x(**keywords) is the unified method
    @dual_method("data")
    def emit_agent_started(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_agent_started", args, kwargs)

    @dual_method("data")
    def emit_agent_thinking(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_agent_thinking", args, kwargs)

    @dual_method("data")
    def emit_tool_executing(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_tool_executing", args, kwargs)

    @dual_method("data")
    def emit_tool_completed(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_tool_completed", args, kwargs)

    @dual_method("data")
    def emit_agent_completed(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_agent_completed", args, kwargs)

    # -- legacy only
    @legacy_method
    def emit(self, event_type: str, data: dict[str, Any]) -> Awaitable:
        return self._legacy("emit", locals())

    @legacy_method
    def notify_agent_started(
        self, agent_name: str, metadata: dict[str, Any] | None = None, context: Any = None
    ) -> Awaitable:
        return self._legacy("notify_agent_started", locals())

    @legacy_method
    def notify_agent_thinking(
        self,
        agent_name: str | None = None,
        reasoning: str | None = None,
        thought: str | None = None,
        step_number: int | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Awaitable:
        return self._legacy("notify_agent_thinking", locals())

    @legacy_method
    def notify_tool_executing(
        self, tool_name: str, metadata: dict[str, Any] | None = None
    ) -> Awaitable:
        return self._legacy("notify_tool_executing", locals())

    @legacy_method
    def notify_tool_completed(
        self, tool_name: str, metadata: dict[str, Any] | None = None
    ) -> Awaitable:
        return self._legacy("notify_tool_completed", locals())

    @legacy_method
    def notify_agent_completed(
        self,
        agent_name: str,
        metadata: dict[str, Any] | None = None,
        result: Any = None,
        execution_time_ms: float | None = None,
    ) -> Awaitable:
        return self._legacy("notify_agent_completed", locals())

    @legacy_method
    def notify_agent_error(self, error: Any, **kwargs: Any) -> Awaitable:
        return self._legacy("notify_agent_error", locals())

    @legacy_method
    def notify_progress_update(self, progress: Any, message: str = "", **kwargs: Any) -> Awaitable:
        return self._legacy("notify_progress_update", locals())

    @legacy_method
    def notify_custom(self, event_type: str, data: dict[str, Any]) -> Awaitable:
        return self._legacy("notify_custom", locals())


# Names earlier refactors gave the same class.
WebSocketEventEmitter = UnifiedWebSocketEmitter
UserWebSocketEmitter = UnifiedWebSocketEmitter
IsolatedWebSocketEventEmitter = UnifiedWebSocketEmitter


class WebSocketEmitterFactory:
    """Deprecated: use ``target_emitter.UnifiedWebSocketEmitter.from_context``."""

    @staticmethod
    def create_emitter(manager: Any, user_id: str, context: Any = None) -> UnifiedWebSocketEmitter:
        report_constructor(
            _API,
            f"{_MODULE}.WebSocketEmitterFactory.create_emitter",
            "WebSocketEmitterFactory.create_emitter",
            2,
        )
        return UnifiedWebSocketEmitter._build(manager, user_id, context)

    @staticmethod
    def create_scoped_emitter(manager: Any, context: Any) -> UnifiedWebSocketEmitter:
        report_constructor(
            _API,
            f"{_MODULE}.WebSocketEmitterFactory.create_scoped_emitter",
            "WebSocketEmitterFactory.create_scoped_emitter",
            2,
        )
        return UnifiedWebSocketEmitter._build(manager, context.user_id, context)


class WebSocketEmitterPool:
    """Deprecated: one emitter per user, re-pointed at each acquirer's context."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager
        self._emitters: dict[str, UnifiedWebSocketEmitter] = {}

    def acquire(self, user_id: str, context: Any = None) -> UnifiedWebSocketEmitter:
        report_constructor(
            _API, f"{_MODULE}.WebSocketEmitterPool.acquire", "WebSocketEmitterPool.acquire", 2
        )
        emitter = self._emitters.get(user_id)
        if emitter is None:
            emitter = self._emitters[user_id] = UnifiedWebSocketEmitter._build(
                self.manager, user_id
            )
        emitter.context = context
        return emitter

    def release(self, user_id: str) -> None:
        self._emitters.pop(user_id, None)


def get_websocket_manager() -> ConnectionManager | None:
    """Deprecated: ``target_emitter.get_default_manager()``."""
    report_constructor(
        _API, "netra_backend.app.websocket_core.get_websocket_manager", "get_websocket_manager", 2
    )
    return get_default_manager()


def set_websocket_manager(manager: ConnectionManager | None) -> None:
    """Deprecated: ``target_emitter.set_default_manager(manager)``."""
    report_constructor(
        _API, "netra_backend.app.websocket_core.set_websocket_manager", "set_websocket_manager", 2
    )
    set_default_manager(manager)

"""Shim for ``netra_backend.app.services.agent_websocket_bridge``: positional
``notify_*(run_id, agent_name, ...)`` methods that answer True/False."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from compat import _delegate
from compat._manager import resolve_manager
from compat._plan import current_plan
from compat._shim import (
    CompatEmitter,
    init_from_context,
    init_view,
    legacy_method,
    report_constructor,
    set_ids,
)
from compat.unified_emitter import UnifiedWebSocketEmitter as _OldUnifiedEmitter

_API = "bridge"
_MODULE = "netra_backend.app.services.agent_websocket_bridge"

__all__ = ["AgentWebSocketBridge", "create_agent_websocket_bridge"]

Awaitable = Coroutine[Any, Any, Any]


class AgentWebSocketBridge(CompatEmitter):
    """Deprecated: use ``target_emitter.UnifiedWebSocketEmitter.from_context(user_context)``."""

    __slots__ = ("user_context",)
    _compat_api = _API
    _compat_legacy_name = "AgentWebSocketBridge"

    def __init__(self, user_context: Any = None) -> None:
        report_constructor(_API, f"{_MODULE}.AgentWebSocketBridge", "AgentWebSocketBridge", 2)
        self._setup(user_context)

    def _setup(self, user_context: Any) -> None:
        if user_context is None:
            key = f"{_MODULE}.AgentWebSocketBridge"
            reason = current_plan().constructors[key].require.get("user_context", "")
            raise ValueError(f"AgentWebSocketBridge(user_context=None): {reason}")
        init_from_context(self, user_context, resolve_manager("AgentWebSocketBridge"))
        self.user_context = user_context

    @classmethod
    def _build(cls, user_context: Any) -> AgentWebSocketBridge:
        """Construct without counting a legacy use (for the factory function)."""
        bridge = cls.__new__(cls)
        bridge._setup(user_context)
        return bridge

    @legacy_method
    def notify_agent_started(
        self, run_id: str, agent_name: str, context: Any = None, trace_context: Any = None
    ) -> Awaitable:
        return self._legacy("notify_agent_started", locals())

    @legacy_method
    def notify_agent_thinking(
        self,
        run_id: str,
        agent_name: str,
        reasoning: str,
        step_number: int | None = None,
        progress_percentage: float | None = None,
        trace_context: Any = None,
    ) -> Awaitable:
        return self._legacy("notify_agent_thinking", locals())

    @legacy_method
    def notify_tool_executing(
        self, run_id: str, agent_name: str, tool_name: str, parameters: Any = None
    ) -> Awaitable:
        return self._legacy("notify_tool_executing", locals())

    @legacy_method
    def notify_tool_completed(
        self,
        run_id: str,
        agent_name: str,
        tool_name: str,
        result: Any = None,
        execution_time_ms: float | None = None,
    ) -> Awaitable:
        return self._legacy("notify_tool_completed", locals())

    @legacy_method
    def notify_agent_completed(
        self,
        run_id: str,
        agent_name: str,
        result: Any = None,
        execution_time_ms: float | None = None,
        trace_context: Any = None,
    ) -> Awaitable:
        return self._legacy("notify_agent_completed", locals())

    @legacy_method
    def notify_agent_error(
        self,
        run_id: str,
        agent_name: str,
        error: Any,
        error_context: Any = None,
        trace_context: Any = None,
    ) -> Awaitable:
        return self._legacy("notify_agent_error", locals())

    @legacy_method
    def notify_agent_death(
        self, run_id: str, agent_name: str, death_cause: str, death_context: Any = None
    ) -> Awaitable:
        return self._legacy("notify_agent_death", locals())

    @legacy_method
    def notify_progress_update(
        self, run_id: str, agent_name: str, progress: dict[str, Any]
    ) -> Awaitable:
        return self._legacy("notify_progress_update", locals())

    @legacy_method
    def notify_custom(
        self, run_id: str, agent_name: str, notification_type: str, data: dict[str, Any]
    ) -> Awaitable:
        return self._legacy("notify_custom", locals())

    @legacy_method
    def emit_agent_event(
        self,
        event_type: str,
        data: dict[str, Any],
        run_id: str | None = None,
        agent_name: str | None = None,
    ) -> Awaitable:
        return self._legacy("emit_agent_event", locals())

    # -- manual in the plan: no automatic rewrite, so implemented here by hand
    @legacy_method
    def create_user_emitter(self, user_context: Any) -> Awaitable:
        _delegate.report(_API, "create_user_emitter", self, 2)
        return self._user_emitter(user_context)

    async def _user_emitter(self, user_context: Any) -> _OldUnifiedEmitter:
        return self._old_emitter(
            user_context.user_id,
            getattr(user_context, "thread_id", None),
            getattr(user_context, "run_id", None),
            getattr(user_context, "request_id", None),
            user_context,
        )

    def create_user_emitter_from_ids(
        self,
        user_id: str,
        thread_id: str,
        run_id: str,
        websocket_connection_id: str | None = None,
    ) -> _OldUnifiedEmitter:
        _delegate.report(_API, "create_user_emitter_from_ids", self, 2)
        return self._old_emitter(user_id, thread_id, run_id, None, None)

    def _old_emitter(
        self,
        user_id: str,
        thread_id: str | None,
        run_id: str | None,
        request_id: str | None,
        context: Any,
    ) -> _OldUnifiedEmitter:
        emitter = _OldUnifiedEmitter._build(self.manager, user_id, context)
        if user_id == self.user_id:  # same user: one seq stream, one order
            init_view(emitter, self, thread_id=thread_id, run_id=run_id, request_id=request_id)
        else:
            set_ids(emitter, thread_id=thread_id, run_id=run_id, request_id=request_id)
        return emitter


def create_agent_websocket_bridge(user_context: Any = None) -> AgentWebSocketBridge:
    """Deprecated: use ``target_emitter.UnifiedWebSocketEmitter.from_context(user_context)``."""
    report_constructor(
        _API, f"{_MODULE}.create_agent_websocket_bridge", "create_agent_websocket_bridge", 2
    )
    return AgentWebSocketBridge._build(user_context)

"""Shim for ``netra_backend.app.services.websocket.transparent_websocket_events``.

Agent events share their names with the unified methods (``_shim.dual_method``);
service events become ``emit_custom`` events. ``TransparentWebSocketBridge``, the
older facade with fewer optional parameters, accepts the full parameter lists.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from typing import Any

from compat._manager import resolve_manager
from compat._shim import (
    CompatEmitter,
    dual_method,
    init_from_context,
    legacy_method,
    report_constructor,
)

_API = "transparent"
_MODULE = "netra_backend.app.services.websocket.transparent_websocket_events"

__all__ = ["TransparentWebSocketBridge", "TransparentWebSocketEmitter"]

Awaitable = Coroutine[Any, Any, Any]


class TransparentWebSocketEmitter(CompatEmitter):
    """Deprecated: use ``target_emitter.UnifiedWebSocketEmitter.from_context(context)``."""

    __slots__ = ("_last_started_agent", "context")
    _compat_api = _API
    _compat_legacy_name = "TransparentWebSocketEmitter"

    def __init__(self, context: Any) -> None:
        name = type(self)._compat_legacy_name
        report_constructor(_API, f"{_MODULE}.{name}", name, 2)
        init_from_context(self, context, resolve_manager(name))
        self.context = context
        self._last_started_agent: str | None = None

    def _compat_observe(self, method: str, values: Mapping[str, Any]) -> None:
        if method == "emit_agent_started":
            self._last_started_agent = values["agent_name"]

    def _compat_agent_name(self) -> str | None:
        # The legacy emit_agent_completed(result) never named its agent: the one this
        # emitter last announced is the best the shim can do.
        return self.agent_name or self._last_started_agent

    # -- dual shape: positional/legacy keywords are legacy, unified keywords unified
    @dual_method("agent_name, agent_description=None")
    def emit_agent_started(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_agent_started", args, kwargs)

    @dual_method("thought, step_number=None")
    def emit_agent_thinking(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_agent_thinking", args, kwargs)

    @dual_method("tool_name, tool_description=None")
    def emit_tool_executing(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_tool_executing", args, kwargs)

    @dual_method("tool_name, result")
    def emit_tool_completed(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_tool_completed", args, kwargs)

    @dual_method("result, execution_time_ms=None")
    def emit_agent_completed(self, *args: Any, **kwargs: Any) -> Awaitable:
        return self._dual("emit_agent_completed", args, kwargs)

    # -- service events (legacy only)
    @legacy_method
    def emit_service_initializing(
        self,
        service_name: str,
        initialization_steps: list[str] | None = None,
        estimated_time_seconds: float | None = None,
    ) -> Awaitable:
        return self._legacy("emit_service_initializing", locals())

    @legacy_method
    def emit_service_ready(
        self,
        service_name: str,
        initialization_time_ms: float | None = None,
        service_metadata: dict[str, Any] | None = None,
    ) -> Awaitable:
        return self._legacy("emit_service_ready", locals())

    @legacy_method
    def emit_service_degraded(
        self,
        service_name: str,
        reason: str,
        fallback_options: list[str] | None = None,
        performance_impact: str | None = None,
    ) -> Awaitable:
        return self._legacy("emit_service_degraded", locals())

    @legacy_method
    def emit_service_unavailable(
        self,
        service_name: str,
        reason: str,
        estimated_recovery_seconds: float | None = None,
        alternatives: list[str] | None = None,
        is_critical: bool = False,
    ) -> Awaitable:
        return self._legacy("emit_service_unavailable", locals())

    @legacy_method
    def emit_service_recovered(
        self, service_name: str, recovery_time_ms: float | None = None
    ) -> Awaitable:
        return self._legacy("emit_service_recovered", locals())

    @legacy_method
    def emit_system_status(
        self,
        overall_status: str,
        service_statuses: dict[str, str],
        can_process_requests: bool,
        degraded_services: list[str] | None = None,
    ) -> Awaitable:
        return self._legacy("emit_system_status", locals())

    @legacy_method
    def emit_user_queue_position(
        self,
        position: int,
        estimated_wait_time_seconds: float | None = None,
        queue_type: str = "standard",
    ) -> Awaitable:
        return self._legacy("emit_user_queue_position", locals())


class TransparentWebSocketBridge(TransparentWebSocketEmitter):
    """Deprecated: use ``target_emitter.UnifiedWebSocketEmitter.from_context(context)``."""

    __slots__ = ()
    _compat_legacy_name = "TransparentWebSocketBridge"

"""Shim for ``netra_backend.app.agents.supervisor.agent_instance_factory``.

``UserWebSocketEmitter`` keeps the legacy contract: True on delivery,
``ConnectionError`` when not delivered, ``RuntimeError`` on any other error, and
``notify_agent_error`` never raises (False). ``AgentInstanceFactory`` is the
legacy factory (built on first access) with ``_create_emitter`` returning it.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from compat import _delegate
from compat._legacy_base import build_once, subclass
from compat._manager import resolve_manager
from compat._shim import CompatEmitter, init_emitter, init_view, legacy_method, report_constructor
from target_emitter import UnifiedWebSocketEmitter

_API = "factory_emitter"
_MODULE = "netra_backend.app.agents.supervisor.agent_instance_factory"

__all__ = ["AgentInstanceFactory", "UserWebSocketEmitter"]

Awaitable = Coroutine[Any, Any, Any]


class UserWebSocketEmitter(CompatEmitter):
    """Deprecated: use ``target_emitter.UnifiedWebSocketEmitter`` or ``bridge.bind(run_id=...)``."""

    __slots__ = ("websocket_bridge",)
    _compat_api = _API
    _compat_legacy_name = "agent_instance_factory.UserWebSocketEmitter"

    def __init__(self, user_id: str, thread_id: str, run_id: str, websocket_bridge: Any) -> None:
        report_constructor(_API, f"{_MODULE}.UserWebSocketEmitter", "UserWebSocketEmitter", 2)
        self._setup(user_id, thread_id, run_id, websocket_bridge)

    def _setup(self, user_id: str, thread_id: str, run_id: str, bridge: Any) -> None:
        if isinstance(bridge, UnifiedWebSocketEmitter) and bridge.user_id == user_id:
            # Same user as the bridge: share its seq and order.
            init_view(
                self, bridge, thread_id=thread_id, run_id=run_id, request_id=bridge.request_id
            )
        else:
            manager = (
                bridge.manager
                if isinstance(bridge, UnifiedWebSocketEmitter)
                else resolve_manager("UserWebSocketEmitter")
            )
            init_emitter(self, manager, user_id, thread_id=thread_id, run_id=run_id)
        self.websocket_bridge = bridge

    @classmethod
    def _build(cls, user_id: str, thread_id: str, run_id: str, bridge: Any) -> UserWebSocketEmitter:
        """Construct without counting a legacy use (for the factory)."""
        emitter = cls.__new__(cls)
        emitter._setup(user_id, thread_id, run_id, bridge)
        return emitter

    @legacy_method
    def notify_agent_started(self, agent_name: str, context: Any = None) -> Awaitable:
        return self._legacy("notify_agent_started", locals())

    @legacy_method
    def notify_agent_thinking(
        self,
        agent_name: str,
        reasoning: str,
        step_number: int | None = None,
        progress_percentage: float | None = None,
    ) -> Awaitable:
        return self._legacy("notify_agent_thinking", locals())

    @legacy_method
    def notify_tool_executing(
        self, agent_name: str, tool_name: str, parameters: Any = None
    ) -> Awaitable:
        return self._legacy("notify_tool_executing", locals())

    @legacy_method
    def notify_tool_completed(
        self,
        agent_name: str,
        tool_name: str,
        result: Any = None,
        execution_time_ms: float | None = None,
    ) -> Awaitable:
        return self._legacy("notify_tool_completed", locals())

    @legacy_method
    def notify_agent_completed(
        self, agent_name: str, result: Any = None, execution_time_ms: float | None = None
    ) -> Awaitable:
        return self._legacy("notify_agent_completed", locals())

    @legacy_method
    def notify_agent_error(
        self, agent_name: str, error: Any, error_context: Any = None
    ) -> Awaitable:
        # Reporting an error must never raise a second one.
        return _delegate.legacy_call(_API, "notify_agent_error", self, locals(), on_failure="quiet")


class FactoryEmitterMixin:
    """``_create_emitter`` returning the compat ``UserWebSocketEmitter``."""

    def _create_emitter(self, user_id: str, thread_id: str, run_id: str) -> UserWebSocketEmitter:
        report_constructor(
            _API,
            f"{_MODULE}.AgentInstanceFactory._create_emitter",
            "AgentInstanceFactory._create_emitter",
            2,
        )
        bridge = getattr(self, "_websocket_bridge", None)
        if bridge is None:
            raise RuntimeError("AgentInstanceFactory is not configured with a websocket bridge")
        return UserWebSocketEmitter._build(user_id, thread_id, run_id, bridge)


class StandaloneFactory:
    """The base ``AgentInstanceFactory`` uses once the legacy module is gone."""

    def __init__(self, websocket_bridge: Any = None) -> None:
        self._websocket_bridge = websocket_bridge

    def configure(self, websocket_bridge: Any) -> None:
        self._websocket_bridge = websocket_bridge


def _make(legacy: type | None) -> type:
    return subclass(
        "AgentInstanceFactory",
        __name__,
        (FactoryEmitterMixin, legacy or StandaloneFactory),
        "The legacy AgentInstanceFactory whose emitters are compat UserWebSocketEmitters.",
    )


if TYPE_CHECKING:  # what static tools see; at runtime __getattr__ builds it on first access

    class AgentInstanceFactory(FactoryEmitterMixin, StandaloneFactory): ...


def __getattr__(name: str) -> Any:
    if name == "AgentInstanceFactory":
        return build_once(globals(), name, _make)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

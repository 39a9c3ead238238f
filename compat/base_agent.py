"""Shim for ``netra_backend.app.agents.base_agent``: the ten legacy ``emit_*`` methods as a mixin.

``BaseAgent`` here is the legacy ``BaseAgent`` with ``AgentEmitterMixin`` first in
its MRO (built on first access), so routing an import here keeps every agent's
own logic. Wired to a unified emitter (``set_websocket_emitter``, or
``set_websocket_bridge`` with a unified bridge), the legacy methods delegate to
``self.websocket_emitter``; otherwise they fall back to the legacy base's.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from compat import _delegate
from compat._legacy_base import build_once, subclass
from compat._shim import legacy_method
from target_emitter import UnifiedWebSocketEmitter

_API = "base_agent"

__all__ = ["AgentEmitterMixin", "BaseAgent"]

Awaitable = Coroutine[Any, Any, Any]

# Set while a legacy base method runs, so its calls into other emit_* methods
# (emit_tool_started -> emit_tool_executing) are neither counted nor warned twice.
_in_legacy: ContextVar[bool] = ContextVar("compat_in_legacy_agent", default=False)


class AgentEmitterMixin:
    """The deprecated agent-level ``emit_*`` methods on top of a unified emitter."""

    _compat_emitter: UnifiedWebSocketEmitter | None = None
    _compat_legacy_name = "BaseAgent"
    name: str

    @property
    def websocket_emitter(self) -> UnifiedWebSocketEmitter:
        """The unified emitter this agent sends through (bound to its run and name)."""
        emitter = self._compat_emitter
        if emitter is None:
            raise RuntimeError(
                f"agent {getattr(self, 'name', type(self).__name__)!r} has no websocket emitter: "
                f"call agent.set_websocket_emitter(emitter) (or agent.set_websocket_bridge("
                f"bridge, run_id)) before it emits"
            )
        return emitter

    def set_websocket_emitter(self, emitter: UnifiedWebSocketEmitter) -> None:
        if not isinstance(emitter, UnifiedWebSocketEmitter):
            raise TypeError(
                f"set_websocket_emitter needs a target_emitter.UnifiedWebSocketEmitter, "
                f"got {type(emitter).__name__}"
            )
        self._compat_emitter = emitter

    def set_websocket_bridge(self, bridge: Any, run_id: str) -> None:
        """Wire the agent to ``bridge`` for run ``run_id`` (not deprecated: this is wiring)."""
        if isinstance(bridge, UnifiedWebSocketEmitter):
            self._compat_emitter = bridge.bind(run_id=run_id, agent_name=self.name)
            return
        legacy = getattr(super(), "set_websocket_bridge", None)
        if legacy is None:
            raise TypeError(
                f"{type(bridge).__name__} is not a target_emitter.UnifiedWebSocketEmitter and "
                f"there is no legacy BaseAgent to wire it to: pass a unified emitter or a "
                f"compat bridge"
            )
        self._compat_emitter = None
        legacy(bridge, run_id)

    def _agent_legacy(self, method: str, values: Mapping[str, Any]) -> Awaitable:
        if self._compat_emitter is None:
            fallback = getattr(super(), method, None)
            if fallback is not None:
                arguments = {k: v for k, v in values.items() if k != "self"}
                if _in_legacy.get():
                    return fallback(**arguments)
                _delegate.report(_API, method, self, 3)
                return _run_legacy(fallback, arguments)
        return _delegate.legacy_call(_API, method, self, values, stacklevel=4)

    @legacy_method
    def emit_agent_started(self, message: str | None = None) -> Awaitable:
        return self._agent_legacy("emit_agent_started", locals())

    @legacy_method
    def emit_thinking(
        self, thought: str, step_number: int | None = None, context: Any = None
    ) -> Awaitable:
        return self._agent_legacy("emit_thinking", locals())

    @legacy_method
    def emit_tool_executing(self, tool_name: str, parameters: Any = None) -> Awaitable:
        return self._agent_legacy("emit_tool_executing", locals())

    @legacy_method
    def emit_tool_started(self, tool_name: str, parameters: Any = None) -> Awaitable:
        return self._agent_legacy("emit_tool_started", locals())

    @legacy_method
    def emit_tool_completed(self, tool_name: str, result: Any = None) -> Awaitable:
        return self._agent_legacy("emit_tool_completed", locals())

    @legacy_method
    def emit_agent_completed(self, result: Any = None, context: Any = None) -> Awaitable:
        return self._agent_legacy("emit_agent_completed", locals())

    @legacy_method
    def emit_progress(self, content: str, is_complete: bool = False) -> Awaitable:
        return self._agent_legacy("emit_progress", locals())

    @legacy_method
    def emit_error(
        self, error_message: str, error_type: str | None = None, error_details: Any = None
    ) -> Awaitable:
        return self._agent_legacy("emit_error", locals())

    @legacy_method
    def emit_subagent_started(
        self, subagent_name: str, subagent_id: str | None = None
    ) -> Awaitable:
        return self._agent_legacy("emit_subagent_started", locals())

    @legacy_method
    def emit_subagent_completed(
        self,
        subagent_name: str,
        subagent_id: str | None = None,
        result: Any = None,
        duration_ms: float = 0,
    ) -> Awaitable:
        return self._agent_legacy("emit_subagent_completed", locals())


async def _run_legacy(method: Any, arguments: dict[str, Any]) -> Any:
    token = _in_legacy.set(True)
    try:
        return await method(**arguments)
    finally:
        _in_legacy.reset(token)


class StandaloneAgent:
    """The base ``BaseAgent`` uses once the legacy module is gone: just a name."""

    def __init__(self, name: str | None = None, description: str = "") -> None:
        self.name = name or type(self).__name__
        self.description = description


def _make(legacy: type | None) -> type:
    return subclass(
        "BaseAgent",
        __name__,
        (AgentEmitterMixin, legacy or StandaloneAgent),
        "The legacy BaseAgent with its emit_* methods delegating to a unified emitter.",
    )


if TYPE_CHECKING:  # what static tools see; at runtime __getattr__ builds it on first access

    class BaseAgent(AgentEmitterMixin, StandaloneAgent): ...


def __getattr__(name: str) -> Any:
    if name == "BaseAgent":
        return build_once(globals(), name, _make)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

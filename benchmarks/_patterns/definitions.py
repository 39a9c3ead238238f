"""The legacy modules themselves and the package `__init__` files that re-export them.

Only the names listed in legacy-emitters.md (plus the few unrelated ones imports.py mixes
in) are defined, so the stale names imports.py uses really are missing.
"""

# Generated-code templates: their long lines are deliberate, as in the real modules.
# ruff: noqa: E501

from __future__ import annotations

from .legacy import BASE, BRIDGE, FACTORY, TRANSPARENT, UNIFIED


def _methods(specs: list[tuple[str, str, str]], returns: str, indent: str = "    ") -> str:
    """Async methods from (name, parameters, body-expression) triples."""
    out = []
    for name, params, expr in specs:
        sep = ", " if params else ""
        out.append(
            f"{indent}async def {name}(self{sep}{params}) -> {returns}:\n"
            f"{indent}    return await {expr}\n"
        )
    return "\n".join(out)


def unified_emitter() -> str:
    critical = [
        "agent_started",
        "agent_thinking",
        "tool_executing",
        "tool_completed",
        "agent_completed",
    ]
    emits = [(f"emit_{e}", "data: dict[str, Any]", f'self.emit("{e}", data)') for e in critical]
    notify = [
        ("notify_agent_started", "agent_name: str, metadata: dict | None = None, context: Any = None",
         'self.emit_agent_started({"agent_name": agent_name, **(metadata or {})})'),
        ("notify_agent_thinking",
         "agent_name: str | None = None, reasoning: str | None = None, thought: str | None = None, "
         "step_number: int | None = None, metadata: dict | None = None",
         'self.emit_agent_thinking({"agent_name": agent_name, "thought": thought or reasoning, '
         '"step_number": step_number, **(metadata or {})})'),
        ("notify_tool_executing", "tool_name: str, metadata: dict | None = None",
         'self.emit_tool_executing({"tool_name": tool_name, **(metadata or {})})'),
        ("notify_tool_completed", "tool_name: str, metadata: dict | None = None",
         'self.emit_tool_completed({"tool_name": tool_name, **(metadata or {})})'),
        ("notify_agent_completed",
         "agent_name: str, metadata: dict | None = None, result: Any = None, "
         "execution_time_ms: float | None = None",
         'self.emit_agent_completed({"agent_name": agent_name, "result": result, '
         '"execution_time_ms": execution_time_ms, **(metadata or {})})'),
        ("notify_agent_error", "error: Any, **kwargs: Any",
         'self.emit("agent_error", {"error": str(error), **kwargs})'),
        ("notify_progress_update", 'progress: Any, message: str = "", **kwargs: Any',
         'self.emit("progress_update", {"progress": progress, "message": message, **kwargs})'),
        ("notify_custom", "event_type: str, data: dict[str, Any]", "self.emit(event_type, data)"),
    ]  # fmt: skip
    return f'''"""Per-user WebSocket emitter: every critical event goes through the manager."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

CRITICAL_EVENTS = {tuple(critical)!r}


@dataclass
class EmitterMetrics:
    sent: int = 0
    failed: int = 0


class UnifiedWebSocketEmitter:
    def __init__(self, manager: Any, user_id: str, context: Any = None) -> None:
        self.manager = manager
        self.user_id = user_id
        self.context = context
        self.metrics = EmitterMetrics()

    async def emit(self, event_type: str, data: dict[str, Any]) -> None:
        try:
            await self.manager.emit_critical_event(
                user_id=self.user_id, event_type=event_type, data=data
            )
            self.metrics.sent += 1
        except Exception:
            self.metrics.failed += 1
            logger.exception("could not emit %s", event_type)

{_methods(emits, "None")}
{_methods(notify, "None")}

class WebSocketEmitterFactory:
    @staticmethod
    def create_emitter(manager: Any, user_id: str, context: Any = None) -> UnifiedWebSocketEmitter:
        return UnifiedWebSocketEmitter(manager, user_id, context)

    @staticmethod
    def create_scoped_emitter(manager: Any, context: Any) -> UnifiedWebSocketEmitter:
        return UnifiedWebSocketEmitter(manager, context.user_id, context)


class WebSocketEmitterPool:
    def __init__(self, manager: Any, max_size: int = 256) -> None:
        self._manager = manager
        self._max_size = max_size
        self._emitters: dict[str, UnifiedWebSocketEmitter] = {{}}

    async def acquire(self, user_id: str, context: Any = None) -> UnifiedWebSocketEmitter:
        if user_id not in self._emitters and len(self._emitters) < self._max_size:
            self._emitters[user_id] = UnifiedWebSocketEmitter(self._manager, user_id, context)
        return self._emitters.get(user_id) or UnifiedWebSocketEmitter(self._manager, user_id, context)


WebSocketEventEmitter = UnifiedWebSocketEmitter
UserWebSocketEmitter = UnifiedWebSocketEmitter
IsolatedWebSocketEventEmitter = UnifiedWebSocketEmitter
'''


def agent_websocket_bridge() -> str:
    specs = [
        ("notify_agent_started", "run_id: str, agent_name: str, context: Any = None, trace_context: Any = None",
         '"agent_started", {"context": context}'),
        ("notify_agent_thinking",
         "run_id: str, agent_name: str, reasoning: str, step_number: int | None = None, "
         "progress_percentage: float | None = None, trace_context: Any = None",
         '"agent_thinking", {"reasoning": reasoning, "step_number": step_number}'),
        ("notify_tool_executing", "run_id: str, agent_name: str, tool_name: str, parameters: Any = None",
         '"tool_executing", {"tool_name": tool_name, "parameters": parameters}'),
        ("notify_tool_completed",
         "run_id: str, agent_name: str, tool_name: str, result: Any = None, "
         "execution_time_ms: float | None = None",
         '"tool_completed", {"tool_name": tool_name, "result": result}'),
        ("notify_agent_completed",
         "run_id: str, agent_name: str, result: Any = None, execution_time_ms: float | None = None, "
         "trace_context: Any = None",
         '"agent_completed", {"result": result, "execution_time_ms": execution_time_ms}'),
        ("notify_agent_error",
         "run_id: str, agent_name: str, error: str, error_context: Any = None, trace_context: Any = None",
         '"agent_error", {"error": error, "error_context": error_context}'),
        ("notify_agent_death", "run_id: str, agent_name: str, death_cause: str, death_context: Any = None",
         '"agent_death", {"death_cause": death_cause}'),
        ("notify_progress_update", "run_id: str, agent_name: str, progress: dict", '"progress", progress'),
        ("notify_custom", "run_id: str, agent_name: str, notification_type: str, data: dict",
         "notification_type, data"),
    ]  # fmt: skip
    methods = _methods(
        [(name, params, f"self._send(run_id, agent_name, {args})") for name, params, args in specs],
        "bool",
    )
    return f'''"""Bridge between agents and the WebSocket manager, routed by run id."""

from __future__ import annotations

import logging
import time
from enum import Enum
from typing import Any, NamedTuple

logger = logging.getLogger(__name__)


class IntegrationState(str, Enum):
    UNINITIALIZED = "uninitialized"
    ACTIVE = "active"
    FAILED = "failed"


class IntegrationResult(NamedTuple):
    success: bool
    state: IntegrationState


class AgentWebSocketBridge:
    def __init__(self, user_context: Any = None) -> None:
        self.user_context = user_context
        self.state = IntegrationState.UNINITIALIZED

    async def _send(self, run_id: str, agent_name: str, event_type: str, payload: Any) -> bool:
        message = {{
            "type": event_type,
            "run_id": run_id,
            "agent_name": agent_name,
            "timestamp": time.time(),
            "payload": payload,
        }}
        try:
            thread_id = await self._resolve_thread(run_id)
            await self.user_context.manager.send_to_thread(thread_id, message)
            return True
        except Exception:
            logger.exception("could not deliver %s for run %s", event_type, run_id)
            return False

    async def _resolve_thread(self, run_id: str) -> str:
        return run_id.split("_")[0]

{methods}
    async def emit_agent_event(
        self, event_type: str, data: dict, run_id: str | None = None, agent_name: str | None = None
    ) -> bool:
        return await self._send(run_id or "", agent_name or "", event_type, data)

    async def create_user_emitter(self, user_context: Any) -> Any:
        from {UNIFIED} import UnifiedWebSocketEmitter

        return UnifiedWebSocketEmitter(user_context.manager, user_context.user_id, user_context)

    async def create_user_emitter_from_ids(
        self, user_id: str, thread_id: str, run_id: str, websocket_connection_id: str | None = None
    ) -> Any:
        from {UNIFIED} import UnifiedWebSocketEmitter

        return UnifiedWebSocketEmitter(self.user_context.manager, user_id, None)


def create_agent_websocket_bridge(user_context: Any = None) -> AgentWebSocketBridge:
    return AgentWebSocketBridge(user_context)
'''


def base_agent() -> str:
    specs = [
        ("emit_agent_started", "message: str | None = None", "notify_agent_started", "context={'message': message}"),
        ("emit_thinking", "thought: str, step_number: int | None = None, context: Any = None",
         "notify_agent_thinking", "thought, step_number=step_number"),
        ("emit_tool_executing", "tool_name: str, parameters: Any = None", "notify_tool_executing",
         "tool_name, parameters"),
        ("emit_tool_started", "tool_name: str, parameters: Any = None", "notify_tool_executing",
         "tool_name, parameters"),
        ("emit_tool_completed", "tool_name: str, result: Any = None", "notify_tool_completed",
         "tool_name, result"),
        ("emit_agent_completed", "result: Any = None, context: Any = None", "notify_agent_completed",
         "result=result"),
        ("emit_progress", "content: str, is_complete: bool = False", "notify_progress_update",
         "{'content': content, 'is_complete': is_complete}"),
        ("emit_error", "error_message: str, error_type: str | None = None, error_details: Any = None",
         "notify_agent_error", "error_message, error_context=error_details"),
        ("emit_subagent_started", "subagent_name: str, subagent_id: str | None = None", "notify_custom",
         "'subagent_started', {'name': subagent_name, 'id': subagent_id}"),
        ("emit_subagent_completed",
         "subagent_name: str, subagent_id: str | None = None, result: Any = None, duration_ms: float = 0",
         "notify_custom", "'subagent_completed', {'name': subagent_name, 'duration_ms': duration_ms}"),
    ]  # fmt: skip
    methods = "\n".join(
        f"    async def {name}(self, {params}) -> None:\n"
        f"        if self._bridge is None:\n"
        f"            return\n"
        f"        await self._bridge.{target}(self._run_id, self.name, {args})\n"
        for name, params, target, args in specs
    )
    return f'''"""Base class of every agent; its emit_* helpers go through the websocket bridge."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


class AgentLifecycleMixin:
    state: str = "pending"

    def mark(self, state: str) -> None:
        self.state = state


class BaseAgent(AgentLifecycleMixin):
    def __init__(self, llm_manager: Any = None, name: str = "agent", description: str = "") -> None:
        self.llm_manager = llm_manager
        self.name = name
        self.description = description
        self._bridge: Any = None
        self._run_id: str | None = None

    def set_websocket_bridge(self, bridge: Any, run_id: str) -> None:
        self._bridge = bridge
        self._run_id = run_id

{methods}'''


def transparent_websocket_events() -> str:
    specs = [
        ("emit_agent_started", "agent_name: str, agent_description: str | None = None"),
        ("emit_agent_thinking", "thought: str, step_number: int | None = None"),
        ("emit_tool_executing", "tool_name: str, tool_description: str | None = None"),
        ("emit_tool_completed", "tool_name: str, result: Any"),
        ("emit_agent_completed", "result: Any, execution_time_ms: float | None = None"),
        ("emit_service_initializing",
         "service_name: str, initialization_steps: list | None = None, estimated_time_seconds: float | None = None"),
        ("emit_service_ready",
         "service_name: str, initialization_time_ms: float | None = None, service_metadata: dict | None = None"),
        ("emit_service_degraded",
         "service_name: str, reason: str, fallback_options: list | None = None, performance_impact: str | None = None"),
        ("emit_service_unavailable",
         "service_name: str, reason: str, estimated_recovery_seconds: float | None = None, "
         "alternatives: list | None = None, is_critical: bool = False"),
        ("emit_service_recovered", "service_name: str, recovery_time_ms: float | None = None"),
        ("emit_system_status",
         "overall_status: str, service_statuses: dict, can_process_requests: bool, "
         "degraded_services: list | None = None"),
        ("emit_user_queue_position",
         'position: int, estimated_wait_time_seconds: float | None = None, queue_type: str = "standard"'),
    ]  # fmt: skip
    methods = "\n".join(
        f"    async def {name}(self, {params}) -> None:\n"
        f'        await self._send("{name.removeprefix("emit_")}", dict(locals()))\n'
        for name, params in specs
    )
    return f'''"""Transparency events: what the system is doing, shown to the user as it happens."""

from __future__ import annotations

from enum import Enum
from typing import Any


class ServiceStatus(str, Enum):
    READY = "ready"
    DEGRADED = "degraded"
    UNAVAILABLE = "unavailable"


class UserTier(str, Enum):
    FREE = "free"
    PRO = "pro"


class TransparentWebSocketEmitter:
    def __init__(self, context: Any) -> None:
        self.context = context

    async def _send(self, event_type: str, data: dict[str, Any]) -> None:
        data.pop("self", None)
        message = {{
            "type": event_type,
            "user_id": self.context.user_id,
            "request_id": self.context.request_id,
            "metadata": {{"user_tier": getattr(self.context, "tier", UserTier.FREE)}},
            **data,
        }}
        await self.context.websocket.send_json(message)

{methods}

class TransparentWebSocketBridge(TransparentWebSocketEmitter):
    """Same events for callers that only have a request context."""
'''


def agent_instance_factory() -> str:
    return f'''"""Creates agent instances per request, each with its own per-user emitter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from {BRIDGE} import AgentWebSocketBridge


@dataclass
class UserExecutionEngineConfig:
    max_concurrent_agents: int = 5


class UserWebSocketEmitter:
    def __init__(self, user_id: str, thread_id: str, run_id: str, websocket_bridge: Any) -> None:
        self.user_id = user_id
        self.thread_id = thread_id
        self.run_id = run_id
        self.websocket_bridge = websocket_bridge

    async def _checked(self, ok: bool, what: str) -> bool:
        if not ok:
            raise ConnectionError(f"{{what}} not delivered for run {{self.run_id}}")
        return True

    async def notify_agent_started(self, agent_name: str, context: Any = None) -> bool:
        ok = await self.websocket_bridge.notify_agent_started(self.run_id, agent_name, context=context)
        return await self._checked(ok, "agent_started")

    async def notify_agent_thinking(
        self, agent_name: str, reasoning: str, step_number: int | None = None,
        progress_percentage: float | None = None,
    ) -> bool:
        ok = await self.websocket_bridge.notify_agent_thinking(
            self.run_id, agent_name, reasoning, step_number, progress_percentage
        )
        return await self._checked(ok, "agent_thinking")

    async def notify_tool_executing(self, agent_name: str, tool_name: str, parameters: Any = None) -> bool:
        ok = await self.websocket_bridge.notify_tool_executing(self.run_id, agent_name, tool_name, parameters)
        return await self._checked(ok, "tool_executing")

    async def notify_tool_completed(
        self, agent_name: str, tool_name: str, result: Any = None, execution_time_ms: float | None = None
    ) -> bool:
        ok = await self.websocket_bridge.notify_tool_completed(
            self.run_id, agent_name, tool_name, result, execution_time_ms
        )
        return await self._checked(ok, "tool_completed")

    async def notify_agent_completed(
        self, agent_name: str, result: Any = None, execution_time_ms: float | None = None
    ) -> bool:
        ok = await self.websocket_bridge.notify_agent_completed(
            self.run_id, agent_name, result, execution_time_ms
        )
        return await self._checked(ok, "agent_completed")

    async def notify_agent_error(self, agent_name: str, error: str, error_context: Any = None) -> bool:
        try:
            return await self.websocket_bridge.notify_agent_error(self.run_id, agent_name, error, error_context)
        except Exception:
            return False


class AgentInstanceFactory:
    def __init__(self, bridge: AgentWebSocketBridge, config: UserExecutionEngineConfig | None = None) -> None:
        self._bridge = bridge
        self._config = config or UserExecutionEngineConfig()

    def _create_emitter(self, user_id: str, thread_id: str, run_id: str) -> UserWebSocketEmitter:
        return UserWebSocketEmitter(user_id, thread_id, run_id, self._bridge)
'''


REEXPORTS = {
    "netra_backend/app/websocket_core/__init__.py": f'''"""WebSocket core: the connection manager and the per-user emitter."""

from netra_backend.app.websocket_core.manager import WebSocketManager, get_websocket_manager
from {UNIFIED} import (
    UnifiedWebSocketEmitter,
    WebSocketEmitterFactory,
    WebSocketEmitterPool,
)

# Historical names, kept for callers written before the emitters were merged.
WebSocketEventEmitter = UnifiedWebSocketEmitter
UserWebSocketEmitter = UnifiedWebSocketEmitter
IsolatedWebSocketEventEmitter = UnifiedWebSocketEmitter

__all__ = [
    "IsolatedWebSocketEventEmitter",
    "UnifiedWebSocketEmitter",
    "UserWebSocketEmitter",
    "WebSocketEmitterFactory",
    "WebSocketEmitterPool",
    "WebSocketEventEmitter",
    "WebSocketManager",
    "get_websocket_manager",
]
''',
    "netra_backend/app/services/__init__.py": '''"""Application services."""

from .agent_websocket_bridge import AgentWebSocketBridge, create_agent_websocket_bridge

__all__ = ["AgentWebSocketBridge", "create_agent_websocket_bridge"]
''',
    "netra_backend/app/agents/__init__.py": f'''"""Agents and their shared base class."""

from {BASE} import BaseAgent as BaseAgent
''',
    "netra_backend/app/services/websocket/__init__.py": f"""from {TRANSPARENT} import (
    TransparentWebSocketBridge,
    TransparentWebSocketEmitter,
)

__all__ = ["TransparentWebSocketBridge", "TransparentWebSocketEmitter"]
""",
    "netra_backend/app/agents/supervisor/__init__.py": f"""from {FACTORY} import AgentInstanceFactory

__all__ = ["AgentInstanceFactory"]
""",
}

DEFINITIONS = {
    "netra_backend/app/websocket_core/unified_emitter.py": unified_emitter,
    "netra_backend/app/services/agent_websocket_bridge.py": agent_websocket_bridge,
    "netra_backend/app/agents/base_agent.py": base_agent,
    "netra_backend/app/services/websocket/transparent_websocket_events.py": transparent_websocket_events,
    "netra_backend/app/agents/supervisor/agent_instance_factory.py": agent_instance_factory,
}

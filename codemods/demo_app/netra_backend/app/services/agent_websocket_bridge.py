"""The agent bridge: notifications keyed by run_id, routed to the run's thread."""

from __future__ import annotations

import logging
import time
from typing import Any

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.unified_emitter import UnifiedWebSocketEmitter
from netra_backend.app.websocket_core.websocket_manager import get_websocket_manager

logger = logging.getLogger(__name__)


class RunThreadRegistry:
    """Which thread a run belongs to; the manager only knows threads."""

    def __init__(self) -> None:
        self._threads: dict[str, str] = {}

    def register(self, run_id: str, thread_id: str) -> None:
        self._threads[run_id] = thread_id

    def thread_for(self, run_id: str) -> str | None:
        return self._threads.get(run_id)


run_thread_registry = RunThreadRegistry()


class AgentWebSocketBridge:
    def __init__(self, user_context: Any = None) -> None:
        self.user_context = user_context
        if user_context is not None:
            run_thread_registry.register(user_context.run_id, user_context.thread_id)

    async def _send(
        self, event_type: str, run_id: str | None, agent_name: str | None, payload: dict[str, Any]
    ) -> bool:
        manager = get_websocket_manager()
        thread_id = run_thread_registry.thread_for(run_id) if run_id else None
        if manager is None or thread_id is None:
            logger.warning("cannot route %s for run %s", event_type, run_id)
            return False
        message = {
            "type": event_type,
            "run_id": run_id,
            "agent_name": agent_name,
            "timestamp": time.time(),
            "payload": {k: v for k, v in payload.items() if v is not None},
        }
        try:
            return bool(await manager.send_to_thread(thread_id, message))
        except Exception:
            logger.exception("failed to send %s for run %s", event_type, run_id)
            return False

    async def notify_agent_started(
        self, run_id: str, agent_name: str, context: Any = None, trace_context: Any = None
    ) -> bool:
        return await self._send("agent_started", run_id, agent_name, {"context": context})

    async def notify_agent_thinking(
        self,
        run_id: str,
        agent_name: str,
        reasoning: str,
        step_number: int | None = None,
        progress_percentage: float | None = None,
        trace_context: Any = None,
    ) -> bool:
        payload = {
            "reasoning": reasoning,
            "step_number": step_number,
            "progress_percentage": progress_percentage,
        }
        return await self._send("agent_thinking", run_id, agent_name, payload)

    async def notify_tool_executing(
        self, run_id: str, agent_name: str, tool_name: str, parameters: Any = None
    ) -> bool:
        payload = {"tool_name": tool_name, "parameters": parameters}
        return await self._send("tool_executing", run_id, agent_name, payload)

    async def notify_tool_completed(
        self,
        run_id: str,
        agent_name: str,
        tool_name: str,
        result: Any = None,
        execution_time_ms: float | None = None,
    ) -> bool:
        payload = {"tool_name": tool_name, "result": result, "execution_time_ms": execution_time_ms}
        return await self._send("tool_completed", run_id, agent_name, payload)

    async def notify_agent_completed(
        self,
        run_id: str,
        agent_name: str,
        result: Any = None,
        execution_time_ms: float | None = None,
        trace_context: Any = None,
    ) -> bool:
        payload = {"result": result, "execution_time_ms": execution_time_ms}
        return await self._send("agent_completed", run_id, agent_name, payload)

    async def notify_agent_error(
        self,
        run_id: str,
        agent_name: str,
        error: Any,
        error_context: Any = None,
        trace_context: Any = None,
    ) -> bool:
        payload = {"error": str(error), "error_context": error_context}
        return await self._send("agent_error", run_id, agent_name, payload)

    async def notify_agent_death(
        self, run_id: str, agent_name: str, death_cause: str, death_context: Any = None
    ) -> bool:
        payload = {"death_cause": death_cause, "death_context": death_context}
        return await self._send("agent_death", run_id, agent_name, payload)

    async def notify_progress_update(
        self, run_id: str, agent_name: str, progress: dict[str, Any]
    ) -> bool:
        return await self._send("progress_update", run_id, agent_name, dict(progress))

    async def notify_custom(
        self, run_id: str, agent_name: str, notification_type: str, data: dict[str, Any]
    ) -> bool:
        return await self._send(notification_type, run_id, agent_name, dict(data))

    async def emit_agent_event(
        self,
        event_type: str,
        data: dict[str, Any],
        run_id: str | None = None,
        agent_name: str | None = None,
    ) -> bool:
        if run_id is None and self.user_context is not None:
            run_id = self.user_context.run_id
        return await self._send(event_type, run_id, agent_name, dict(data))

    async def create_user_emitter(self, user_context: Any) -> UnifiedWebSocketEmitter:
        return UnifiedWebSocketEmitter(get_websocket_manager(), user_context.user_id, user_context)

    def create_user_emitter_from_ids(
        self,
        user_id: str,
        thread_id: str,
        run_id: str,
        websocket_connection_id: str | None = None,
    ) -> UnifiedWebSocketEmitter:
        context = UserExecutionContext(user_id=user_id, thread_id=thread_id, run_id=run_id)
        return UnifiedWebSocketEmitter(get_websocket_manager(), user_id, context)


def create_agent_websocket_bridge(user_context: Any = None) -> AgentWebSocketBridge:
    return AgentWebSocketBridge(user_context)

"""Per-user agent wiring: an emitter that binds run_id and turns delivery failure into errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any


class UserWebSocketEmitter:
    def __init__(self, user_id: str, thread_id: str, run_id: str, websocket_bridge: Any) -> None:
        self.user_id = user_id
        self.thread_id = thread_id
        self.run_id = run_id
        self.websocket_bridge = websocket_bridge

    async def _deliver(self, event: str, sending: Awaitable[bool]) -> bool:
        try:
            delivered = await sending
        except Exception as exc:
            raise RuntimeError(f"{event} failed for user {self.user_id}: {exc}") from exc
        if not delivered:
            raise ConnectionError(f"{event} was not delivered to user {self.user_id}")
        return True

    async def notify_agent_started(self, agent_name: str, context: Any = None) -> bool:
        bridge = self.websocket_bridge
        return await self._deliver(
            "agent_started", bridge.notify_agent_started(self.run_id, agent_name, context)
        )

    async def notify_agent_thinking(
        self,
        agent_name: str,
        reasoning: str,
        step_number: int | None = None,
        progress_percentage: float | None = None,
    ) -> bool:
        sending = self.websocket_bridge.notify_agent_thinking(
            self.run_id, agent_name, reasoning, step_number, progress_percentage
        )
        return await self._deliver("agent_thinking", sending)

    async def notify_tool_executing(
        self, agent_name: str, tool_name: str, parameters: Any = None
    ) -> bool:
        sending = self.websocket_bridge.notify_tool_executing(
            self.run_id, agent_name, tool_name, parameters
        )
        return await self._deliver("tool_executing", sending)

    async def notify_tool_completed(
        self,
        agent_name: str,
        tool_name: str,
        result: Any = None,
        execution_time_ms: float | None = None,
    ) -> bool:
        sending = self.websocket_bridge.notify_tool_completed(
            self.run_id, agent_name, tool_name, result, execution_time_ms
        )
        return await self._deliver("tool_completed", sending)

    async def notify_agent_completed(
        self, agent_name: str, result: Any = None, execution_time_ms: float | None = None
    ) -> bool:
        sending = self.websocket_bridge.notify_agent_completed(
            self.run_id, agent_name, result, execution_time_ms
        )
        return await self._deliver("agent_completed", sending)

    async def notify_agent_error(
        self, agent_name: str, error: Any, error_context: Any = None
    ) -> bool:
        # Reporting an error must never raise a second one.
        try:
            sent = await self.websocket_bridge.notify_agent_error(
                self.run_id, agent_name, error, error_context
            )
        except Exception:
            return False
        return bool(sent)


class AgentInstanceFactory:
    def __init__(self, websocket_bridge: Any = None) -> None:
        self._websocket_bridge = websocket_bridge

    def configure(self, websocket_bridge: Any) -> None:
        self._websocket_bridge = websocket_bridge

    def _create_emitter(self, user_id: str, thread_id: str, run_id: str) -> UserWebSocketEmitter:
        if self._websocket_bridge is None:
            raise RuntimeError("AgentInstanceFactory is not configured with a websocket bridge")
        return UserWebSocketEmitter(user_id, thread_id, run_id, self._websocket_bridge)
